package exportctl.provisions.mofcom_gac_2025_058.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_058.items_licence
import data.exportctl.testing

_id := "mofcom_gac_2025_058/items_licence"

_base := testing.transaction(
	{"date": "2026-12-01", "destination": "KR", "parties": [{"role": "end_user", "name": "Buyer", "country": "KR", "military": false}], "end_use": {"categories": ["civil"]}},
	{},
)

_categories := ["lithium_battery_300whkg", "lfp_cathode_high_density", "cathode_precursor", "graphite_anode", "battery_production_equipment"]

_cells := {"category": _categories[0]}

# The licence requirement for item 1 of an export from China to Korea, with `facts` added.
_licence(facts) := testing.finding(_id, "1", "license_required", object.union({"destination": "KR", "transferor_country": "CN"}, facts))

test_fires[category] if {
	some category in _categories
	testing.results(items_licence.findings) == {_licence({"category": category})} with input as testing.transaction_from(_base, {}, {"category": category})
}

test_does_not_fire[note] if {
	some note, tc in {
		"another category": {"patch": {}, "item": {"category": "superhard_material"}},
		"no category": {"patch": {}, "item": {"control_code": "not_listed"}},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _cells},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "KR"}}, "item": _cells},
	}
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

# Suspended by No. 70 from before it took effect (2025-11-08) until 2026-11-10.
_suspended := testing.not_applied_entry(_id, "1", "2026-11-11", "suspended by MOFCOM/GAC Announcement No. 70 of 2025 from 2025-11-07 through 2026-11-10")

test_date_boundaries[date] if {
	before := testing.not_applied_entry(_id, "1", "2026-11-11", "not yet in force: mofcom_gac_2025_058/items_licence applies from 2025-11-08")
	some date, want in {
		"2025-11-06": {"reasons": set(), "not_applied": {before}},
		"2025-11-08": {"reasons": set(), "not_applied": {_suspended}},
		"2026-11-10": {"reasons": set(), "not_applied": {_suspended}},
		"2026-11-11": {"reasons": {_licence(_cells)}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _cells)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #23: 310 Wh/kg cells during the suspension; No. 58 never took effect.
test_case_23_high_energy_cells_suspended if {
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2026-03-01"}, {"category": "lithium_battery_300whkg", "description": "310 Wh/kg Li-ion cells", "material": {"elements": ["Li", "Ni", "Co", "Mn", "O", "C"], "form": "other"}})
	d.outcome == "not_required"
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {_suspended}
}

test_fires_by_code[code] if {
	some code, item in {
		"3C901.a.1": {"control_code": "3C901.a.1"},
		"3B901.c.2": {"control_code": "3B901.c.2"},
		"3E901.a": {"kind": "technology", "control_code": "3E901.a"},
	}
	testing.results(items_licence.findings) == {_licence({"control_code": code})} with input as testing.transaction_from(_base, {}, item)
}

# 3A001 is printed in the text but not matched (codes_unconfirmed), nor are the other unconfirmed codes.
test_not_by_an_unconfirmed_code[code] if {
	some code in ["3A001", "3B901.c.3", "3E901.b", "3C901.b.2"]
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, {}, {"control_code": code})
}

test_category_and_code_give_one_finding if {
	testing.results(items_licence.findings) == {_licence({"category": "graphite_anode", "control_code": "3C901.b.1"})} with input as testing.transaction_from(_base, {}, {"category": "graphite_anode", "control_code": "3C901.b.1"})
}

package exportctl.provisions.mofcom_gac_2025_058.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_058.items_licence

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-12-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "KR",
		"parties": [{"role": "end_user", "name": "Buyer", "country": "KR", "military": false}],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

test_fires[category] if {
	some category in ["lithium_battery_300whkg", "lfp_cathode_high_density", "cathode_precursor", "graphite_anode", "battery_production_equipment"]
	{[f.outcome, f.facts.category] | some f in items_licence.findings with input as _tx({}, {"category": category})} == {["license_required", category]}
}

test_does_not_fire[note] if {
	some note, tc in {
		"another category": {"patch": {}, "item": {"category": "superhard_material"}},
		"no category": {"patch": {}, "item": {"control_code": "not_listed"}},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": {"category": ["lithium_battery_300whkg", "lfp_cathode_high_density", "cathode_precursor", "graphite_anode", "battery_production_equipment"][0]}},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "KR"}}, "item": {"category": ["lithium_battery_300whkg", "lfp_cathode_high_density", "cathode_precursor", "graphite_anode", "battery_production_equipment"][0]}},
	}
	count(items_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2025_058/items_licence"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_gac_2025_058/items_licence"}

test_date_boundaries[date] if {
	some date, want in {
		"2025-11-06": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2025-11-08": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-10": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-11": {"reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, {"category": ["lithium_battery_300whkg", "lfp_cathode_high_density", "cathode_precursor", "graphite_anode", "battery_production_equipment"][0]})
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #23: 310 Wh/kg cells during the suspension; No. 58 never took effect.
test_case_23_high_energy_cells_suspended if {
	d := exportctl.decision with input as _tx({"date": "2026-03-01"}, {"category": "lithium_battery_300whkg", "description": "310 Wh/kg Li-ion cells", "material": {"elements": ["Li", "Ni", "Co", "Mn", "O", "C"], "form": "other"}})
	d.outcome == "not_required"
	_mine(d) == set()
	_not_applied(d) == {["1", "2026-11-11"]}
}

test_fires_by_code[code] if {
	some code, item in {
		"3C901.a.1": {"control_code": "3C901.a.1"},
		"3B901.c.2": {"control_code": "3B901.c.2"},
		"3E901.a": {"kind": "technology", "control_code": "3E901.a"},
	}
	{[f.outcome, f.facts.control_code] | some f in items_licence.findings with input as _tx({}, item)} == {["license_required", code]}
}

# 3A001 is printed in the text but not matched (codes_unconfirmed), nor are the other unconfirmed codes.
test_not_by_an_unconfirmed_code[code] if {
	some code in ["3A001", "3B901.c.3", "3E901.b", "3C901.b.2"]
	count(items_licence.findings) == 0 with input as _tx({}, {"control_code": code})
}

test_category_and_code_give_one_finding if {
	findings := items_licence.findings with input as _tx({}, {"category": "graphite_anode", "control_code": "3C901.b.1"})
	{[f.facts.category, f.facts.control_code] | some f in findings} == {["graphite_anode", "3C901.b.1"]}
}

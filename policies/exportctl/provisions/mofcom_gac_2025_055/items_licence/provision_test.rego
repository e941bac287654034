package exportctl.provisions.mofcom_gac_2025_055.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_055.items_licence
import data.exportctl.testing

_id := "mofcom_gac_2025_055/items_licence"

_base := testing.transaction({"date": "2026-12-01", "destination": "KR"}, {})

_superhard := {"category": "superhard_material"}

# The licence requirement for item 1 of an export from China to Korea, with `facts` added.
_licence(facts) := testing.finding(_id, "1", "license_required", object.union({"destination": "KR", "transferor_country": "CN"}, facts))

test_fires if {
	testing.results(items_licence.findings) == {_licence(_superhard)} with input as testing.transaction_from(_base, {}, _superhard)
}

test_does_not_fire[note] if {
	some note, tc in {
		"another category": {"patch": {}, "item": {"category": "graphite_anode"}},
		"no category": {"patch": {}, "item": {"control_code": "not_listed"}},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _superhard},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "KR"}}, "item": _superhard},
	}
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_date_boundaries[date] if {
	# Suspended by No. 70 from before it took effect (2025-11-08) until 2026-11-10.
	before := testing.not_applied_entry(_id, "1", "2026-11-11", "not yet in force: mofcom_gac_2025_055/items_licence applies from 2025-11-08")
	suspended := testing.not_applied_entry(_id, "1", "2026-11-11", "suspended by MOFCOM/GAC Announcement No. 70 of 2025 from 2025-11-07 through 2026-11-10")
	some date, want in {
		"2025-11-06": {"reasons": set(), "not_applied": {before}},
		"2025-11-08": {"reasons": set(), "not_applied": {suspended}},
		"2026-11-10": {"reasons": set(), "not_applied": {suspended}},
		"2026-11-11": {"reasons": {_licence(_superhard)}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _superhard)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

test_fires_by_code[code] if {
	some code, item in {
		"2C902.a": {"control_code": "2C902.a"},
		"2B005.b": {"control_code": "2B005.b"},
		"2E902": {"kind": "technology", "control_code": "2E902"},
	}
	testing.results(items_licence.findings) == {_licence({"control_code": code})} with input as testing.transaction_from(_base, {}, item)
}

test_not_by_another_code[code] if {
	some code in ["2B005", "2B005.a", "2C901.a"]
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, {}, {"control_code": code})
}

test_asks_for_the_category_of_an_item_it_cannot_place[note] if {
	some note, item in {
		"nothing declared": {},
		"a material that is no rare-earth entry": {"material": {"elements": ["C"], "form": "other"}},
	}
	testing.results(items_licence.findings) == {testing.needs(_id, "1", [{
		"field": "category",
		"why": "mofcom_gac_2025_055/items_licence recognises its items by category or control code: give the item's category, or its control_code (not_listed if it is not a list item)",
	}])} with input as testing.transaction_from(_base, {}, item)
}

test_a_code_or_a_rare_earth_material_says_what_it_is[note] if {
	some note, item in {
		"not_listed": {"control_code": "not_listed"},
		"a rare-earth material": {"material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}},
	}
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, {}, item)
}

package exportctl.provisions.mofcom_gac_2024_033.antimony_items_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2024_033.antimony_items
import data.exportctl.testing

_id := "mofcom_gac_2024_033/antimony_items"

_sb := {"material": {"elements": ["Sb"], "form": "metal"}}

_licence := testing.finding(_id, "1", "license_required", {"elements": ["Sb"], "destination": "DE", "transferor_country": "CN"})

test_fires[note] if {
	some note, item in {
		"antimony metal": _sb,
		"antimony oxide": {"material": {"elements": ["Sb", "O"], "form": "oxide"}},
		"indium antimonide": {"material": {"elements": ["In", "Sb"], "form": "compound"}},
		"smelting technology": object.union(_sb, {"kind": "technology"}),
	}
	testing.results(antimony_items.findings) == {_licence} with input as testing.transaction({}, item)
}

test_does_not_fire[note] if {
	some note, tc in {
		"no antimony": {"patch": {}, "item": {"material": {"elements": ["Ga"], "form": "metal"}}},
		"declared not listed": {"patch": {}, "item": object.union(_sb, {"control_code": "not_listed"})},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _sb},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": _sb},
		"a control code says what the item is": {"patch": {}, "item": {"control_code": "not_listed"}},
	}
	count(antimony_items.findings) == 0 with input as testing.transaction(tc.patch, tc.item)
}

test_effective_date_boundary[date] if {
	some date, want in {
		"2024-09-14": {"reasons": set(), "not_applied": {testing.not_yet_in_force(_id, "2024-09-15")}},
		"2024-09-15": {"reasons": {_licence}, "not_applied": set()},
		"2024-09-16": {"reasons": {_licence}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction({"date": date}, _sb)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

test_asks_for_the_material_of_an_unknown_item if {
	testing.results(antimony_items.findings) == {testing.needs(_id, "1", [{
		"field": "material",
		"why": "mofcom_gac_2024_033/antimony_items recognises its items by their elements: give the item's material or its control_code",
	}])} with input as testing.transaction({}, {"description": "unknown goods"})
}

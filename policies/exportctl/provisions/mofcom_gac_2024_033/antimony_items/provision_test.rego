package exportctl.provisions.mofcom_gac_2024_033.antimony_items_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2024_033.antimony_items

_sb := {"material": {"elements": ["Sb"], "form": "metal"}}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-05-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "DE",
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

test_fires[note] if {
	some note, item in {
		"antimony metal": _sb,
		"antimony oxide": {"material": {"elements": ["Sb", "O"], "form": "oxide"}},
		"indium antimonide": {"material": {"elements": ["In", "Sb"], "form": "compound"}},
		"smelting technology": object.union(_sb, {"kind": "technology"}),
	}
	{[f.outcome, f.facts.elements] | some f in antimony_items.findings with input as _tx({}, item)} == {["license_required", ["Sb"]]}
}

test_does_not_fire[note] if {
	some note, tc in {
		"no antimony": {"patch": {}, "item": {"material": {"elements": ["Ga"], "form": "metal"}}},
		"declared not listed": {"patch": {}, "item": object.union(_sb, {"control_code": "not_listed"})},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _sb},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": _sb},
	}
	count(antimony_items.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2024_033/antimony_items"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_gac_2024_033/antimony_items"}

test_effective_date_boundary[date] if {
	some date, want in {
		"2024-09-14": {"reasons": set(), "not_applied": {["1", "2024-09-15"]}},
		"2024-09-15": {"reasons": {["1", "license_required"]}, "not_applied": set()},
		"2024-09-16": {"reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _sb)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

test_asks_for_the_material_of_an_unknown_item if {
	[f] := [f | some f in antimony_items.findings with input as _tx({}, {"description": "unknown goods"})]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["material"]
}

test_a_control_code_says_what_the_item_is if {
	count(antimony_items.findings) == 0 with input as _tx({}, {"control_code": "not_listed"})
}

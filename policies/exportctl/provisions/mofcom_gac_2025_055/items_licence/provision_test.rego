package exportctl.provisions.mofcom_gac_2025_055.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_055.items_licence

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-12-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "KR",
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

test_fires[category] if {
	some category in ["superhard_material"]
	{[f.outcome, f.facts.category] | some f in items_licence.findings with input as _tx({}, {"category": category})} == {["license_required", category]}
}

test_does_not_fire[note] if {
	some note, tc in {
		"another category": {"patch": {}, "item": {"category": "graphite_anode"}},
		"no category": {"patch": {}, "item": {"control_code": "not_listed"}},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": {"category": ["superhard_material"][0]}},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "KR"}}, "item": {"category": ["superhard_material"][0]}},
	}
	count(items_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2025_055/items_licence"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_gac_2025_055/items_licence"}

test_date_boundaries[date] if {
	some date, want in {
		"2025-11-06": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2025-11-08": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-10": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-11": {"reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, {"category": ["superhard_material"][0]})
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

test_fires_by_code[code] if {
	some code, item in {
		"2C902.a": {"control_code": "2C902.a"},
		"2B005.b": {"control_code": "2B005.b"},
		"2E902": {"kind": "technology", "control_code": "2E902"},
	}
	{[f.outcome, f.facts.control_code] | some f in items_licence.findings with input as _tx({}, item)} == {["license_required", code]}
}

test_not_by_another_code[code] if {
	some code in ["2B005", "2B005.a", "2C901.a"]
	count(items_licence.findings) == 0 with input as _tx({}, {"control_code": code})
}

test_asks_for_the_category_of_an_item_it_cannot_place[note] if {
	some note, item in {
		"nothing declared": {},
		"a material that is no rare-earth entry": {"material": {"elements": ["C"], "form": "other"}},
	}
	[f] := [f | some f in items_licence.findings with input as _tx({}, item)]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["category"]
}

test_a_code_or_a_rare_earth_material_says_what_it_is[note] if {
	some note, item in {
		"not_listed": {"control_code": "not_listed"},
		"a rare-earth material": {"material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}},
	}
	count(items_licence.findings) == 0 with input as _tx({}, item)
}

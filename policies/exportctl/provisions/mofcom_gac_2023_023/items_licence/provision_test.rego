package exportctl.provisions.mofcom_gac_2023_023.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2023_023.items_licence

_ga := {"material": {"elements": ["Ga"], "form": "metal"}}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-05-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "DE",
		"parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": false}],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_facts(tx) := {f.facts | some f in items_licence.findings with input as tx; f.outcome == "license_required"}

test_fires[note] if {
	some note, tc in {
		"gallium metal": {"item": _ga, "facts": {"elements": ["Ga"]}},
		"gallium arsenide": {"item": {"material": {"elements": ["As", "Ga"], "form": "compound"}}, "facts": {"elements": ["Ga"]}},
		"germanium dioxide": {"item": {"material": {"elements": ["Ge", "O"], "form": "oxide"}}, "facts": {"elements": ["Ge"]}},
		"both": {"item": {"material": {"elements": ["Ge", "Ga"], "form": "other"}}, "facts": {"elements": ["Ga", "Ge"]}},
		"with a code": {"item": object.union(_ga, {"control_code": "1C999"}), "facts": {"elements": ["Ga"], "control_code": "1C999"}},
		"to the US": {"item": _ga, "facts": {"elements": ["Ga"], "destination": "US"}, "patch": {"destination": "US"}},
	}
	[f] := [f | some f in _facts(_tx(object.get(tc, "patch", {}), tc.item))]
	object.filter(f, object.keys(tc.facts)) == tc.facts
}

test_does_not_fire[note] if {
	some note, tc in {
		"no gallium or germanium": {"patch": {}, "item": {"material": {"elements": ["Sb"], "form": "metal"}}},
		"no material": {"patch": {}, "item": {"control_code": "3A001"}},
		"declared not listed": {"patch": {}, "item": object.union(_ga, {"control_code": "not_listed"})},
		"gallium-oxide phosphor (FAQ No. 5)": {"patch": {}, "item": {"category": "phosphor", "material": {"elements": ["Ga", "O", "Eu"], "form": "oxide"}}},
		"technology": {"patch": {}, "item": object.union(_ga, {"kind": "technology"})},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _ga},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "JP"}}, "item": _ga},
	}
	count(items_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2023_023/items_licence"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_gac_2023_023/items_licence"}

test_effective_date_boundary[date] if {
	some date, want in {
		"2023-07-31": {"reasons": set(), "not_applied": {["1", "2023-08-01"]}},
		"2023-08-01": {"reasons": {["1", "license_required"]}, "not_applied": set()},
		"2023-08-02": {"reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _ga)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #24: gallium to a US civil end user while clause 2 of No. 46 is suspended.
test_case_24_normal_licence_still_needed if {
	tx := _tx({"destination": "US", "parties": [{"role": "end_user", "name": "Example Inc.", "country": "US"}], "end_use": {"categories": ["civil"]}}, _ga)
	d := exportctl.decision with input as tx
	d.outcome == "license_required"
	d.licensing_policy == "standard"
	_mine(d) == {["1", "license_required"]}
	{n.provision | some n in d.not_applied} == {"mofcom_2024_046/ga_ge_sb_superhard"}
}

test_a_licence_covers_an_item_with_a_code if {
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "control_codes": ["1C999"]}
	tx := object.union(_tx({}, object.union(_ga, {"control_code": "1C999"})), {"licenses": [licence]})
	d := exportctl.decision with input as tx
	d.outcome == "licensed"
}

test_asks_for_the_material_of_an_unknown_item if {
	[f] := [f | some f in items_licence.findings with input as _tx({}, {"description": "unknown goods"})]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["material"]
}

test_a_control_code_says_what_the_item_is if {
	count(items_licence.findings) == 0 with input as _tx({}, {"control_code": "not_listed"})
}

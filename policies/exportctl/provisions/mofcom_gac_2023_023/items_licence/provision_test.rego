package exportctl.provisions.mofcom_gac_2023_023.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2023_023.items_licence
import data.exportctl.testing

_ga := {"material": {"elements": ["Ga"], "form": "metal"}}

_id := "mofcom_gac_2023_023/items_licence"

_base := testing.transaction({"parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": false}], "end_use": {"categories": ["civil"]}}, {})

# The licence requirement for item 1, with `facts` over those of an export from China to Germany.
_licence(facts) := testing.finding(_id, "1", "license_required", object.union({"destination": "DE", "transferor_country": "CN"}, facts))

test_fires[note] if {
	some note, tc in {
		"gallium metal": {"item": _ga, "facts": {"elements": ["Ga"]}},
		"gallium arsenide": {"item": {"material": {"elements": ["As", "Ga"], "form": "compound"}}, "facts": {"elements": ["Ga"]}},
		"germanium dioxide": {"item": {"material": {"elements": ["Ge", "O"], "form": "oxide"}}, "facts": {"elements": ["Ge"]}},
		"both": {"item": {"material": {"elements": ["Ge", "Ga"], "form": "other"}}, "facts": {"elements": ["Ga", "Ge"]}},
		"with a code": {"item": object.union(_ga, {"control_code": "1C999"}), "facts": {"elements": ["Ga"], "control_code": "1C999"}},
		"to the US": {"item": _ga, "facts": {"elements": ["Ga"], "destination": "US"}, "patch": {"destination": "US"}},
	}
	testing.results(items_licence.findings) == {_licence(tc.facts)} with input as testing.transaction_from(_base, object.get(tc, "patch", {}), tc.item)
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
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

_not_yet := testing.not_yet_in_force(_id, "2023-08-01")

test_effective_date_boundary[date] if {
	some date, want in {
		"2023-07-31": {"reasons": set(), "not_applied": {_not_yet}},
		"2023-08-01": {"reasons": {_licence({"elements": ["Ga"]})}, "not_applied": set()},
		"2023-08-02": {"reasons": {_licence({"elements": ["Ga"]})}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _ga)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #24: gallium to a US civil end user while clause 2 of No. 46 is suspended.
test_case_24_normal_licence_still_needed if {
	tx := testing.transaction_from(_base, {"destination": "US", "parties": [{"role": "end_user", "name": "Example Inc.", "country": "US"}], "end_use": {"categories": ["civil"]}}, _ga)
	d := exportctl.decision with input as tx
	d.outcome == "license_required"
	d.licensing_policy == "standard"
	testing.reasons(d, _id) == {_licence({"elements": ["Ga"], "destination": "US"})}
	{n.provision | some n in d.not_applied} == {"mofcom_2024_046/ga_ge_sb_superhard"}
}

test_a_licence_covers_an_item_with_a_code if {
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "control_codes": ["1C999"]}
	tx := object.union(testing.transaction_from(_base, {}, object.union(_ga, {"control_code": "1C999"})), {"licenses": [licence]})
	d := exportctl.decision with input as tx
	d.outcome == "licensed"
	testing.reasons(d, _id) == {object.union(
		_licence({"elements": ["Ga"], "control_code": "1C999"}),
		{"outcome": "licensed", "licence": {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_until": "2026-12-31"}},
	)}
}

test_asks_for_the_material_of_an_unknown_item if {
	testing.results(items_licence.findings) == {testing.needs(_id, "1", [{
		"field": "material",
		"why": "mofcom_gac_2023_023/items_licence recognises its items by their elements: give the item's material or its control_code",
	}])} with input as testing.transaction_from(_base, {}, {"description": "unknown goods"})
}

test_a_control_code_says_what_the_item_is if {
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, {}, {"control_code": "not_listed"})
}

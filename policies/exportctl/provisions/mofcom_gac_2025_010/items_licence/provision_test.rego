package exportctl.provisions.mofcom_gac_2025_010.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_010.items_licence
import data.exportctl.testing

_id := "mofcom_gac_2025_010/items_licence"

_base := testing.transaction(
	{
		"parties": [
			{"role": "consignee", "name": "Beispiel Metall GmbH", "country": "DE"},
			{"role": "end_user", "name": "Beispiel Metall GmbH", "country": "DE", "military": false},
		],
		"end_use": {"categories": ["civil"]},
	},
	{},
)

# The licence requirement for item 1 of an export from China to Germany, with `facts` added.
_licence(facts) := testing.finding(_id, "1", "license_required", object.union({"destination": "DE", "transferor_country": "CN"}, facts))

test_fires_by_material[element] if {
	some element in ["W", "Te", "Bi", "Mo", "In"]
	testing.results(items_licence.findings) == {_licence({"elements": [element]})} with input as testing.transaction_from(_base, {}, {"material": {"elements": [element, "O"], "form": "oxide"}})
}

test_fires[note] if {
	some note, tc in {
		"tungsten technology": {"item": {"kind": "technology", "material": {"elements": ["W"], "form": "other"}}, "facts": {"elements": ["W"]}},
		"indium antimonide": {"item": {"material": {"elements": ["In", "Sb"], "form": "compound"}}, "facts": {"elements": ["In"]}},
		"a listed code alone": {"item": {"control_code": "1C117.c"}, "facts": {"elements": [], "control_code": "1C117.c"}},
		"a code under a listed one": {"item": {"control_code": "1C117.d.1"}, "facts": {"elements": [], "control_code": "1C117.d.1"}},
		"a listed code and its material": {"item": {"control_code": "3C004.a", "material": {"elements": ["In", "P"], "form": "compound"}}, "facts": {"elements": ["In"], "control_code": "3C004.a"}},
	}
	testing.results(items_licence.findings) == {_licence(tc.facts)} with input as testing.transaction_from(_base, {}, tc.item)
}

test_does_not_fire[note] if {
	some note, tc in {
		"another element": {"patch": {}, "item": {"material": {"elements": ["Cu"], "form": "metal"}}},
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed", "material": {"elements": ["W"], "form": "metal"}}},
		"an unconfirmed code alone": {"patch": {}, "item": {"control_code": "1C117.b"}},
		"the heading above the listed codes": {"patch": {}, "item": {"control_code": "1C117"}},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": {"material": {"elements": ["W"], "form": "metal"}}},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": {"material": {"elements": ["W"], "form": "metal"}}},
	}
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_effective_date_boundary[date] if {
	indium := _licence({"elements": ["In"]})
	some date, want in {
		"2025-02-03": {"reasons": set(), "not_applied": {testing.not_yet_in_force(_id, "2025-02-04")}, "outcome": "not_required"},
		"2025-02-04": {"reasons": {indium}, "not_applied": set(), "outcome": "license_required"},
		"2025-02-05": {"reasons": {indium}, "not_applied": set(), "outcome": "license_required"},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, {"material": {"elements": ["In"], "form": "metal"}})
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
	d.outcome == want.outcome
}

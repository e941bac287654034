package exportctl.provisions.mofcom_gac_2025_010.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_010.items_licence

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-05-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "DE",
		"parties": [
			{"role": "consignee", "name": "Beispiel Metall GmbH", "country": "DE"},
			{"role": "end_user", "name": "Beispiel Metall GmbH", "country": "DE", "military": false},
		],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_facts(item) := facts if {
	facts := {[f.outcome, f.facts.elements, object.get(f.facts, "control_code", "")] |
		some f in items_licence.findings
	} with input as _tx({}, item)
}

test_fires_by_material[element] if {
	some element in ["W", "Te", "Bi", "Mo", "In"]
	_facts({"material": {"elements": [element, "O"], "form": "oxide"}}) == {["license_required", [element], ""]}
}

test_fires[note] if {
	some note, tc in {
		"tungsten technology": {"item": {"kind": "technology", "material": {"elements": ["W"], "form": "other"}}, "want": ["license_required", ["W"], ""]},
		"indium antimonide": {"item": {"material": {"elements": ["In", "Sb"], "form": "compound"}}, "want": ["license_required", ["In"], ""]},
		"a listed code alone": {"item": {"control_code": "1C117.c"}, "want": ["license_required", [], "1C117.c"]},
		"a code under a listed one": {"item": {"control_code": "1C117.d.1"}, "want": ["license_required", [], "1C117.d.1"]},
		"a listed code and its material": {"item": {"control_code": "3C004.a", "material": {"elements": ["In", "P"], "form": "compound"}}, "want": ["license_required", ["In"], "3C004.a"]},
	}
	_facts(tc.item) == {tc.want}
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
	count(items_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2025_010/items_licence"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_gac_2025_010/items_licence"}

test_effective_date_boundary[date] if {
	some date, want in {
		"2025-02-03": {"reasons": set(), "not_applied": {["1", "2025-02-04"]}, "outcome": "not_required"},
		"2025-02-04": {"reasons": {["1", "license_required"]}, "not_applied": set(), "outcome": "license_required"},
		"2025-02-05": {"reasons": {["1", "license_required"]}, "not_applied": set(), "outcome": "license_required"},
	}
	d := exportctl.decision with input as _tx({"date": date}, {"material": {"elements": ["In"], "form": "metal"}})
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
	d.outcome == want.outcome
}

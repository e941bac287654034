package exportctl.provisions.mofcom_gac_2025_056.equipment_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_056.equipment_licence

_kiln := {"control_code": "2B902.c", "description": "rare-earth roasting kiln"}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-12-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "VN",
		"parties": [{"role": "end_user", "name": "Buyer", "country": "VN", "military": false}],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

test_fires[code] if {
	some code in ["2B902", "2B902.a", "2B902.b", "2B902.c"]
	{[f.outcome, f.facts.control_code] | some f in equipment_licence.findings with input as _tx({}, {"control_code": code})} == {["license_required", code]}
}

test_does_not_fire[note] if {
	some note, tc in {
		"another equipment code": {"patch": {}, "item": {"control_code": "2B901"}},
		"no code": {"patch": {}, "item": {"description": "kiln"}},
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"technology": {"patch": {}, "item": object.union(_kiln, {"kind": "technology"})},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _kiln},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": _kiln},
	}
	count(equipment_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2025_056/equipment_licence"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_gac_2025_056/equipment_licence"}

test_date_boundaries[date] if {
	some date, want in {
		"2025-11-06": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2025-11-08": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-10": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-11": {"reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _kiln)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

test_a_licence_for_2b902_covers_it if {
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_from": "2026-11-01", "valid_until": "2026-12-31", "control_codes": ["2B902"]}
	d := exportctl.decision with input as object.union(_tx({}, _kiln), {"licenses": [licence]})
	d.outcome == "licensed"
}

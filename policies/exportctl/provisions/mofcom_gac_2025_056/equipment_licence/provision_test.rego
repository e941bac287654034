package exportctl.provisions.mofcom_gac_2025_056.equipment_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_056.equipment_licence
import data.exportctl.testing

_id := "mofcom_gac_2025_056/equipment_licence"

_kiln := {"control_code": "2B902.c", "description": "rare-earth roasting kiln"}

_base := testing.transaction(
	{"date": "2026-12-01", "destination": "VN", "parties": [{"role": "end_user", "name": "Buyer", "country": "VN", "military": false}], "end_use": {"categories": ["civil"]}},
	{},
)

_licence(code) := testing.finding(_id, "1", "license_required", {"control_code": code, "destination": "VN", "transferor_country": "CN"})

test_fires[code] if {
	some code in ["2B902", "2B902.a", "2B902.b", "2B902.c"]
	testing.results(equipment_licence.findings) == {_licence(code)} with input as testing.transaction_from(_base, {}, {"control_code": code})
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
	count(equipment_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_date_boundaries[date] if {
	# Suspended by No. 70 from before it took effect (2025-11-08) until 2026-11-10.
	before := testing.not_applied_entry(_id, "1", "2026-11-11", "not yet in force: mofcom_gac_2025_056/equipment_licence applies from 2025-11-08")
	suspended := testing.not_applied_entry(_id, "1", "2026-11-11", "suspended by MOFCOM/GAC Announcement No. 70 of 2025 from 2025-11-07 through 2026-11-10")
	some date, want in {
		"2025-11-06": {"reasons": set(), "not_applied": {before}},
		"2025-11-08": {"reasons": set(), "not_applied": {suspended}},
		"2026-11-10": {"reasons": set(), "not_applied": {suspended}},
		"2026-11-11": {"reasons": {_licence("2B902.c")}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _kiln)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

test_a_licence_for_2b902_covers_it if {
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_from": "2026-11-01", "valid_until": "2026-12-31", "control_codes": ["2B902"]}
	d := exportctl.decision with input as testing.transaction_from(_base, {"licenses": [licence]}, _kiln)
	d.outcome == "licensed"
	testing.reasons(d, _id) == {object.union(_licence("2B902.c"), {
		"outcome": "licensed",
		"licence": {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_until": "2026-12-31"},
	})}
}

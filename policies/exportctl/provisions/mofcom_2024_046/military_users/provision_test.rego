package exportctl.provisions.mofcom_2024_046.military_users_test

import data.exportctl
import data.exportctl.provisions.mofcom_2024_046.military_users

_gallium := {"material": {"elements": ["Ga"], "form": "metal"}}

_army := {"role": "end_user", "name": "Example Army Command", "country": "US", "military": true}

_civil_party := {"role": "end_user", "name": "Example Inc.", "country": "US", "military": false}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-05-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "US",
		"parties": [_army],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_sm_metal := {"material": {"elements": ["Sm"], "form": "metal"}}

_outcomes(tx) := {[f.outcome, f.facts.limb] | some f in military_users.findings with input as tx}

test_prohibits[note] if {
	some note, tc in {
		"US military user": {"patch": {}, "item": _sm_metal, "limbs": {"military_user"}},
		"US military user abroad": {"patch": {"destination": "DE"}, "item": _sm_metal, "limbs": {"military_user"}},
		"military use in the US": {"patch": {"parties": [_civil_party], "end_use": {"categories": ["military"]}}, "item": _sm_metal, "limbs": {"military_use"}},
		"any given code": {"patch": {}, "item": {"control_code": "3A001"}, "limbs": {"military_user"}},
		"gallium, listed by element": {"patch": {}, "item": _gallium, "limbs": {"military_user"}},
	}
	_outcomes(_tx(tc.patch, tc.item)) == {["prohibited", limb] | some limb in tc.limbs}
}

test_does_not_prohibit[note] if {
	some note, tc in {
		"civil US user": {"patch": {"parties": [_civil_party]}, "item": _sm_metal},
		"military use outside the US": {"patch": {"parties": [_civil_party], "destination": "DE", "end_use": {"categories": ["military"]}}, "item": _sm_metal},
		"overseas transferor (not bound)": {"patch": {"transferor": {"name": "SG Trader", "country": "SG"}}, "item": _sm_metal},
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"gallium declared not listed": {"patch": {}, "item": object.union(_gallium, {"control_code": "not_listed"})},
	}
	count(military_users.findings) == 0 with input as _tx(tc.patch, tc.item)
}

test_a_record_binding_overseas_transferors_reaches_them if {
	tx := _tx({"transferor": {"name": "SG Trader", "country": "SG"}}, _sm_metal)
	_outcomes(tx) == {["prohibited", "military_user"]} with data.exportctl.instruments.mofcom_2024_046.clauses.military_users.binds_overseas_transferors as true
}

test_needs_classification if {
	some f in military_users.findings with input as _tx({}, {"hs_code": "2805301910"})
	f.outcome == "insufficient_information"
	f.missing[0].field == "control_code"
	contains(f.missing[0].why, "military_user (US)")
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_2024_046/military_users"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_2024_046/military_users"}

# Clause 1 is untouched by No. 72 of 2025, so it applies throughout clause 2's suspension.
test_effective_date_boundary[date] if {
	some date, want in {
		"2024-12-02": {"reasons": set(), "not_applied": {["1", "2024-12-03"]}},
		"2024-12-03": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
		"2024-12-04": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
		"2025-11-09": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
		"2026-11-27": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _sm_metal)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #24, second half: gallium to a US military end user is prohibited.
test_case_24_gallium_to_us_military if {
	d := exportctl.decision with input as _tx({}, _gallium)
	d.outcome == "prohibited"
	_mine(d) == {["1", "prohibited"]}
}

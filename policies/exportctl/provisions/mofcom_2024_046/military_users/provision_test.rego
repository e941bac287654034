package exportctl.provisions.mofcom_2024_046.military_users_test

import data.exportctl
import data.exportctl.provisions.mofcom_2024_046.military_users
import data.exportctl.testing

_id := "mofcom_2024_046/military_users"

_gallium := {"material": {"elements": ["Ga"], "form": "metal"}}

_army := {"role": "end_user", "name": "Example Army Command", "country": "US", "military": true}

_civil_party := {"role": "end_user", "name": "Example Inc.", "country": "US", "military": false}

_base := testing.transaction({"destination": "US", "parties": [_army], "end_use": {"categories": ["civil"]}}, {})

_sm_metal := {"material": {"elements": ["Sm"], "form": "metal"}}

# The prohibition for a military user (the army command) or a military use in the US.
_user(codes, transferor, destination) := testing.finding(_id, "1", "prohibited", {
	"control_codes": codes, "destination": destination, "limb": "military_user",
	"party": "Example Army Command", "role": "end_user", "transferor_country": transferor,
})

_use(codes) := testing.finding(_id, "1", "prohibited", {
	"control_codes": codes, "destination": "US", "end_use": "military",
	"limb": "military_use", "transferor_country": "CN",
})

test_prohibits[note] if {
	some note, tc in {
		"US military user": {"patch": {}, "item": _sm_metal, "want": _user(["1C902.a.1"], "CN", "US")},
		"US military user abroad": {"patch": {"destination": "DE"}, "item": _sm_metal, "want": _user(["1C902.a.1"], "CN", "DE")},
		"military use in the US": {"patch": {"parties": [_civil_party], "end_use": {"categories": ["military"]}}, "item": _sm_metal, "want": _use(["1C902.a.1"])},
		"any given code": {"patch": {}, "item": {"control_code": "3A001"}, "want": _user(["3A001"], "CN", "US")},
		"gallium, listed by element": {"patch": {}, "item": _gallium, "want": _user([], "CN", "US")},
	}
	testing.results(military_users.findings) == {tc.want} with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_does_not_prohibit[note] if {
	some note, tc in {
		"civil US user": {"patch": {"parties": [_civil_party]}, "item": _sm_metal},
		"military use outside the US": {"patch": {"parties": [_civil_party], "destination": "DE", "end_use": {"categories": ["military"]}}, "item": _sm_metal},
		"overseas transferor (not bound)": {"patch": {"transferor": {"name": "SG Trader", "country": "SG"}}, "item": _sm_metal},
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"gallium declared not listed": {"patch": {}, "item": object.union(_gallium, {"control_code": "not_listed"})},
	}
	count(military_users.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_a_record_binding_overseas_transferors_reaches_them if {
	tx := testing.transaction_from(_base, {"transferor": {"name": "SG Trader", "country": "SG"}}, _sm_metal)
	testing.results(military_users.findings) == {_user(["1C902.a.1"], "SG", "US")} with input as tx
		with data.exportctl.instruments.mofcom_2024_046.clauses.military_users.binds_overseas_transferors as true with data.exportctl.derived as {}
}

test_needs_classification if {
	testing.results(military_users.findings) == {testing.needs(_id, "1", [{
		"field": "control_code",
		"why": "the transfer goes to a military_user (US): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item",
	}])} with input as testing.transaction_from(_base, {}, {"hs_code": "2805301910"})
}

# Clause 1 is untouched by No. 72 of 2025, so it applies throughout clause 2's suspension.
test_effective_date_boundary[date] if {
	not_yet := testing.not_yet_in_force(_id, "2024-12-03")
	some date, want in {
		"2024-12-02": {"reasons": set(), "not_applied": {not_yet}},
		"2024-12-03": {"reasons": {_user(["1C902.a.1"], "CN", "US")}, "not_applied": set()},
		"2024-12-04": {"reasons": {_user(["1C902.a.1"], "CN", "US")}, "not_applied": set()},
		"2025-11-09": {"reasons": {_user(["1C902.a.1"], "CN", "US")}, "not_applied": set()},
		"2026-11-27": {"reasons": {_user(["1C902.a.1"], "CN", "US")}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _sm_metal)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #24, second half: gallium to a US military end user is prohibited.
test_case_24_gallium_to_us_military if {
	d := exportctl.decision with input as testing.transaction_from(_base, {}, _gallium)
	d.outcome == "prohibited"
	testing.reasons(d, _id) == {_user([], "CN", "US")}
}

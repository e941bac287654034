package exportctl.provisions.mofcom_2026_001.military_ban_test

import data.exportctl
import data.exportctl.provisions.mofcom_2026_001.military_ban
import data.exportctl.testing

_id := "mofcom_2026_001/military_ban"

_magnet := {"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}

_jsdf := {"role": "end_user", "name": "Example Defence KK", "country": "JP", "military": true}

_base := testing.transaction({"date": "2026-02-01", "destination": "JP", "parties": [_jsdf], "end_use": {"categories": ["civil"]}}, {})

_civil_party := {"role": "end_user", "name": "Example KK", "country": "JP", "military": false}

# The ban for a military user (the defence contractor) or a military use in Japan.
_user(codes, transferor, destination) := testing.finding(_id, "1", "prohibited", {
	"control_codes": codes, "destination": destination, "limb": "military_user",
	"party": "Example Defence KK", "role": "end_user", "transferor_country": transferor,
})

_use(codes, transferor) := testing.finding(_id, "1", "prohibited", {
	"control_codes": codes, "destination": "JP", "end_use": "military",
	"limb": "military_use", "transferor_country": transferor,
})

_magnet_code := ["1C904.a.4"]

test_prohibits[note] if {
	some note, tc in {
		"Japanese military user": {"patch": {}, "item": _magnet, "want": {_user(_magnet_code, "CN", "JP")}},
		"Japanese military user abroad": {"patch": {"destination": "TH"}, "item": _magnet, "want": {_user(_magnet_code, "CN", "TH")}},
		"military use in Japan": {"patch": {"parties": [_civil_party], "end_use": {"categories": ["civil", "military"]}}, "item": _magnet, "want": {_use(_magnet_code, "CN")}},
		"both limbs": {"patch": {"end_use": {"categories": ["military"]}}, "item": _magnet, "want": {_user(_magnet_code, "CN", "JP"), _use(_magnet_code, "CN")}},
		"overseas transferor, Chinese origin": {"patch": {"transferor": {"name": "SG Trader", "country": "SG"}}, "item": _magnet, "want": {_user(_magnet_code, "SG", "JP")}},
		"any given code": {"patch": {}, "item": {"control_code": "3A001"}, "want": {_user(["3A001"], "CN", "JP")}},
		"germanium, listed by element": {"patch": {}, "item": {"material": {"elements": ["Ge", "O"], "form": "oxide"}}, "want": {_user([], "CN", "JP")}},
	}
	testing.results(military_ban.findings) == tc.want with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_does_not_prohibit[note] if {
	some note, tc in {
		"civil Japanese user": {"patch": {"parties": [_civil_party]}, "item": _magnet},
		"military flag false": {"patch": {"parties": [object.union(_jsdf, {"military": false})]}, "item": _magnet},
		"military user of another country": {"patch": {"parties": [object.union(_jsdf, {"country": "KR"})]}, "item": _magnet},
		"military use outside Japan": {"patch": {"parties": [_civil_party], "destination": "KR", "end_use": {"categories": ["military"]}}, "item": _magnet},
		"civil use in Japan": {"patch": {"parties": [_civil_party], "end_use": {"categories": ["civil"]}}, "item": _magnet},
		"overseas transferor, foreign origin": {"patch": {"transferor": {"name": "SG Trader", "country": "SG"}}, "item": {"origin": "SG", "control_code": "1C904.a.4"}},
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"no limb: nothing is asked": {"patch": {"parties": [_civil_party]}, "item": {}},
	}
	count(military_ban.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_needs_classification[note] if {
	some note, item in {
		"nothing known": {},
		"unlisted material": {"material": {"elements": ["Fe"], "form": "metal"}},
	}
	testing.results(military_ban.findings) == {testing.needs(_id, "1", [{
		"field": "control_code",
		"why": "the transfer goes to a military_user (JP): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item",
	}])} with input as testing.transaction_from(_base, {}, item)
}

test_effective_date_boundary[date] if {
	not_yet := testing.not_yet_in_force(_id, "2026-01-06")
	some date, want in {
		"2026-01-05": {"reasons": set(), "not_applied": {not_yet}},
		"2026-01-06": {"reasons": {_user(_magnet_code, "CN", "JP")}, "not_applied": set()},
		"2026-01-07": {"reasons": {_user(_magnet_code, "CN", "JP")}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _magnet)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #20: a party of any country supplies Chinese-origin magnets to a Japanese defence contractor.
test_case_20_third_country_supplier if {
	tx := testing.transaction_from(_base, {"transferor": {"name": "SG Trader", "country": "SG"}, "end_use": {"categories": ["military"]}}, _magnet)
	d := exportctl.decision with input as tx
	d.outcome == "prohibited"
	testing.reasons(d, _id) == {_user(_magnet_code, "SG", "JP"), _use(_magnet_code, "SG")}
}

test_a_suspension_record_lifts_the_ban if {
	instruments := object.union(data.exportctl.instruments, {"pause": {
		"citation": "Pause",
		"clauses": {},
		"suspends": [{"instrument": "mofcom_2026_001", "from": "2026-02-01", "through": "2026-02-28"}],
	}})
	d := exportctl.decision with input as testing.transaction_from(_base, {}, _magnet) with data.exportctl.instruments as instruments with data.exportctl.derived as {}
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {testing.not_applied_entry(_id, "1", "2026-03-01", "suspended by Pause from 2026-02-01 through 2026-02-28")}
}

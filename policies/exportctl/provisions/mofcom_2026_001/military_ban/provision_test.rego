package exportctl.provisions.mofcom_2026_001.military_ban_test

import data.exportctl
import data.exportctl.provisions.mofcom_2026_001.military_ban

_magnet := {"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}

_jsdf := {"role": "end_user", "name": "Example Defence KK", "country": "JP", "military": true}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-02-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "JP",
		"parties": [_jsdf],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_outcomes(tx) := {[f.outcome, f.facts.limb] | some f in military_ban.findings with input as tx}

_civil_party := {"role": "end_user", "name": "Example KK", "country": "JP", "military": false}

test_prohibits[note] if {
	some note, tc in {
		"Japanese military user": {"patch": {}, "item": _magnet, "limbs": {"military_user"}},
		"Japanese military user abroad": {"patch": {"destination": "TH"}, "item": _magnet, "limbs": {"military_user"}},
		"military use in Japan": {"patch": {"parties": [_civil_party], "end_use": {"categories": ["civil", "military"]}}, "item": _magnet, "limbs": {"military_use"}},
		"both limbs": {"patch": {"end_use": {"categories": ["military"]}}, "item": _magnet, "limbs": {"military_user", "military_use"}},
		"overseas transferor, Chinese origin": {"patch": {"transferor": {"name": "SG Trader", "country": "SG"}}, "item": _magnet, "limbs": {"military_user"}},
		"any given code": {"patch": {}, "item": {"control_code": "3A001"}, "limbs": {"military_user"}},
		"germanium, listed by element": {"patch": {}, "item": {"material": {"elements": ["Ge", "O"], "form": "oxide"}}, "limbs": {"military_user"}},
	}
	_outcomes(_tx(tc.patch, tc.item)) == {["prohibited", limb] | some limb in tc.limbs}
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
	}
	count(military_ban.findings) == 0 with input as _tx(tc.patch, tc.item)
}

test_needs_classification[note] if {
	some note, item in {
		"nothing known": {},
		"unlisted material": {"material": {"elements": ["Fe"], "form": "metal"}},
	}
	some f in military_ban.findings with input as _tx({}, item)
	f.outcome == "insufficient_information"
	f.missing == [{"field": "control_code", "why": "the transfer goes to a military_user (JP): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item"}]
}

test_no_needs_without_a_limb if {
	count(military_ban.findings) == 0 with input as _tx({"parties": [_civil_party]}, {})
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_2026_001/military_ban"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_2026_001/military_ban"}

test_effective_date_boundary[date] if {
	some date, want in {
		"2026-01-05": {"reasons": set(), "not_applied": {["1", "2026-01-06"]}},
		"2026-01-06": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
		"2026-01-07": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _magnet)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #20: a party of any country supplies Chinese-origin magnets to a Japanese defence contractor.
test_case_20_third_country_supplier if {
	tx := _tx({"transferor": {"name": "SG Trader", "country": "SG"}, "end_use": {"categories": ["military"]}}, _magnet)
	d := exportctl.decision with input as tx
	d.outcome == "prohibited"
	_mine(d) == {["1", "prohibited"]}
}

test_a_suspension_record_lifts_the_ban if {
	instruments := object.union(data.exportctl.instruments, {"pause": {
		"citation": "Pause",
		"clauses": {},
		"suspends": [{"instrument": "mofcom_2026_001", "from": "2026-02-01", "through": "2026-02-28"}],
	}})
	d := exportctl.decision with input as _tx({}, _magnet) with data.exportctl.instruments as instruments
	_mine(d) == set()
	_not_applied(d) == {["1", "2026-03-01"]}
}

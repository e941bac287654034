package exportctl.provisions.cn_control_list_test

import data.exportctl
import data.exportctl.provisions.cn_control_list

_dy_oxide := {"material": {"elements": ["Dy", "O"], "form": "oxide"}}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-07-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "US",
		"parties": [{"role": "end_user", "name": "MP Materials Corp.", "country": "US"}],
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_outcomes(tx) := {[f.outcome, f.clause] | some f in cn_control_list.findings with input as tx}

_listing_0622 := "mofcom_2026_control_list_0622/listing"

test_prohibits[note] if {
	some note, tc in {
		"exporter in China, listed by name": {"patch": {}, "item": _dy_oxide},
		"by alias": {"patch": {"parties": [{"role": "consignee", "name": "usa rare earth, inc.", "country": "US"}]}, "item": _dy_oxide},
		"owner holds exactly 50 %": {"patch": {"parties": [{"role": "end_user", "name": "Sub", "country": "DE", "owners": [{"name": "Aveox", "share": 0.5}]}]}, "item": _dy_oxide},
		"destination China still counts": {"patch": {"destination": "CN"}, "item": _dy_oxide},
		"overseas transferor, Chinese origin": {"patch": {"transferor": {"name": "MY Trader", "country": "MY"}}, "item": _dy_oxide},
		"a code outside the catalogue": {"patch": {}, "item": {"control_code": "3A001"}},
		"a technology item": {"patch": {}, "item": {"kind": "technology", "control_code": "1E902.a"}},
		"antimony, listed by element": {"patch": {}, "item": {"material": {"elements": ["Sb"], "form": "metal"}}},
		"an intermediary": {"patch": {"parties": [{"role": "intermediary", "name": "MP Materials", "country": "US"}]}, "item": _dy_oxide},
	}
	_outcomes(_tx(tc.patch, tc.item)) == {["prohibited", _listing_0622]}
}

test_does_not_prohibit[note] if {
	some note, tc in {
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"overseas transferor, foreign origin": {"patch": {"transferor": {"name": "MY Trader", "country": "MY"}}, "item": {"origin": "MY", "control_code": "1C905.b"}},
		"owner below 50 %": {"patch": {"parties": [{"role": "end_user", "name": "Sub", "country": "DE", "owners": [{"name": "Aveox", "share": 0.49}]}]}, "item": _dy_oxide},
		"no listed party": {"patch": {"parties": [{"role": "end_user", "name": "Example Inc.", "country": "US"}]}, "item": _dy_oxide},
		"no parties": {"patch": {"parties": []}, "item": _dy_oxide},
	}
	_outcomes(_tx(tc.patch, tc.item)) == set()
}

test_watch_list_does_not_prohibit if {
	tx := _tx({"parties": [{"role": "end_user", "name": "Watched Co", "country": "US"}]}, _dy_oxide)
	count(cn_control_list.findings) == 0 with input as tx
		with data.exportctl.instruments.mofcom_watch_list.clauses.listing.entities as [{"name": "Watched Co"}]
}

test_listing_that_does_not_bind_overseas_transferors if {
	tx := _tx({"transferor": {"name": "MY Trader", "country": "MY"}}, _dy_oxide)
	count(cn_control_list.findings) == 0 with input as tx
		with data.exportctl.instruments.mofcom_2026_control_list_0622.clauses.listing.binds_overseas_transferors as false
}

test_facts_name_the_owner if {
	tx := _tx({"parties": [{"role": "end_user", "name": "Sub", "country": "DE", "owners": [{"name": "Hensoldt AG", "share": 0.6}]}]}, _dy_oxide)
	some f in cn_control_list.findings with input as tx
	f.provision == "CN-LIST-01"
	f.clause == "mofcom_2026_control_list_0424/listing"
	f.facts == {
		"party": "Sub", "role": "end_user", "entity": "Hensoldt", "via": "owner", "owner": "Hensoldt AG", "share": 0.6,
		"list": "control_list", "control_codes": ["1C905.b"], "origin": "CN", "transferor_country": "CN", "destination": "US",
	}
}

test_needs_classification[note] if {
	some note, item in {
		"nothing known": {},
		"unlisted rare-earth material": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}},
		"HS code alone": {"hs_code": "8505111000"},
	}
	some f in cn_control_list.findings with input as _tx({}, item)
	f.outcome == "insufficient_information"
	f.missing[0].field == "control_code"
	contains(f.missing[0].why, "matches the control-list entry MP Materials")
}

test_no_needs[note] if {
	some note, tc in {
		"before the listing date": {"patch": {"date": "2026-06-21"}, "item": {}},
		"overseas transferor, foreign origin": {"patch": {"transferor": {"name": "MY Trader", "country": "MY"}}, "item": {"origin": "MY"}},
		"no listed party": {"patch": {"parties": []}, "item": {}},
	}
	count(cn_control_list.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome, r.clause] | some r in d.reasons; r.provision == "CN-LIST-01"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "CN-LIST-01"}

test_listing_date_boundary[date] if {
	some date, want in {
		"2026-06-21": {"reasons": set(), "not_applied": {["1", "2026-06-22"]}},
		"2026-06-22": {"reasons": {["1", "prohibited", _listing_0622]}, "not_applied": set()},
		"2026-06-23": {"reasons": {["1", "prohibited", _listing_0622]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _dy_oxide)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #19: a Malaysian trader transfers Chinese-origin Dy oxide to MP Materials.
test_case_19_malaysian_trader if {
	tx := _tx({"transferor": {"name": "MY Trader", "country": "MY"}, "destination": "US"}, _dy_oxide)
	d := exportctl.decision with input as tx
	d.outcome == "prohibited"
	_mine(d) == {["1", "prohibited", _listing_0622]}
}

test_a_repeal_record_ends_the_prohibition if {
	instruments := object.union(data.exportctl.instruments, {"delisting": {
		"citation": "Delisting",
		"clauses": {},
		"repeals": [{"instrument": "mofcom_2026_control_list_0622", "from": "2026-07-01"}],
	}})
	d := exportctl.decision with input as _tx({}, _dy_oxide) with data.exportctl.instruments as instruments
	_mine(d) == set()
	some n in d.not_applied
	n.provision == "CN-LIST-01"
	startswith(n.because, "lapsed")
}

test_a_name_beginning_with_a_listed_name_is_asked if {
	tx := {
		"date": "2026-07-01",
		"transferor": {"name": "Trader", "country": "MY"},
		"destination": "US",
		"parties": [{"role": "end_user", "name": "MP Materials Corporation", "country": "US"}],
		"items": [{"id": "1", "origin": "CN", "control_code": "1C905.b"}],
	}
	[f] := [f | some f in cn_control_list.findings with input as tx]
	f.outcome == "insufficient_information"
	f.missing[0].field == "parties"
	contains(f.missing[0].why, "MP Materials")
	before := object.union(tx, {"date": "2026-06-21"})
	count(cn_control_list.findings) == 0 with input as before
	not_dual_use := object.union(tx, {"items": [{"id": "1", "origin": "CN", "control_code": "not_listed"}]})
	count(cn_control_list.findings) == 0 with input as not_dual_use
}

package exportctl.provisions.state_council_2024_792.control_list_test

import data.exportctl
import data.exportctl.provisions.state_council_2024_792.control_list
import data.exportctl.testing

_dy_oxide := {"material": {"elements": ["Dy", "O"], "form": "oxide"}}

_id := "state_council_2024_792/control_list"

_base := testing.transaction({"date": "2026-07-01", "destination": "US", "parties": [{"role": "end_user", "name": "MP Materials Corp.", "country": "US"}]}, {})

_listing_0622 := "mofcom_2026_control_list_0622/listing"

# The prohibition under the listing `clause`, with `facts` over those of Dy oxide exported from
# China to MP Materials Corp., matched by name.
_prohibited(clause, facts) := object.union(
	testing.finding(_id, "1", "prohibited", object.union(
		{
			"control_codes": ["1C905.b"], "destination": "US", "entity": "MP Materials", "list": "control_list",
			"origin": "CN", "party": "MP Materials Corp.", "role": "end_user", "transferor_country": "CN", "via": "name",
		},
		facts,
	)),
	{"clause": clause},
)

test_prohibits[note] if {
	some note, tc in {
		"exporter in China, listed by name": {"patch": {}, "item": _dy_oxide, "facts": {}},
		"by alias": {
			"patch": {"parties": [{"role": "consignee", "name": "usa rare earth, inc.", "country": "US"}]}, "item": _dy_oxide,
			"facts": {"entity": "USA Rare Earth", "party": "usa rare earth, inc.", "role": "consignee"},
		},
		"destination China still counts": {"patch": {"destination": "CN"}, "item": _dy_oxide, "facts": {"destination": "CN"}},
		"overseas transferor, Chinese origin": {"patch": {"transferor": {"name": "MY Trader", "country": "MY"}}, "item": _dy_oxide, "facts": {"transferor_country": "MY"}},
		"a code outside the catalogue": {"patch": {}, "item": {"control_code": "3A001"}, "facts": {"control_codes": ["3A001"]}},
		"a technology item": {"patch": {}, "item": {"kind": "technology", "control_code": "1E902.a"}, "facts": {"control_codes": ["1E902.a"]}},
		"antimony, listed by element": {"patch": {}, "item": {"material": {"elements": ["Sb"], "form": "metal"}}, "facts": {"control_codes": []}},
		"an intermediary": {
			"patch": {"parties": [{"role": "intermediary", "name": "MP Materials", "country": "US"}]}, "item": _dy_oxide,
			"facts": {"party": "MP Materials", "role": "intermediary"},
		},
	}
	testing.results(control_list.findings) == {_prohibited(_listing_0622, tc.facts)} with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_does_not_prohibit[note] if {
	some note, tc in {
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"overseas transferor, foreign origin": {"patch": {"transferor": {"name": "MY Trader", "country": "MY"}}, "item": {"origin": "MY", "control_code": "1C905.b"}},
		"owner below 50 %": {"patch": {"parties": [{"role": "end_user", "name": "Sub", "country": "DE", "owners": [{"name": "Aveox", "share": 0.49}]}]}, "item": _dy_oxide},
		"owner holds exactly 50 %": {"patch": {"parties": [{"role": "end_user", "name": "Sub", "country": "DE", "owners": [{"name": "Aveox", "share": 0.5}]}]}, "item": _dy_oxide},
		"wholly owned by a listed entity": {"patch": {"parties": [{"role": "end_user", "name": "Sub", "country": "DE", "owners": [{"name": "Aveox", "share": 1}]}]}, "item": _dy_oxide},
		"a watch-list party": {"patch": {"parties": [{"role": "end_user", "name": "SUBARU Corporation", "country": "JP"}]}, "item": _dy_oxide},
		"no listed party": {"patch": {"parties": [{"role": "end_user", "name": "Example Inc.", "country": "US"}]}, "item": _dy_oxide},
	}
	count(control_list.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

# legal-update-2026-12 D11: a published form of the name the data did not match before.
test_fabrique_nationale_de_herstal_is_fn_herstal if {
	tx := testing.transaction_from(_base, {"date": "2026-04-24", "parties": [{"role": "consignee", "name": "Fabrique Nationale de Herstal", "country": "BE"}]}, _dy_oxide)
	testing.results(control_list.findings) == {_prohibited(
		"mofcom_2026_control_list_0424/listing",
		{"entity": "FN Herstal", "party": "Fabrique Nationale de Herstal", "role": "consignee"},
	)} with input as tx
}

test_watch_list_does_not_prohibit if {
	tx := testing.transaction_from(_base, {"parties": [{"role": "end_user", "name": "Watched Co", "country": "US"}]}, _dy_oxide)
	count(control_list.findings) == 0 with input as tx
		with data.exportctl.instruments.mofcom_2026_watch_list_0224.clauses.listing.entities as [{"name": "Watched Co", "match_keys": ["watched co"]}]
		with data.exportctl.derived as {}
}

test_listing_that_does_not_bind_overseas_transferors if {
	tx := testing.transaction_from(_base, {"transferor": {"name": "MY Trader", "country": "MY"}}, _dy_oxide)
	count(control_list.findings) == 0 with input as tx
		with data.exportctl.instruments.mofcom_2026_control_list_0622.clauses.listing.binds_overseas_transferors as false with data.exportctl.derived as {}
}

test_facts_name_the_listed_party if {
	tx := testing.transaction_from(_base, {"parties": [{"role": "end_user", "name": "HENSOLDT AG", "country": "DE"}]}, _dy_oxide)
	testing.results(control_list.findings) == {_prohibited("mofcom_2026_control_list_0424/listing", {"party": "HENSOLDT AG", "entity": "Hensoldt"})} with input as tx
}

_messages(tx) := {w.message | some w in control_list.warnings with input as tx}

_having(tx, fragment) := {m | some m in _messages(tx); contains(m, fragment)}

_watch := "is on the export-control watch list as SUBARU Corporation"

test_watch_list_warning_states_the_consequences[date] if {
	some date, want in {"2026-02-23": 0, "2026-02-24": 1, "2026-12-15": 1}
	tx := testing.transaction_from(_base, {"date": date, "parties": [{"role": "end_user", "name": "Subaru Corporation", "country": "JP"}]}, _dy_oxide)
	count(_having(tx, _watch)) == want
	every m in _having(tx, _watch) {
		contains(m, "does not prohibit")
		contains(m, "general licence")
		contains(m, "risk-assessment report")
		contains(m, "written commitment")
		contains(m, "Art. 17(1)")
		contains(m, "stricter end-user and end-use checks")
	}
}

test_a_general_licence_does_not_cover_a_watch_list_party[kind] if {
	some kind, want in {"general": 1, "individual": 0}
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": kind, "valid_from": "2026-01-01", "valid_until": "2026-12-31", "control_codes": ["1C905"]}
	tx := testing.transaction_from(_base, {"parties": [{"role": "end_user", "name": "SUBARU Corporation", "country": "JP"}], "licenses": [licence]}, _dy_oxide)
	count(_having(tx, "licence L-1 is a general licence: it does not cover a transfer to SUBARU Corporation")) == want
}

test_possible_watch_list_match_is_warned_about if {
	tx := testing.transaction_from(_base, {"parties": [{"role": "end_user", "name": "TDK Corporation Europe", "country": "DE"}]}, _dy_oxide)
	[m] := [m | some m in _messages(tx); contains(m, "may be the watch-list entity")]
	contains(m, "TDK Corporation Europe (end_user) may be the watch-list entity TDK Corporation")
	contains(m, "risk-assessment report")
	count(control_list.findings) == 0 with input as tx
}

test_affiliate_of_a_watch_list_entity_is_warned_about if {
	tx := testing.transaction_from(_base, {"parties": [{"role": "consignee", "name": "Sub KK", "country": "JP", "owners": [{"name": "SUBARU Corporation", "share": 1}]}]}, _dy_oxide)
	some m in _messages(tx)
	contains(m, "is 100 % owned by SUBARU Corporation, which is on the export-control watch list as SUBARU Corporation")
}

_owned_by_aveox(share, patch) := testing.transaction_from(_base, object.union({"parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "Aveox", "share": share}]}]}, patch), _dy_oxide)

_affiliate := "is 50 % owned by Aveox, which is on the export-control control list as Aveox"

test_affiliate_warning_names_the_listed_owner if {
	[m] := [m | some m in _messages(_owned_by_aveox(0.5, {})); contains(m, "owned by Aveox")]
	contains(m, _affiliate)
	contains(m, "MOFCOM control-list listing of 22 June 2026")
	count(_having(_owned_by_aveox(0.49, {}), "owned by")) == 0
	count(_having(_owned_by_aveox(0.5, {"date": "2026-06-21"}), "owned by")) == 0
}

# Where a No. 61 requirement and Art. 2 are in force, Art. 2's presumption of denial speaks for the
# affiliate (mofcom_2025_061/end_users); otherwise the warning does.
test_affiliate_warning_only_where_art_2_does_not_reach[note] if {
	overseas := {"transferor": {"name": "DE Trader", "country": "DE"}}
	some note, tc in {
		"exporter in China": {"patch": {"date": "2026-12-15"}, "want": 1},
		"overseas, No. 61 suspended": {"patch": object.union(overseas, {"date": "2026-07-01"}), "want": 1},
		"overseas, No. 61 in force": {"patch": object.union(overseas, {"date": "2026-12-15"}), "want": 0},
		"overseas, in force, an intermediary": {"patch": object.union(overseas, {"date": "2026-12-15", "parties": [{"role": "intermediary", "name": "Sub", "country": "US", "owners": [{"name": "Aveox", "share": 0.5}]}]}), "want": 1},
	}
	count(_having(_owned_by_aveox(0.5, tc.patch), "owned by Aveox")) == tc.want
}

_unscreened := "names not in this bundle's lists have not been screened"

test_incomplete_listing_warning[note] if {
	some note, tc in {
		"before the first incomplete listing": {"patch": {"date": "2025-01-01"}, "want": set()},
		"No. 1 of 2025 in force": {"patch": {"date": "2025-01-02"}, "want": {"MOFCOM Announcement No. 1 of 2025"}},
		"no parties": {"patch": {"date": "2026-07-01", "parties": []}, "want": set()},
	}
	{c | some m in _having(testing.transaction_from(_base, tc.patch, _dy_oxide), _unscreened); some c in {"MOFCOM Announcement No. 1 of 2025"}; contains(m, c)} == tc.want
}

test_every_incomplete_listing_in_force_is_named if {
	msgs := _having(testing.transaction_from(_base, {"date": "2026-07-01"}, _dy_oxide), _unscreened)
	count(msgs) == 6
	some m in msgs
	contains(m, "MOFCOM control-list listing of 22 June 2026")
	contains(m, "5 of 10 names recorded")
	every m2 in msgs {
		not contains(m2, "No. 13 of 2025")
	}
}

test_needs_classification[note] if {
	some note, item in {
		"nothing known": {},
		"unlisted rare-earth material": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}},
		"HS code alone": {"hs_code": "8505111000"},
	}
	testing.results(control_list.findings) == {testing.needs(_id, "1", [{
		"field": "control_code",
		"why": "party MP Materials Corp. matches the control-list entry MP Materials (mofcom_2026_control_list_0622/listing): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item",
	}])} with input as testing.transaction_from(_base, {}, item)
}

test_no_needs[note] if {
	some note, tc in {
		"before the listing date": {"patch": {"date": "2026-06-21"}, "item": {}},
		"overseas transferor, foreign origin": {"patch": {"transferor": {"name": "MY Trader", "country": "MY"}}, "item": {"origin": "MY"}},
	}
	count(control_list.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_asks_for_the_parties[note] if {
	some note, tc in {
		"no parties": {"patch": {"parties": []}, "item": _dy_oxide},
		"parties absent, item unknown": {"patch": {"parties": null}, "item": {}},
	}
	testing.results(control_list.findings) == {testing.needs(_id, "1", [{
		"field": "parties",
		"why": "dual-use items may not go to a party on the control list: name the consignee and end user so that they can be screened",
	}])} with input as object.filter(testing.transaction_from(_base, tc.patch, tc.item), [k | some k, v in testing.transaction_from(_base, tc.patch, tc.item); v != null])
}

test_does_not_ask_for_parties_of_a_declared_non_dual_use_item if {
	count(control_list.findings) == 0 with input as testing.transaction_from(_base, {"parties": []}, {"control_code": "not_listed"})
}

test_listing_date_boundary[date] if {
	some date, want in {
		"2026-06-21": {"reasons": set(), "not_applied": {object.union(
			testing.not_yet_in_force(_listing_0622, "2026-06-22"),
			{"provision": _id},
		)}},
		"2026-06-22": {"reasons": {_prohibited(_listing_0622, {})}, "not_applied": set()},
		"2026-06-23": {"reasons": {_prohibited(_listing_0622, {})}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _dy_oxide)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #19: a Malaysian trader transfers Chinese-origin Dy oxide to MP Materials.
test_case_19_malaysian_trader if {
	tx := testing.transaction_from(_base, {"transferor": {"name": "MY Trader", "country": "MY"}, "destination": "US"}, _dy_oxide)
	d := exportctl.decision with input as tx
	d.outcome == "prohibited"
	testing.reasons(d, _id) == {_prohibited(_listing_0622, {"transferor_country": "MY"})}
}

test_a_repeal_record_ends_the_prohibition if {
	instruments := object.union(data.exportctl.instruments, {"delisting": {
		"citation": "Delisting",
		"clauses": {},
		"repeals": [{"instrument": "mofcom_2026_control_list_0622", "from": "2026-07-01"}],
	}})
	d := exportctl.decision with input as testing.transaction_from(_base, {}, _dy_oxide) with data.exportctl.instruments as instruments with data.exportctl.derived as {}
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {{
		"provision": _id, "clause": _listing_0622, "item": "1",
		"because": "lapsed: mofcom_2026_control_list_0622/listing ceased to apply on 2026-07-01",
	}}
}

test_a_name_beginning_with_a_listed_name_is_asked if {
	tx := testing.transaction_from(
		_base,
		{"transferor": {"name": "Trader", "country": "MY"}, "parties": [{"role": "end_user", "name": "MP Materials Corporation", "country": "US"}]},
		{"control_code": "1C905.b"},
	)
	testing.results(control_list.findings) == {testing.needs(_id, "1", [{
		"field": "parties",
		"why": "party MP Materials Corporation (end_user) may be the control-list entity MP Materials (mofcom_2026_control_list_0622/listing): confirm it is not that entity, or record it as a listed party",
	}])} with input as tx
	before := object.union(tx, {"date": "2026-06-21"})
	count(control_list.findings) == 0 with input as before
	not_dual_use := object.union(tx, {"items": [{"id": "1", "origin": "CN", "control_code": "not_listed"}]})
	count(control_list.findings) == 0 with input as not_dual_use
}

package exportctl.provisions.mofcom_2025_061.end_users_test

import data.exportctl.provisions.mofcom_2025_061.end_users
import data.exportctl.testing

_id := "mofcom_2025_061/end_users"

_transfer(date, parties) := testing.transaction_from(testing.overseas, {"date": date, "destination": "US", "parties": parties}, {"control_code": "1C904.b"})

_control_list := "mofcom_2026_control_list_0622/listing"

_watch_list := "mofcom_2026_watch_list_0224/listing"

_owner(party, owner, share, basis, clause) := {"basis": basis, "clause": clause, "entity": owner, "owner": owner, "party": party, "role": "end_user", "share": share, "via": "owner"}

_named(party, entity, role, basis, clause) := {"basis": basis, "clause": clause, "entity": entity, "party": party, "role": role, "via": "name"}

test_grounds[note] if {
	some note, tc in {
		"military end user": {
			"parties": [{"role": "end_user", "name": "X", "country": "US", "military": true}],
			"ground": {"basis": "military_user", "party": "X", "role": "end_user"},
		},
		"listed consignee": {
			"parties": [{"role": "consignee", "name": "MP Materials Corp.", "country": "US"}],
			"ground": _named("MP Materials Corp.", "MP Materials", "consignee", "control_list", _control_list),
		},
		"60 % owned by a listed party": {
			"parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "MP Materials", "share": 0.6}]}],
			"ground": _owner("Sub", "MP Materials", 0.6, "control_list", _control_list),
		},
		"exactly 50 % owned by a listed party": {
			"parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "Oshkosh Defense", "share": 0.5}]}],
			"ground": _owner("Sub", "Oshkosh Defense", 0.5, "control_list", _control_list),
		},
		"watch-list consignee": {
			"parties": [{"role": "consignee", "name": "TDK Corporation", "country": "JP"}],
			"ground": _named("TDK Corporation", "TDK Corporation", "consignee", "watch_list", _watch_list),
		},
		"50 % owned by a watch-list party": {
			"parties": [{"role": "end_user", "name": "Sub", "country": "JP", "owners": [{"name": "SUBARU Corporation", "share": 0.5}]}],
			"ground": _owner("Sub", "SUBARU Corporation", 0.5, "watch_list", _watch_list),
		},
	}
	licences := {f | some f in testing.results(end_users.findings); f.outcome == "license_required"} with input as _transfer("2026-12-01", tc.parties)
	licences == {testing.qualifying(
		testing.finding(_id, "1", "license_required", {"control_code": "1C904.b", "grounds": [tc.ground]}),
		["mofcom_2025_061/origin_rule"],
	)}
}

test_silent[note] if {
	some note, tc in {
		"civil end user": {"date": "2026-12-01", "parties": [{"role": "end_user", "name": "X", "country": "US", "military": false}]},
		"military intermediary only": {"date": "2026-12-01", "parties": [{"role": "intermediary", "name": "X", "country": "US", "military": true}]},
		"before the listing": {"date": "2025-10-20", "parties": [{"role": "consignee", "name": "MP Materials", "country": "US"}]},
		"49 % owned by a listed party": {"date": "2026-12-01", "parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "MP Materials", "share": 0.49}]}]},
	}
	fs := end_users.findings with input as _transfer(tc.date, tc.parties)
	every f in fs {
		f.outcome == "insufficient_information"
	}
}

test_asks_for_the_parties_and_their_military_status if {
	testing.results(end_users.findings) == {testing.qualifying(
		testing.needs(_id, "1", [{"field": "parties", "why": "No. 61 licences for military users and listed consignees or end users are denied in principle: name the consignee and end user"}]),
		["mofcom_2025_061/origin_rule"],
	)} with input as object.remove(_transfer("2026-12-01", []), ["parties"])
	[g] := [g | some g in end_users.findings with input as _transfer("2026-12-01", [{"role": "end_user", "name": "X", "country": "US"}])]
	[m.field | some m in g.missing] == ["parties[0].military"]
}

test_attached_to_the_requirement if {
	some f in end_users.findings with input as _transfer("2026-01-01", [{"role": "end_user", "name": "X", "country": "US", "military": true}])
	f.requires_any == ["mofcom_2025_061/origin_rule"]
}

test_a_name_beginning_with_a_listed_name_is_asked[name] if {
	some name, entity in {"MP Materials Corporation": "control-list entity MP Materials", "TDK Corporation Europe": "watch-list entity TDK Corporation"}
	fs := end_users.findings with input as _transfer("2026-12-01", [{"role": "end_user", "name": name, "country": "US", "military": false}])
	[f] := [f | some f in fs; f.outcome == "insufficient_information"; contains(f.missing[0].why, "may be the")]
	f.missing[0].field == "parties"
	contains(f.missing[0].why, entity)
	f.requires_any == ["mofcom_2025_061/origin_rule"]
	before := end_users.findings with input as _transfer("2026-02-23", [{"role": "end_user", "name": "TDK Corporation Europe", "country": "JP", "military": false}])
	every g in before {
		not contains(g.missing[0].why, "may be the")
	}
}

test_a_party_without_owners_is_warned_that_indirect_holdings_count if {
	[w] := [w | some w in end_users.warnings with input as _transfer("2026-12-01", [{"role": "end_user", "name": "X", "country": "US", "military": false}])]
	startswith(w.message, "party X (end_user) is given with no owners")
	count(end_users.warnings) == 0 with input as _transfer("2026-12-01", [{"role": "end_user", "name": "X", "country": "US", "military": false, "owners": [{"name": "Y", "share": 1}]}])
}

package exportctl.provisions.mofcom_2025_061.end_users_test

import data.exportctl.provisions.mofcom_2025_061.end_users

_tx(date, parties) := {
	"date": date,
	"transferor": {"name": "T", "country": "JP"},
	"destination": "US",
	"parties": parties,
	"items": [{"id": "1", "origin": "CN", "control_code": "1C904.b"}],
}

test_grounds[note] if {
	some note, tc in {
		"military end user": {"parties": [{"role": "end_user", "name": "X", "country": "US", "military": true}], "basis": "military_user"},
		"listed consignee": {"parties": [{"role": "consignee", "name": "MP Materials Corp.", "country": "US"}], "basis": "control_list"},
		"60 % owned by a listed party": {"parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "MP Materials", "share": 0.6}]}], "basis": "control_list"},
		"exactly 50 % owned by a listed party": {"parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "Oshkosh Defense", "share": 0.5}]}], "basis": "control_list"},
		"watch-list consignee": {"parties": [{"role": "consignee", "name": "TDK Corporation", "country": "JP"}], "basis": "watch_list"},
		"50 % owned by a watch-list party": {"parties": [{"role": "end_user", "name": "Sub", "country": "JP", "owners": [{"name": "SUBARU Corporation", "share": 0.5}]}], "basis": "watch_list"},
	}
	fs := end_users.findings with input as _tx("2026-12-01", tc.parties)
	some f in fs
	f.outcome == "license_required"
	f.facts.grounds[0].basis == tc.basis
	f.facts.control_code == "1C904.b"
}

test_silent[note] if {
	some note, tc in {
		"civil end user": {"date": "2026-12-01", "parties": [{"role": "end_user", "name": "X", "country": "US", "military": false}]},
		"military intermediary only": {"date": "2026-12-01", "parties": [{"role": "intermediary", "name": "X", "country": "US", "military": true}]},
		"before the listing": {"date": "2025-10-20", "parties": [{"role": "consignee", "name": "MP Materials", "country": "US"}]},
		"49 % owned by a listed party": {"date": "2026-12-01", "parties": [{"role": "end_user", "name": "Sub", "country": "US", "owners": [{"name": "MP Materials", "share": 0.49}]}]},
	}
	fs := end_users.findings with input as _tx(tc.date, tc.parties)
	every f in fs {
		f.outcome == "insufficient_information"
	}
}

test_asks_for_the_parties_and_their_military_status if {
	[f] := [f | some f in end_users.findings with input as object.remove(_tx("2026-12-01", []), ["parties"])]
	f.missing == [{"field": "parties", "why": "No. 61 licences for military users and listed consignees or end users are denied in principle: name the consignee and end user"}]
	f.requires_any == ["mofcom_2025_061/origin_rule"]
	[g] := [g | some g in end_users.findings with input as _tx("2026-12-01", [{"role": "end_user", "name": "X", "country": "US"}])]
	[m.field | some m in g.missing] == ["parties[0].military"]
}

test_attached_to_the_requirement if {
	some f in end_users.findings with input as _tx("2026-01-01", [{"role": "end_user", "name": "X", "country": "US", "military": true}])
	f.requires_any == ["mofcom_2025_061/origin_rule"]
}

test_a_name_beginning_with_a_listed_name_is_asked[name] if {
	some name, entity in {"MP Materials Corporation": "control-list entity MP Materials", "TDK Corporation Europe": "watch-list entity TDK Corporation"}
	fs := end_users.findings with input as _tx("2026-12-01", [{"role": "end_user", "name": name, "country": "US", "military": false}])
	[f] := [f | some f in fs; f.outcome == "insufficient_information"; contains(f.missing[0].why, "may be the")]
	f.missing[0].field == "parties"
	contains(f.missing[0].why, entity)
	f.requires_any == ["mofcom_2025_061/origin_rule"]
	before := end_users.findings with input as _tx("2026-02-23", [{"role": "end_user", "name": "TDK Corporation Europe", "country": "JP", "military": false}])
	every g in before {
		not contains(g.missing[0].why, "may be the")
	}
}

test_a_party_without_owners_is_warned_that_indirect_holdings_count if {
	[w] := [w | some w in end_users.warnings with input as _tx("2026-12-01", [{"role": "end_user", "name": "X", "country": "US", "military": false}])]
	startswith(w.message, "party X (end_user) is given with no owners")
	count(end_users.warnings) == 0 with input as _tx("2026-12-01", [{"role": "end_user", "name": "X", "country": "US", "military": false, "owners": [{"name": "Y", "share": 1}]}])
}

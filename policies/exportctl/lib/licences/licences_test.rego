package exportctl.lib.licences_test

import data.exportctl.lib.licences

_licence := {
	"id": "L-1",
	"issuer": "mofcom",
	"type": "individual",
	"valid_from": "2026-01-01",
	"valid_until": "2026-12-31",
	"control_codes": ["1C904.a"],
	"destinations": ["DE"],
	"end_users": ["Beispiel Antriebe GmbH"],
}

_holding(date, licence) := {
	"date": date,
	"destination": "DE",
	"parties": [{"role": "end_user", "name": "BEISPIEL  Antriebe GmbH.", "country": "DE"}],
	"licenses": [licence],
}

test_coverage[note] if {
	some note, tc in {
		"covers": {"date": "2026-03-02", "patch": {}, "code": "1C904.a.4", "want": ["L-1"]},
		"first valid day": {"date": "2026-01-01", "patch": {}, "code": "1C904.a.4", "want": ["L-1"]},
		"last valid day": {"date": "2026-12-31", "patch": {}, "code": "1C904.a.4", "want": ["L-1"]},
		"expired": {"date": "2027-01-01", "patch": {}, "code": "1C904.a.4", "want": []},
		"not yet valid": {"date": "2025-12-31", "patch": {}, "code": "1C904.a.4", "want": []},
		"sibling code": {"date": "2026-03-02", "patch": {}, "code": "1C904.b", "want": []},
		"prefix off the dot boundary": {"date": "2026-03-02", "patch": {"control_codes": ["1C90"]}, "code": "1C904.a.4", "want": []},
		"exact code": {"date": "2026-03-02", "patch": {"control_codes": ["1C904.a.4"]}, "code": "1C904.a.4", "want": ["L-1"]},
		"other destination": {"date": "2026-03-02", "patch": {"destinations": ["FR"]}, "code": "1C904.a.4", "want": []},
		"any destination": {"date": "2026-03-02", "patch": {"destinations": []}, "code": "1C904.a.4", "want": ["L-1"]},
		"other end user": {"date": "2026-03-02", "patch": {"end_users": ["Someone Else"]}, "code": "1C904.a.4", "want": []},
		"any end user": {"date": "2026-03-02", "patch": {"end_users": []}, "code": "1C904.a.4", "want": ["L-1"]},
		"foreign issuer": {"date": "2026-03-02", "patch": {"issuer": "BIS"}, "code": "1C904.a.4", "want": []},
	}
	licences.covering(_holding(tc.date, object.union(_licence, tc.patch)), tc.code) == tc.want
}

test_named_end_users_need_an_end_user_party if {
	tx := object.remove(_holding("2026-03-02", _licence), ["parties"])
	licences.covering(tx, "1C904.a.4") == []
}

test_a_general_licence_does_not_cover_a_watch_listed_party if {
	general := object.union(_licence, {"type": "general", "end_users": []})
	tx := _holding("2026-03-02", general)
	licences.covering(tx, "1C904.a.4") == ["L-1"]
	watched := object.union(tx, {"parties": [{"role": "end_user", "name": "SUBARU Corporation", "country": "JP"}], "destination": "JP", "licenses": [object.union(general, {"destinations": []})]})
	licences.covering(watched, "1C904.a.4") == []
	licences.covering(object.union(watched, {"licenses": [object.union(_licence, {"destinations": [], "end_users": []})]}), "1C904.a.4") == ["L-1"]
}

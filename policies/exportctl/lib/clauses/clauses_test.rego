package exportctl.lib.clauses_test

import data.exportctl.lib.clauses

_instruments := {
	"law_a": {
		"citation": "Law A",
		"source": {"url": "https://example.test/a"},
		"clauses": {
			"one": {"article": "Art. 1", "effective_from": "2025-10-09"},
			"two": {"article": "Art. 2", "effective_from": "2025-12-01", "url": "https://example.test/a2"},
		},
	},
	"pause": {
		"citation": "Pause",
		"source": {"url": "https://example.test/p"},
		"clauses": {},
		"suspends": [{"instrument": "law_a", "from": "2025-11-07", "through": "2026-11-10"}],
	},
}

_extension := {
	"citation": "Extension",
	"source": {"url": "https://example.test/e"},
	"clauses": {},
	"suspends": [{"instrument": "law_a", "clauses": ["two"], "from": "2026-11-11", "through": "2027-11-10"}],
}

_repeal := {
	"citation": "Repeal",
	"source": {"url": "https://example.test/r"},
	"clauses": {},
	"repeals": [{"instrument": "law_a", "from": "2027-01-01"}],
}

_open_ended := {
	"citation": "Open",
	"source": {"url": "https://example.test/o"},
	"clauses": {},
	"suspends": [{"instrument": "law_a", "clauses": ["one"], "from": "2027-02-01"}],
}

# A record written before `publisher`, `rests_on` and `official` is cited as resting on a
# secondary copy, with no publisher and no official text.
test_record_carries_citation if {
	r := clauses.record("law_a/two") with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	r.citation == {
		"instrument": "Law A", "article": "Art. 2", "url": "https://example.test/a2", "effective_from": "2025-12-01",
		"read": {"url": "https://example.test/a2"}, "rests_on": "secondary",
	}
	r.instrument == "law_a"
	clauses.record("law_a/one").citation.url == "https://example.test/a" with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
}

_cited := {"cited": {
	"citation": "Cited",
	"source": {
		"url": "https://news.example.test/c",
		"publisher": "A news site",
		"rests_on": "secondary",
		"official": {"url": "http://www.mofcom.gov.cn/c.html", "title": "Official C", "found_in": "a stored copy"},
	},
	"clauses": {
		"own": {"article": "Art. 1", "effective_from": "2025-10-09"},
		"copy": {
			"article": "Art. 2", "effective_from": "2025-10-09",
			"url": "http://www.mofcom.gov.cn/c.html", "publisher": "MOFCOM", "rests_on": "official",
		},
	},
}}

test_citation_names_official_text_and_copy_read if {
	clauses.recorded_citation("cited/own") == {
		"instrument": "Cited", "article": "Art. 1", "url": "https://news.example.test/c", "effective_from": "2025-10-09",
		"read": {"url": "https://news.example.test/c", "publisher": "A news site"}, "rests_on": "secondary",
		"official": {"url": "http://www.mofcom.gov.cn/c.html", "title": "Official C"},
	} with data.exportctl.instruments as _cited with data.exportctl.derived as {}

	# A clause's own copy replaces the instrument's, with its publisher and what it is.
	c := clauses.recorded_citation("cited/copy") with data.exportctl.instruments as _cited with data.exportctl.derived as {}
	c.read == {"url": "http://www.mofcom.gov.cn/c.html", "publisher": "MOFCOM"}
	c.rests_on == "official"
}

test_window_boundaries[note] if {
	some note, tc in {
		"day before effect": {"ref": "law_a/one", "date": "2025-10-08", "in_force": false, "from": "2025-10-09", "state": "not_yet_in_force"},
		"first day": {"ref": "law_a/one", "date": "2025-10-09", "in_force": true},
		"last day before suspension": {"ref": "law_a/one", "date": "2025-11-06", "in_force": true},
		"first suspended day": {"ref": "law_a/one", "date": "2025-11-07", "in_force": false, "from": "2026-11-11"},
		"last suspended day is inclusive": {"ref": "law_a/one", "date": "2026-11-10", "in_force": false, "from": "2026-11-11"},
		"day after the window": {"ref": "law_a/one", "date": "2026-11-11", "in_force": true},
		"not yet effective inside the suspension": {"ref": "law_a/two", "date": "2025-11-30", "in_force": false, "from": "2026-11-11"},
	}
	st := clauses.status(tc.ref, tc.date) with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	st.in_force == tc.in_force
	object.get(st, "would_apply_from", null) == object.get(tc, "from", null)
	st.state == object.get(tc, "state", {true: "in_force", false: "suspended"}[tc.in_force])
}

test_not_yet_in_force_and_suspended_from_its_first_day if {
	st := clauses.status("law_a/two", "2025-11-30") with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	st.would_apply_from == "2026-11-11"
	st.because == "not yet in force: law_a/two applies from 2025-12-01; suspended by Pause from 2025-11-07 through 2026-11-10"
}

test_suspension_is_explained if {
	st := clauses.status("law_a/one", "2026-01-01") with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	st.because == "suspended by Pause from 2025-11-07 through 2026-11-10"
}

test_warning_after_window if {
	st := clauses.status("law_a/one", "2026-11-11") with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	some w in st.warnings
	w == "Law A, Art. 1: suspended by Pause through 2026-11-10; no later record extends or ends that suspension, so its status after that day is unconfirmed (last confirmed on 2026-11-10) and it is applied again from 2026-11-11"
}

test_no_warning_inside_or_before_window if {
	st := clauses.status("law_a/one", "2025-10-10") with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	st.warnings == set()
}

test_extension_is_a_data_record if {
	fixture := object.union(_instruments, {"ext": _extension})
	two := clauses.status("law_a/two", "2026-11-11") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	not two.in_force
	two.would_apply_from == "2027-11-11"
	one := clauses.status("law_a/one", "2026-11-11") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	one.in_force
	suspended := clauses.status("law_a/two", "2026-01-01") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	suspended.would_apply_from == "2027-11-11"
}

test_repeal_ends_the_clause if {
	fixture := object.union(_instruments, {"rep": _repeal})
	st := clauses.status("law_a/one", "2027-01-01") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	not st.in_force
	contains(st.because, "lapsed")
	st.state == "lapsed"
	not st.would_apply_from
	before := clauses.status("law_a/one", "2026-12-31") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	before.in_force
}

test_open_ended_suspension_has_no_resumption if {
	fixture := object.union(_instruments, {"open": _open_ended})
	st := clauses.status("law_a/one", "2030-01-01") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	not st.in_force
	not st.would_apply_from
	contains(st.because, "with no end date")
}

test_effective_until_ends_the_clause if {
	fixture := json.patch(_instruments, [{"op": "add", "path": "/law_a/clauses/one/effective_until", "value": "2025-11-01"}])
	st := clauses.status("law_a/one", "2025-11-01") with data.exportctl.instruments as fixture with data.exportctl.derived as {}
	not st.in_force
}

test_day_after_crosses_month_and_leap_day if {
	clauses.day_after("2026-11-30") == "2026-12-01"
	clauses.day_after("2028-02-28") == "2028-02-29"
}

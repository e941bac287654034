package exportctl.calendar_test

import data.exportctl.calendar

test_statuses_on_a_date if {
	c := calendar.clauses_on_date with input as {"date": "2026-01-01"}
	c["mofcom_gac_2025_018/items_licence"].status.in_force
	not c["mofcom_2025_061/content_rule"].status.in_force
	c["mofcom_2025_061/content_rule"].status.would_apply_from == "2026-11-11"
	c["mofcom_2025_061/origin_rule"].published_on == "2025-10-09"
	c["mofcom_2025_061/origin_rule"].suspensions == [{"by": "MOFCOM/GAC Announcement No. 70 of 2025", "from": "2025-11-07", "through": "2026-11-10"}]
}

test_clauses_on_date_carries_the_clause_notes if {
	c := calendar.clauses_on_date with input as {"date": "2026-01-01"}
	startswith(c["mofcom_2025_061/content_rule"].interpretation, "GAP (valuation basis)")
	c["mofcom_gac_2025_055/items_licence"].confidence_note
	c["mofcom_faq_2025_05/deep_processed"].effective_from_note
}

# A law published before it takes effect, suspended by a pause with a known end, then ended by a
# repeal; a second clause with its own end; a third suspended with no end date.
_instruments := {
	"law": {
		"citation": "Law",
		"title": "The Law",
		"published_on": "2025-01-10",
		"source": {"url": "https://example.test/law"},
		"clauses": {
			"one": {"article": "Art. 1", "effective_from": "2025-02-01"},
			"two": {"article": "Art. 2", "effective_from": "2025-01-10", "effective_until": "2025-06-01"},
			"three": {"article": "Art. 3", "effective_from": "2025-01-10"},
		},
	},
	"pause": {
		"citation": "Pause",
		"title": "The Pause",
		"published_on": "2025-03-01",
		"source": {"url": "https://example.test/pause"},
		"clauses": {},
		"suspends": [
			{"instrument": "law", "clauses": ["one"], "from": "2025-03-01", "through": "2025-03-31"},
			{"instrument": "law", "clauses": ["three"], "from": "2025-04-01"},
		],
	},
	"repeal": {
		"citation": "Repeal",
		"title": "The Repeal",
		"published_on": "2025-08-01",
		"source": {"url": "https://example.test/repeal"},
		"clauses": {},
		"repeals": [{"instrument": "law", "clauses": ["one"], "from": "2025-09-01"}],
	},
}

_spans(segments) := [[s.from, object.get(s, "until", "open"), s.state, s.unconfirmed] | some s in segments]

test_timeline_clause_life_from_publication_to_repeal if {
	t := calendar.timeline with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	t.law.published_on == "2025-01-10"
	t.law.clauses.one.effective_from == "2025-02-01"
	_spans(t.law.clauses.one.segments) == [
		["2025-01-10", "2025-02-01", "not_yet_in_force", false],
		["2025-02-01", "2025-03-01", "in_force", false],
		["2025-03-01", "2025-04-01", "suspended", false],
		["2025-04-01", "2025-09-01", "in_force", true],
		["2025-09-01", "open", "lapsed", false],
	]
	t.law.clauses.one.segments[2].would_apply_from == "2025-04-01"
	count(t.law.clauses.one.segments[3].warnings) == 1
}

test_timeline_own_end_and_open_ended_suspension if {
	t := calendar.timeline with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	t.law.clauses.two.effective_until == "2025-06-01"
	_spans(t.law.clauses.two.segments) == [["2025-01-10", "2025-06-01", "in_force", false], ["2025-06-01", "open", "lapsed", false]]
	_spans(t.law.clauses.three.segments) == [["2025-01-10", "2025-04-01", "in_force", false], ["2025-04-01", "open", "suspended", false]]
	not t.law.clauses.three.segments[1].would_apply_from
}

test_timeline_measures_an_instrument_imposes if {
	t := calendar.timeline with data.exportctl.instruments as _instruments with data.exportctl.derived as {}
	t.pause.clauses == {}
	t.pause.imposes == [
		{"kind": "suspension", "instrument": "law", "target": "Law", "clauses": ["one"], "from": "2025-03-01", "through": "2025-03-31", "until": "2025-04-01"},
		{"kind": "suspension", "instrument": "law", "target": "Law", "clauses": ["three"], "from": "2025-04-01"},
	]
	t.repeal.imposes == [{"kind": "repeal", "instrument": "law", "target": "Law", "clauses": ["one"], "from": "2025-09-01"}]
	t.law.imposes == []
}

test_timeline_of_the_bundle_no_61_through_no_70 if {
	segments := calendar.timeline.mofcom_2025_061.clauses.content_rule.segments
	_spans(segments) == [
		["2025-10-09", "2025-11-07", "not_yet_in_force", false],
		["2025-11-07", "2025-12-01", "suspended", false],
		["2025-12-01", "2026-11-11", "suspended", false],
		["2026-11-11", "open", "in_force", true],
	]
	some m in calendar.timeline.mofcom_gac_2025_070.imposes
	m.target == "MOFCOM Announcement No. 61 of 2025"
	m.until == "2026-11-11"
}

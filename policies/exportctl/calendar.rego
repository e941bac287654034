# METADATA
# title: Clause calendar on a date
# description: >-
#   Every clause of every instrument record with its citation, its dates and its status on
#   input.date, as the clause calendar decides it. `exportctl provisions`, the generated docs and
#   the timeline read this, so they state exactly what the decisions apply.
package exportctl.calendar

import data.exportctl.lib.clauses

# METADATA
# title: Clauses
# description: >-
#   Clause reference -> {citation, effective_from, effective_until?, effective_from_note?, summary,
#   confidence, confidence_note?, interpretation?, published_on, suspensions, status}.
# entrypoint: true
clauses_on_date[ref] := object.union(
	object.filter(record, [
		"citation", "effective_from", "effective_until", "effective_from_note", "summary",
		"confidence", "confidence_note", "interpretation",
	]),
	{
		"status": status,
		"published_on": clauses.instrument(id).published_on,
		"suspensions": [object.union(s, {"by": clauses.instrument(s.by).citation}) | some s in clauses.suspensions(ref)],
	},
) if {
	some id in clauses.instrument_ids
	instrument := clauses.instrument(id)
	some name, _ in instrument.clauses
	ref := concat("/", [id, name])
	record := clauses.record(ref)
	status := clauses.status(ref, input.date)
}

# METADATA
# title: Timeline
# description: >-
#   Every instrument record with the whole life of each of its clauses, for `exportctl timeline`:
#   instrument id -> {citation, title, published_on, clauses, imposes}. A clause's `segments`
#   split time from its first date on into spans of one status, each {from, until?, state,
#   unconfirmed, because?, would_apply_from?, warnings}: `until` is the first day of the next span
#   (absent: open-ended), `state` and the rest are lib/clauses' status on every day of the span.
#   `imposes` lists the suspensions and repeals the instrument records against others.
# entrypoint: true
timeline[id] := {
	"citation": instrument.citation,
	"title": instrument.title,
	"published_on": instrument.published_on,
	"clauses": {name: _life(concat("/", [id, name])) | some name, _ in instrument.clauses},
	"imposes": _imposes(id),
} if {
	some id in clauses.instrument_ids
	instrument := clauses.instrument(id)
}

_life(ref) := object.union(
	object.filter(clauses.record(ref), ["article", "effective_from", "effective_until"]),
	{"segments": [_segment(segments, i) | some i, _ in segments]},
) if {
	record := clauses.record(ref)
	segments := clauses.segments(ref, min({clauses.instrument(record.instrument).published_on, record.effective_from}))
}

_segment(segments, i) := object.union_n([
	{"from": segment.from, "state": segment.status.state, "unconfirmed": count(segment.status.warnings) > 0, "warnings": sort(segment.status.warnings)},
	object.filter(segment.status, ["because", "would_apply_from"]),
	_next(segments, i),
]) if {
	segment := segments[i]
}

_next(segments, i) := {"until": segments[i + 1].from} if {
	i + 1 < count(segments)
} else := {}

_imposes(id) := sort(array.concat(
	[_measure("suspension", s) | some s in clauses.instrument(id).suspends],
	[_measure("repeal", r) | some r in clauses.instrument(id).repeals],
))

_measure(kind, m) := object.union_n([
	object.filter(m, ["instrument", "clauses", "from", "through"]),
	{"kind": kind, "target": clauses.instrument(m.instrument).citation},
	{"until": clauses.day_after(t) | t := m.through},
])

# METADATA
# title: Clause calendar
# description: >-
#   The only package that reads the instrument records' dates. A clause applies on a date when the
#   date lies in its half-open window [effective_from, effective_until), no repeal has ended it and
#   no suspension covers the date. Suspensions and repeals are records of the instrument that imposes
#   them, so an extension or a repeal is a new data record, never an edit of Rego.
package exportctl.lib.clauses

import data.exportctl.instruments

# METADATA
# description: Every clause record, by reference "instrument/clause".
all := {concat("/", [id, name]): c |
	some id, instrument in instruments
	some name, c in instrument.clauses
}

# METADATA
# description: >-
#   An instrument record (citation, publication date, annexes, transition period, the suspensions
#   and repeals it imposes), by id. The dates it carries are applied only by status below.
instrument(id) := instruments[id]

# METADATA
# description: The ids of the instrument records.
instrument_ids := {id | some id, _ in instruments}

# METADATA
# description: The clause record for a reference "instrument/clause", with its citation (the derived index's, see citation).
record(ref) := object.union(recorded(ref), {"ref": ref, "instrument": split(ref, "/")[0], "citation": citation(ref)})

# METADATA
# description: >-
#   The clause record as the rules read it: the derived index's copy, which leaves out what only
#   people read (summary, sources, notes, interpretation, the entities of a listing), or the record
#   itself for a clause the index does not hold.
clause(ref) := c if {
	c := data.exportctl.derived.clauses[ref].record
} else := recorded(ref)

# METADATA
# description: >-
#   A clause record as the rules read it: without what only people read (summary, sources, notes,
#   interpretation, a listing's entities), and its codes without their notes.
lean(clause) := object.union(object.remove(clause, _prose), {"codes": [{"code": e.code} | some e in clause.codes]}) if {
	clause.codes
} else := object.remove(clause, _prose)

_prose := [
	"summary", "sources", "confidence_note", "effective_from_note", "interpretation", "entities", "codes_unconfirmed",
	"publisher", "rests_on",
]

# METADATA
# description: The clause record itself, as the data states it.
recorded(ref) := instruments[id].clauses[name] if [id, name] := split(ref, "/")

# METADATA
# description: >-
#   What a reason cites for a clause: instrument, article, url and effective_from; the copy read
#   (`read`: url, publisher), what the encoding rests on (`rests_on`: official or secondary) and,
#   where it was located, the official text (`official`: url, title).
citation(ref) := c if {
	c := data.exportctl.derived.clauses[ref].citation
} else := recorded_citation(ref)

# METADATA
# description: >-
#   The citation of a clause, computed from the records. `url` is the copy the record was read
#   from, as `read.url`. A record that does not say what it rests on is read as resting on a
#   secondary copy, and one without `official` names no official text.
recorded_citation(ref) := object.union(
	{
		"instrument": instruments[id].citation,
		"article": c.article,
		"url": read.url,
		"effective_from": c.effective_from,
		"read": object.filter(read, ["url", "publisher"]),
		"rests_on": object.get(read, "rests_on", "secondary"),
	},
	{"official": object.filter(official, ["url", "title"]) | official := instruments[id].source.official},
) if {
	[id, name] := split(ref, "/")
	c := instruments[id].clauses[name]
	read := _read_copy(instruments[id].source, c)
}

# The clause's own copy (url, publisher, rests_on) where it has one, else the instrument's.
_read_copy(source, clause) := object.filter(clause, ["url", "publisher", "rests_on"]) if {
	clause.url
} else := object.filter(source, ["url", "publisher", "rests_on"])

# A suspension names an instrument and, optionally, some of its clauses (absent: all of them).
# "through" is the last suspended day as the announcement words it ("until 10 November 2026"
# covers 10 November); absent means open-ended. Stored inclusive, applied half-open below.
_suspensions_of(ref) := {object.union(s, {"by": by, "end": _end(s)}) |
	[id, name] := split(ref, "/")
	some by, instrument in instruments
	some s in instrument.suspends
	s.instrument == id
	_names_clause(s, name)
}

# METADATA
# description: The suspensions recorded for a clause, each {by, from, through?}, sorted by start.
suspensions(ref) := sort([object.filter(s, ["by", "from", "through"]) | some s in _suspensions_of(ref)])

_repeals_of(ref) := {object.union(r, {"by": by}) |
	[id, name] := split(ref, "/")
	some by, instrument in instruments
	some r in instrument.repeals
	r.instrument == id
	_names_clause(r, name)
}

_names_clause(measure, _) if not measure.clauses

_names_clause(measure, name) if name in measure.clauses

_end(s) := day_after(s.through)

_end(s) := open_end if not s.through

# METADATA
# description: The end of a window with no recorded end, past every date a transaction can carry.
open_end := "9999-12-31"

# METADATA
# description: The day after a YYYY-MM-DD date.
day_after(date) := time.format([time.add_date(time.parse_ns("2006-01-02", date), 0, 0, 1), "UTC", "2006-01-02"])

# The first day on which the clause no longer applies for good (the earlier of its own end and any repeal).
_until(ref) := min({d |
	some d in ({object.get(recorded(ref), "effective_until", open_end)} | {r.from | some r in _repeals_of(ref)})
})

_covering(ref, date) := {s |
	some s in _suspensions_of(ref)
	s.from <= date
	date < s.end
}

# METADATA
# description: >-
#   The clause's status on a date: {in_force, state (in_force, not_yet_in_force, suspended or
#   lapsed), because?, would_apply_from?, warnings}.
#   would_apply_from is the first later day on which the clause applies, when one is known.
#   Read from the clause's segments in the derived index (data.exportctl.derived, see
#   exportctl.derive); a clause the index does not hold is computed from the records.
status(ref, date) := s.status if {
	some s in data.exportctl.derived.clauses[ref].segments
	s.from <= date
	date < s.until
} else := computed_status(ref, date)

# METADATA
# description: The clause's status on a date, computed from the instrument records.
computed_status(ref, date) := {
	"in_force": false,
	"state": "lapsed",
	"because": sprintf("lapsed: %s ceased to apply on %s", [ref, _until(ref)]),
	"warnings": set(),
} if {
	date >= _until(ref)
} else := object.union(
	{"in_force": false, "state": _state(ref, date), "because": concat("; ", _reasons_not_in_force(ref, date)), "warnings": set()},
	_resumes(ref, date),
) if {
	count(_reasons_not_in_force(ref, date)) > 0
} else := {"in_force": true, "state": "in_force", "warnings": _after_window_warnings(ref, date)}

# METADATA
# description: True when the clause applies on the transaction's date.
in_force(ref) if status(ref, input.date).in_force

_state(ref, date) := "suspended" if {
	count(_covering(ref, date)) > 0
} else := "not_yet_in_force"

_reasons_not_in_force(ref, date) := array.concat(
	[sprintf("not yet in force: %s applies from %s", [ref, recorded(ref).effective_from]) | date < recorded(ref).effective_from],
	sort([sprintf("suspended by %s from %s %s", [instruments[s.by].citation, s.from, _through_text(s)]) |
		some s in _covering(ref, date)
	]),
)

_through_text(s) := sprintf("through %s", [s.through])

_through_text(s) := "with no end date" if not s.through

# The first later day on which the clause is in effect, not suspended and not ended.
_resumes(ref, date) := {"would_apply_from": min(days)} if {
	days := {d |
		some d in ({recorded(ref).effective_from} | {s.end | some s in _suspensions_of(ref)})
		d > date
		d >= recorded(ref).effective_from
		d < _until(ref)
		count(_covering(ref, d)) == 0
	}
	count(days) > 0
} else := {}

_after_window_warnings(ref, date) := {msg |
	some s in _suspensions_of(ref)
	s.through
	s.end <= date
	msg := sprintf(
		"%s, %s: suspended by %s through %s; no later record extends or ends that suspension, so its status after that day is unconfirmed (last confirmed on %s) and it is applied again from %s",
		[recorded_citation(ref).instrument, recorded(ref).article, instruments[s.by].citation, s.through, s.through, s.end],
	)
}

# METADATA
# description: >-
#   The clause's status from day `first` on, computed from the records, as segments
#   [{from, status}] sorted by day: a segment holds from its day until the next one's. The status
#   changes only on the clause's own dates, the first day and the day after the last day of each
#   suspension, and the first day of a repeal; a day that changes nothing starts no segment.
segments(ref, first) := [{"from": day, "status": computed_status(ref, day)} |
	days := sort({first} | {d | some d in _change_days(ref); d > first})
	some i, day in days
	_starts_segment(ref, days, i)
]

_change_days(ref) := (({d |
	record := recorded(ref)
	some d in [record.effective_from, object.get(record, "effective_until", record.effective_from)]
} | {s.from | some s in suspensions(ref)}) | {day_after(s.through) |
	some s in suspensions(ref)
	s.through
}) | {r.from | some r in _repeals_of(ref)}

_starts_segment(_, _, 0) := true

_starts_segment(ref, days, i) if {
	i > 0
	computed_status(ref, days[i]) != computed_status(ref, days[i - 1])
}

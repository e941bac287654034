# METADATA
# title: The index derived from the records
# description: >-
#   What depends on the data only, computed once from the instrument records when the bundle is
#   built rather than for every transaction: each clause's status as a list of segments (a
#   segment holds from its `from` day until the next segment's), its citation and the fields of its
#   record the rules read; the control and watch listings, and their entity index by normalised
#   name; the list codes the instrument records encode. `make docs` writes `index` to
#   policies/exportctl/derived/data.json (data.exportctl.derived); the records stay the only
#   thing an auditor edits, and a test fails when the shipped index is not `index`.
package exportctl.derive

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.parties

# METADATA
# description: The index, as data.exportctl.derived holds it.
index := {
	"clauses": {ref: {"record": _lean(clause), "citation": clauses.recorded_citation(ref), "segments": _segments(ref)} |
		some ref, clause in clauses.all
	},
	"listings": parties.listings_from_records,
	"parties": {key: sort([e | some e in entries]) | some key, entries in parties.entities_from_records},
	"encoded_codes": sort([code | some code in items.codes_from_records]),
}

# What only people read: the rules never look at it.
_prose := ["summary", "sources", "confidence_note", "effective_from_note", "interpretation", "entities", "codes_unconfirmed"]

_lean(clause) := object.union(object.remove(clause, _prose), {"codes": [{"code": e.code} | some e in clause.codes]}) if {
	clause.codes
} else := object.remove(clause, _prose)

# Before every recorded day: a date earlier than any the records name.
_before_all := "0000-01-01"

# The status of a clause changes only on one of these days: its own dates, the first day and the
# day after the last day of each suspension, and the first day of a repeal.
_days(ref) := sort((((({_before_all} | {d |
	record := clauses.recorded(ref)
	some d in [record.effective_from, object.get(record, "effective_until", record.effective_from)]
}) | {s.from | some s in clauses.suspensions(ref)}) | {clauses.day_after(s.through) |
	some s in clauses.suspensions(ref)
	s.through
}) | {r.from |
	some id in clauses.instrument_ids
	some r in clauses.instrument(id).repeals
	r.instrument == split(ref, "/")[0]
}))

_segments(ref) := [{"from": day, "status": _stored(clauses.computed_status(ref, day))} |
	days := _days(ref)
	some i, day in days
	_changes(ref, days, i)
]

_changes(_, _, 0) := true

_changes(ref, days, i) if {
	i > 0
	clauses.computed_status(ref, days[i]) != clauses.computed_status(ref, days[i - 1])
}

# JSON holds no sets: the warnings are stored sorted.
_stored(status) := object.union(status, {"warnings": sort(status.warnings)})

# METADATA
# title: The index derived from the records
# description: >-
#   What depends on the data only, computed once from the instrument records when the bundle is
#   built rather than for every transaction: each clause's status as a list of segments (a
#   segment holds from its `from` day until its `until`, the next segment's `from`), its citation and the fields of its
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
	"clauses": {ref: {"record": clauses.lean(clause), "citation": clauses.recorded_citation(ref), "segments": _segments(ref)} |
		some ref, clause in clauses.all
	},
	"listings": parties.listings_from_records,
	"parties": {key: sort([e | some e in entries]) | some key, entries in parties.entities_from_records},
	"encoded_codes": sort([code | some code in items.codes_from_records]),
}

# Before every recorded day: a date earlier than any the records name.
_before_all := "0000-01-01"

_segments(ref) := [{"from": segment.from, "until": _until(segments, i), "status": _stored(segment.status)} |
	segments := clauses.segments(ref, _before_all)
	some i, segment in segments
]

# A segment holds until the next one starts; the last one past every date a transaction can carry.
_until(segments, i) := segments[i + 1].from if count(segments) > i + 1

_until(segments, i) := clauses.open_end if count(segments) == i + 1

# JSON holds no sets: the warnings are stored sorted.
_stored(status) := object.union(status, {"warnings": sort(status.warnings)})

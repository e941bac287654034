# METADATA
# title: Clause calendar on a date
# description: >-
#   Every clause of every instrument record with its citation, its dates and its status on
#   input.date, as the clause calendar decides it. `exportctl provisions`, the generated docs and
#   the timeline read this, so they state exactly what the decisions apply.
package exportctl.calendar

import data.exportctl.instruments
import data.exportctl.lib.clauses

# METADATA
# title: Clauses
# description: Clause reference -> {citation, effective_from, effective_until?, confidence, status}.
# entrypoint: true
clauses_on_date[ref] := object.union(
	object.filter(record, ["citation", "effective_from", "effective_until", "confidence", "summary"]),
	{
		"status": status,
		"published_on": instruments[id].published_on,
		"suspensions": [object.union(s, {"by": instruments[s.by].citation}) | some s in clauses.suspensions(ref)],
	},
) if {
	some id, instrument in instruments
	some name, _ in instrument.clauses
	ref := concat("/", [id, name])
	record := clauses.record(ref)
	status := clauses.status(ref, input.date)
}

# METADATA
# title: Suspensions
# description: Every suspension record, for the timeline.
suspensions contains object.union(s, {"by": by}) if {
	some by, instrument in instruments
	some s in instrument.suspends
}

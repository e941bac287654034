# METADATA
# title: The export-control decision
# description: >-
#   Gathers every provision's findings, keeps those whose clause is in force on the transaction's
#   date as reasons (the rest go to not_applied with why), turns licence requirements covered by a
#   licence held into `licensed`, and gives each item and the transaction the most severe outcome.
#   A fact a provision needs and does not have yields insufficient_information, never not_required.
#   A transaction that breaks the transaction schema is decided by no provision: its decision is
#   insufficient_information with one missing fact per schema error.
# schemas:
#   - input: schema["transaction.schema"]
package exportctl

import data.exportctl.config
import data.exportctl.lib.clauses
import data.exportctl.lib.licences
import data.exportctl.lib.validation

# The contract's order of outcomes, most severe first.
_severity := ["prohibited", "license_required", "insufficient_information", "licensed", "exempt", "not_required"]

_policy_severity := ["presumption_of_denial", "case_by_case", "standard"]

# Each finding is also a trace note, so `--explain notes` shows what every provision found.
_findings contains object.union(f, {"status": status}) if {
	some f in data.exportctl.provisions[_][_].findings
	status := _status(f)
	trace(sprintf("%s on item %s: %s (%s)", [f.provision, f.item, f.outcome, object.get(status, "because", "in force")]))
}

_status(f) := clauses.status(f.clause, input.date) if not f.requires_any

_status(f) := _qualifying_status(f) if f.requires_any

# A qualifying finding (licensing policy, exemption) applies while its own clause is in force and
# at least one of the requirements it qualifies is.
_qualifying_status(f) := own if {
	own := clauses.status(f.clause, input.date)
	not own.in_force
} else := own if {
	some ref in f.requires_any
	clauses.status(ref, input.date).in_force
	own := clauses.status(f.clause, input.date)
} else := object.union(
	{
		"in_force": false,
		"state": "not_yet_in_force",
		"because": concat("; ", [sprintf("the requirement it qualifies (%s) is not in force: %s", [ref, clauses.status(ref, input.date).because]) | some ref in f.requires_any]),
		"warnings": set(),
	},
	_earliest({d | some ref in f.requires_any; d := clauses.status(ref, input.date).would_apply_from}),
)

_earliest(days) := {"would_apply_from": min(days)} if count(days) > 0

_earliest(days) := {} if count(days) == 0

_fired contains f if {
	some f in _findings
	f.status.in_force
	f.outcome != "insufficient_information"
}

# A clause record without its confidence (the record schema requires one) is shown as low, the
# cautious reading: a reason is never lost for want of a field only people read.
_reasons contains object.union(
	{
		"provision": f.provision,
		"title": f.title,
		"description": f.description,
		"clause": f.clause,
		"item": f.item,
		"citation": clauses.citation(f.clause),
		"confidence": object.get(clauses.clause(f.clause), "confidence", "low"),
		"facts": f.facts,
	},
	_licensing(f),
) if {
	some f in _fired
}

# An exemption in force for the item turns the exempted instrument's licence requirements into
# `exempt`; otherwise a licence requirement covered by a licence held becomes `licensed`, naming it.
_licensing(f) := {"outcome": "exempt", "exempted_by": e.provision} if {
	f.outcome == "license_required"
	some e in _fired
	e.outcome == "exempt"
	e.item == f.item
	split(f.clause, "/")[0] == e.facts.exempts
} else := {"outcome": "licensed", "licence": licence} if {
	f.outcome == "license_required"
	some id in licences.covering(input, f.facts.control_code)
	licence := [object.filter(l, ["id", "issuer", "type", "valid_until"]) | some l in input.licenses; l.id == id][0]
} else := {"outcome": f.outcome}

_missing contains object.union(m, {"item": f.item, "provision": f.provision}) if {
	some f in _findings
	f.status.in_force
	f.outcome == "insufficient_information"
	some m in f.missing
}

_not_applied contains object.union(
	{"provision": f.provision, "title": f.title, "clause": f.clause, "item": f.item, "because": f.status.because},
	object.filter(f.status, ["would_apply_from"]),
) if {
	some f in _findings
	not f.status.in_force
	f.outcome != "insufficient_information"
}

_warnings contains w if {
	some f in _findings
	f.status.in_force
	some w in f.status.warnings
}

_warnings contains sprintf(
	"contract signed on %s, before %s was published on %s: %s The requirement is shown as it stands on the transfer date.",
	[input.contract_date, instrument.citation, instrument.published_on, instrument.transition_period.note],
) if {
	some r in _reasons
	r.outcome == "license_required"
	instrument := clauses.instrument(split(r.clause, "/")[0])
	instrument.transition_period
	input.contract_date < instrument.published_on
}

_warnings contains w.message if {
	some w in data.exportctl.provisions[_][_].warnings
	clauses.status(w.clause, input.date).in_force
}

# The data holds the law as of its review: a later measure (a new listing, an extension, a repeal)
# is not in it. Only a warning: the outcome stays what the recorded law says.
_warnings contains sprintf(
	"the transaction's date %s is after %s, the day the legal data was last reviewed against its sources: measures published, suspended, extended or repealed after %s are not covered, and the decision applies the law as recorded on that day",
	[input.date, config.data_reviewed_on, config.data_reviewed_on],
) if {
	input.date > config.data_reviewed_on
}

_most_severe(outcomes) := [o | some o in _severity; o in outcomes][0]

# An item nothing speaks to is not_required: the least severe outcome joins every set.
_item_outcome(id) := _most_severe((({"not_required"} | {r.outcome | some r in _reasons; r.item == id}) | {
"insufficient_information" |
	some m in _missing
	m.item == id
}))

_items := [object.union_n(array.concat(
	[{
		"id": item.id,
		"outcome": _item_outcome(item.id),
		"reasons": [r | some r in _reasons; r.item == item.id],
	}],
	[report | report := data.exportctl.provisions[_][_].item_reports[item.id]],
)) |
	some item in input.items
]

_outcome := _most_severe({i.outcome | some i in _items} | {
"insufficient_information" |
	some m in _missing
	m.item == "*"
})

_licensing_policy := [p |
	some p in _policy_severity
	some r in _reasons
	r.outcome == "license_required"
	object.get(clauses.clause(r.clause), "licensing_policy", "standard") == p
][0]

default _revision := "unbundled"

_revision := b.manifest.revision if some b in data.system.bundles

# METADATA
# title: Decision
# description: >-
#   The decision for one transaction (input), exactly as the contract describes it. An input that
#   breaks the transaction schema gets insufficient_information with a missing fact per error.
# entrypoint: true
decision := _decision if {
	count(validation.errors) == 0
} else := {
	"transaction_id": _echoed_id,
	"date": _echoed_date,
	"outcome": "insufficient_information",
	"items": [{"id": item.id, "outcome": "insufficient_information", "reasons": []} |
		some item in _echoed_items
		is_string(item.id)
	],
	"reasons": [],
	"not_applied": [],
	"missing_facts": [{"item": "*", "field": e.field, "why": e.why, "provision": "SCHEMA"} | some e in validation.errors],
	"warnings": ["The transaction does not follow the transaction schema, so no provision was applied: correct the fields listed in missing_facts."],
	"policy": _policy,
}

# What an invalid input lets the decision echo.
_echoed_id := input.id if is_string(input.id)

else := ""

_echoed_date := input.date if {
	regex.match(`^\d{4}-\d{2}-\d{2}$`, input.date)
	time.parse_ns("2006-01-02", input.date)
} else := null

_echoed_items := input.items if is_array(input.items)

else := []

_policy := {"revision": _revision, "data_reviewed_on": config.data_reviewed_on}

_decision := object.union(
	{
		"transaction_id": input.id,
		"date": input.date,
		"outcome": _outcome,
		"items": _items,
		"reasons": [r | some r in _reasons],
		"not_applied": [n | some n in _not_applied],
		"missing_facts": [m | some m in _missing],
		"warnings": sort([w | some w in _warnings]),
		"policy": _policy,
	},
	_policy_part,
)

_policy_part := {"licensing_policy": _licensing_policy} if _outcome == "license_required"

_policy_part := {} if _outcome != "license_required"

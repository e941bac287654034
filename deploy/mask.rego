# What a sidecar's decision log event keeps of a decision: OPA evaluates `data.system.log.mask`
# on every event before it leaves the sidecar (decision_logs.mask_decision, /system/log/mask).
#
# An allow-list, not a deny-list: `/input` and `/result` are replaced whole (upsert) by a copy
# that holds only the transaction id and date, each item's id and control code, the outcome,
# the licensing policy, the provisions that gave a reason, asked for a fact or were not applied
# (with their item, outcome and the control code they classified), and the policy revision.
# Party names, owners, addresses, descriptions, values, quantities, licences, facts, warnings and
# any field the transaction schema gains later never leave. The event's `decision_id` and
# `bundles` (each bundle's revision) are OPA's own and stay. Events of any other document keep
# neither input nor result. `/nd_builtin_cache` (http.send answers, if ever configured) is
# removed.
package system.log

mask contains "/nd_builtin_cache"

mask contains {"op": "upsert", "path": "/input", "value": kept.input}

mask contains {"op": "upsert", "path": "/result", "value": kept.result}

mask contains "/input" if not kept

mask contains "/result" if not kept

decision_path := "exportctl/decision"

batch_path := "exportctl/batch/decisions"

kept := {
	"input": transaction(field(input, "input")),
	"result": decision(field(input, "result")),
} if {
	input.path == decision_path
}

# A batch event answers many transactions in one query: the copies keep their order, so the
# client's `<decision_id>/<index>` names `input.transactions[index]` and `result[index]`.
kept := {
	"input": {"transactions": [transaction(t) | some t in elements(field(field(input, "input"), "transactions"))]},
	"result": [decision(d) | some d in elements(field(input, "result"))],
} if {
	input.path == batch_path
}

# The pattern of `control_code` in schemas/transaction.schema.json (tests/test_decision_logs.py
# checks that they agree): a string that is not a control code is not copied.
control_code_pattern := `^(not_listed|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$`

date_pattern := `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

transaction(t) := object.union_n([
	strings(t, {"id"}),
	matching(t, "date", date_pattern),
	{"items": [item(i) | some i in elements(field(t, "items"))]},
])

item(i) := object.union(strings(i, {"id"}), matching(i, "control_code", control_code_pattern))

decision(d) := null if not is_object(d)

decision(d) := object.union_n([
	strings(d, {"transaction_id", "outcome", "licensing_policy"}),
	matching(d, "date", date_pattern),
	{
		"items": [strings(i, {"id", "outcome"}) | some i in elements(d.items)],
		"reasons": [reason(r) | some r in elements(d.reasons)],
		"missing_facts": [strings(m, {"provision", "item"}) | some m in elements(d.missing_facts)],
		"not_applied": [strings(n, {"provision", "item"}) | some n in elements(d.not_applied)],
		"policy": object.union(
			strings(field(d, "policy"), {"revision"}),
			matching(field(d, "policy"), "data_reviewed_on", date_pattern),
		),
	},
]) if {
	is_object(d)
}

reason(r) := object.union(
	strings(r, {"provision", "item", "outcome"}),
	matching(field(r, "facts"), "control_code", control_code_pattern),
)

# `x[key]` when `x` is an object that has it, else null.
field(x, key) := object.get(x, key, null) if is_object(x)

field(x, _) := null if not is_object(x)

# The string values of `keys` in `x`.
strings(x, keys) := {key: value |
	some key in keys
	value := field(x, key)
	is_string(value)
}

# `{key: x[key]}` when it is a string matching `pattern`, else `{}`.
matching(x, key, pattern) := {key: value |
	value := field(x, key)
	is_string(value)
	regex.match(pattern, value)
}

# The elements of `x` when it is an array, else none.
elements(x) := x if is_array(x)

elements(x) := [] if not is_array(x)

# METADATA
# title: Deliberately quadratic control policy
# description: >-
#   Not a policy: the benchmark's control. It compares every bill-of-materials line with every
#   other one, so its evaluation time grows with the square of the BOM. The linearity check of
#   `make bench` must flag it.
package exportctl

_lines := [line |
	walk(input.items, [_, line])
	is_object(line)
	line.origin
]

# The revision of the bundle that serves it, as the real decision reports it (the client checks it).
_revision := [b.manifest.revision | some b in data.system.bundles][0]

decision := {
	"transaction_id": input.id,
	"date": input.date,
	"outcome": "not_required",
	"items": [],
	"reasons": [],
	"not_applied": [],
	"missing_facts": [],
	"warnings": [],
	"policy": {"revision": _revision, "data_reviewed_on": input.date},
	"same_origin_pairs": count([1 |
		some a in _lines
		some b in _lines
		a.origin == b.origin
	]),
}

# METADATA
# title: Items an announcement lists by element, category or control code
# description: >-
#   The two shapes of a listed export that no catalogue entry describes. By element (Nos. 23 of
#   2023, 33 of 2024 and 10 of 2025, No. 46 cl. 2): an item whose declared material holds one of the
#   clause's `elements`, or whose control code lies within one of its `codes`. By category or code
#   (Nos. 55 and 58): an item whose `category` is one of the clause's `categories`, or whose code
#   lies within one of its `codes`. A clause's `kinds` (goods, technology; both when absent) and
#   `excluded_categories` narrow it. Both reach the items of an export from China, to the clause's
#   `destination` only where it names one (No. 46 cl. 2). A provision passes its METADATA chain and
#   gets its findings, questions included.
package exportctl.lib.listed_export

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_reached(clause) := {i |
	transfer.from_china
	input.destination == object.get(clause, "destination", input.destination)
	some i, _ in input.items
}

# METADATA
# description: Findings of a provision that lists items by element (and optionally by code).
by_element(chain) := {result.finding(chain, item.id, "license_required", object.union(
	object.filter(item, ["control_code"]),
	object.union({"elements": sort(_elements(item, clause))}, transfer.facts),
)) |
	clause := result.clause_of(chain)
	some i in _reached(clause)
	item := input.items[i]
	object.get(item, "kind", "goods") in object.get(clause, "kinds", ["goods", "technology"])
	not _excluded(item, clause)
	object.get(item, "control_code", "") != "not_listed"
	_by_element(item, clause)
} | {f |
	clause := result.clause_of(chain)
	some i in _reached(clause)
	items.goods(input.items[i])
	not _excluded(input.items[i], clause)
	f := result.depends(chain, input.items[i].id, items.material_facts(i, sprintf(
		"%s recognises its items by their elements: give the item's material or its control_code",
		[result.provision(chain).custom.id],
	)))
}

# METADATA
# description: Findings of a provision that lists items by category or by control code.
by_category_or_code(chain) := {result.finding(chain, item.id, "license_required", object.union(
	object.filter(item, ["category", "control_code"]),
	transfer.facts,
)) |
	clause := result.clause_of(chain)
	some i in _reached(clause)
	item := input.items[i]
	_by_category_or_code(item, clause)
} | {f |
	some i in _reached(result.clause_of(chain))
	item := input.items[i]
	not item.control_code
	items.classification(item).status != "listed"
	f := result.depends(chain, item.id, [{
		"field": "category",
		"path": ["items", i, "category"],
		"why": sprintf(
			"%s recognises its items by category or control code: give the item's category, or its control_code (not_listed if it is not a list item)",
			[result.provision(chain).custom.id],
		),
	}])
}

# A helper, not `not item.category in ...`: negating a membership with an undefined operand fails.
_excluded(item, clause) if item.category in object.get(clause, "excluded_categories", [])

_elements(item, clause) := {e | some e in object.get(item, ["material", "elements"], []); e in clause.elements}

_by_element(item, clause) if count(_elements(item, clause)) > 0

_by_element(item, clause) if _code_listed(item, clause)

_by_category_or_code(item, clause) if item.category in clause.categories

_by_category_or_code(item, clause) if _code_listed(item, clause)

_code_listed(item, clause) if {
	some entry in object.get(clause, "codes", [])
	items.within(item.control_code, entry.code)
}

# METADATA
# description: >-
#   The finding of a provision that lists catalogue entries by their group (Nos. 18 and 57 of
#   2025): license_required for `item`, classified from `basis` under the sorted catalogue `codes`
#   of the clause's `covers_groups`.
by_group_finding(chain, item, basis, codes) := result.finding(chain, item.id, "license_required", object.union(
	{"control_code": codes[0], "control_codes": codes, "classified_from": basis},
	transfer.facts,
))

# METADATA
# title: Announcement No. 61, Annex 1
# description: >-
#   Which things are Annex 1 Part I items (the Chinese-origin inputs counted by the 0.1 % rule) or
#   Part II items (magnet materials, targets, and parts, components and assemblies containing those
#   magnets), and, for each transferred item, the Chinese-origin Part I content of its bill of
#   materials. Every per-item result is a rule keyed by the item's index, so it is computed once.
package exportctl.lib.annex1

import data.exportctl.config
import data.exportctl.lib.clauses
import data.exportctl.lib.items

_content_rule := config.no61_requirements.content

_annex := clauses.instrument(split(_content_rule, "/")[0]).annex_1

# METADATA
# description: Annex 1 Part II as the instrument record states it.
part_2_record := _annex.part_2

_lists := {
	"part_1": _annex.part_1.codes,
	"part_2": _annex.part_2.codes,
	"magnets": _annex.part_2.assemblies_of,
}

# A code at or below an entry is in; a code given only above an entry (1C905, 1C905.a) may be that
# entry, so it is read cautiously as in.
_in_part(thing, name) if _part_of(object.get(thing, "control_code", null), object.get(thing, "material", null), name)

# Keyed on the code and the material alone, so OPA's function cache answers once per distinct
# declaration, however many BOM lines repeat it.
_part_of(code, material, name) if {
	some c in items.classify(code, material).codes
	_code_in(c, _lists[name])
} else if {
	name == "part_1"
	code == null
	some pattern in _annex.part_1.materials
	material.form == pattern.form
	every element in pattern.elements {
		element in material.elements
	}
} else := false

_code_in(code, entries) if {
	parts := split(code, ".")
	some k in numbers.range(1, count(parts))
	concat(".", array.slice(parts, 0, k)) in entries
}

_code_in(code, entries) if {
	some entry in entries
	startswith(entry, concat("", [code, "."]))
}

# METADATA
# description: >-
#   True for a Part I item, by its classification or, for Part I alloys the catalogue lacks
#   (Tb-Fe), by its material when it has no control code.
part_1(thing) if _in_part(thing, "part_1")

# METADATA
# description: True for a Part II item by its own classification (magnet material or target).
part_2(thing) if _in_part(thing, "part_2")

# Item i's bill of materials level by level, to the eight levels the transaction schema allows. The
# children of a counted line (a Chinese-origin Part I line) are not read: they are never counted
# again. Reading level by level, never by a walk over every value, keeps the cost linear and small.
# Per-item results are complete rules (objects keyed by item index): OPA computes each once per
# query, where a partial rule would be evaluated again for every different reference into it.
_levels := {i: [l1, l2, l3, l4, l5, l6, l7, l8] |
	some i, item in input.items
	l1 := object.get(item, "bom", [])
	l2 := _open(l1)
	l3 := _open(l2)
	l4 := _open(l3)
	l5 := _open(l4)
	l6 := _open(l5)
	l7 := _open(l6)
	l8 := _open(l7)
}

_open(lines) := [child |
	some line in lines
	line.bom
	not _counted(line)
	some child in line.bom
]

_counted(line) if {
	line.origin == "CN"
	part_1(line)
}

# METADATA
# description: The lines of item i's bill of materials that are read (none inside a counted line).
lines := {i: [line | some level in levels; some line in level] | some i, levels in _levels}

# METADATA
# description: Item i is a Part II item itself, or a part, component or assembly containing a Part II magnet.
part_2_item contains i if {
	some i, item in input.items
	part_2(item)
}

part_2_item contains i if {
	some i, item in input.items
	not part_2(item)
	some line in lines[i]
	line.material.form == "magnet"
	_in_part(line, "magnets")
}

part_2_item contains i if {
	some i, item in input.items
	not part_2(item)
	some line in lines[i]
	line.control_code
	_in_part(line, "magnets")
}

# METADATA
# description: Item i is an Annex 1 item (Part I or Part II).
annex_1_item contains i if some i in part_2_item

annex_1_item contains i if {
	some i, item in input.items
	part_1(item)
}

# METADATA
# description: Item i cannot be placed in or out of Annex 1 from what the transaction says.
unknown_item contains i if {
	some i, item in input.items
	not i in annex_1_item
	items.classification(item).status == "unknown"
}

# METADATA
# description: The Chinese-origin Part I lines of item i that are counted.
counted := {i: [line | some line in read; line.origin == "CN"; part_1(line)] | some i, read in lines}

# A thing declared by a control code only (not_listed, or a code outside the rare-earth catalogue),
# with no material and no bill of materials: what it contains is not known, so it may be a part,
# component or assembly containing a Part II magnet, or hold Chinese-origin Part I content.
_opaque(thing) if {
	thing.control_code
	not thing.material
	count(object.get(thing, "bom", [])) == 0
	items.classification(thing).status == "not_listed"
}

# METADATA
# description: The question every bill-of-materials gap of item i asks.
bom_fact := {
	"field": "bom",
	"why": "a bill of materials is needed to tell whether the item contains a Sm-Co, Tb- or Dy-NdFeB magnet (Annex 1 Part II) and how much Chinese-origin Part I content it holds",
}

# METADATA
# description: >-
#   The facts that would settle whether item i, not known to be an Annex 1 item, is a Part II
#   part, component or assembly: its own bill of materials when nothing says what it contains,
#   and the lines that cannot be classified or whose contents are not known.
assembly_facts(i) := array.concat(
	[bom_fact | _opaque(input.items[i])],
	[_line_fact(line) | some line in undetermined_lines(i)],
)

# METADATA
# description: Item i is not known to be an Annex 1 item, but may be a Part II assembly.
possibly_part_2_item contains i if {
	some i, _ in input.items
	not i in annex_1_item
	count(assembly_facts(i)) > 0
}

# METADATA
# description: >-
#   Lines of item i that may be a Part II magnet or contain one: lines that cannot be classified,
#   and lines declared by a code alone with no material and no bill of materials.
undetermined_lines(i) := [line |
	some line in lines[i]
	_undetermined(line)
]

_undetermined(line) if items.classification(line).status == "unknown"

_undetermined(line) if _opaque(line)

_line_fact(line) := {
	"field": _line_field(line, "control_code"),
	"line": line.id,
	"why": "if this line is a Sm-Co, Tb- or Dy-NdFeB magnet, the item is an Annex 1 Part II assembly: give its control_code or material",
} if {
	items.classification(line).status == "unknown"
} else := {
	"field": _line_field(line, "bom"),
	"line": line.id,
	"why": "this line is declared by its control code alone: it may be a part or assembly containing a Sm-Co, Tb- or Dy-NdFeB magnet or Chinese-origin Part I content: give its bill of materials or its material",
}

# Rates into the item's currency, one per currency its counted lines use.
_rates := {i: {currency: rate |
	some line in cn
	currency := line.value.currency
	rate := _rate(currency, input.items[i].value.currency)
} |
	some i, cn in counted
}

_rate(from, to) := 1 if {
	from == to
} else := input.fx_rates[from][to] if {
	input.fx_rates[from][to]
} else := 1 / input.fx_rates[to][from]

_line_field(line, field) := sprintf("bom[%s].%s", [line.id, field])

# METADATA
# description: >-
#   Facts missing for the content computation of item i: {field, why, line?}: the item's value and
#   bill of materials, each counted line's value and exchange rate.
missing := {i: facts |
	some i, item in input.items
	facts := (_item_missing(item) | _value_missing(counted[i])) | _rate_missing(i, item)
	count(facts) > 0
}

_item_missing(item) := {m |
	some m in [{"field": "value", "why": "the item's value (at least a millionth of its currency unit) is the denominator of the 0.1 % content ratio"}]
	not _valued(item)
} | {bom_fact | count(object.get(item, "bom", [])) == 0}

# A helper, not `not item.value.amount > 0`: negating a comparison with an undefined operand fails.
# Amounts are compared in whole millionths, so a smaller value would divide by zero.
_valued(item) if round(item.value.amount * config.money_units_per_currency_unit.value) > 0

_value_missing(lines_counted) := {{"field": _line_field(line, "value"), "line": line.id, "why": "a Chinese-origin Part I line needs a value to be counted"} |
	some line in lines_counted
	not line.value.amount
}

_rate_missing(i, item) := {{
	"field": sprintf("fx_rates.%s.%s", [line.value.currency, item.value.currency]),
	"line": line.id,
	"why": sprintf("line %s is valued in %s and the item in %s: give the rate", [line.id, line.value.currency, item.value.currency]),
} |
	some line in counted[i]
	line.value.amount
	not _rates[i][line.value.currency]
}

# METADATA
# description: >-
#   Facts that could only add Chinese-origin Part I content to item i: they matter only while the
#   content found is below the threshold.
may_add_content := {i: facts |
	some i, read in lines
	facts := _unclassified(read) | _unopened(read)
	count(facts) > 0
}

# Any line that cannot be classified, or is declared by a code alone, may hold Part I content.
_unclassified(read) := {_line_fact(line) |
	some line in read
	_undetermined(line)
}

# A listed rare-earth line that is not counted, with no bill of materials, may contain Part I
# content: a Chinese-origin one of any form; one made elsewhere when it is made from inputs (a
# magnet, alloy or target), since its rare earths may be Chinese.
_unopened(read) := {{"field": _line_field(line, "bom"), "line": line.id, "why": "a listed rare-earth line that is not itself counted may contain Chinese-origin Part I content: give its bill of materials"} |
	some line in read
	count(object.get(line, "bom", [])) == 0
	items.classification(line).status == "listed"
	not _counted(line)
	_may_contain_inputs(line)
}

_may_contain_inputs(line) if line.origin == "CN"

_may_contain_inputs(line) if {
	some form in _forms(line)
	form in {"magnet", "alloy", "target"}
}

_forms(line) := {items.entry(c).form | some c in items.classification(line).codes} | {f | f := line.material.form}

# METADATA
# description: >-
#   The content computation of item i, the contract's de_minimis object: ratio, threshold,
#   cn_content_value, item_value, currency, lines (ids counted), basis (the valuation reading,
#   config.content_valuation), and remove_more_than (how much
#   content must go, beyond this amount, for the item to fall below the threshold; 0 when below).
content := {i: {
	"ratio": cn / value,
	"threshold": threshold.ratio,
	"cn_content_value": cn / units,
	"item_value": value / units,
	"currency": item.value.currency,
	"lines": sort([line.id | some line in counted[i]]),
	"basis": config.content_valuation.basis,
	"remove_more_than": max([0, (cn * threshold.denominator) - (value * threshold.numerator)]) / (threshold.denominator * units),
	"reaches_threshold": (cn * threshold.denominator) >= (value * threshold.numerator),
} |
	threshold := clauses.clause(_content_rule).threshold
	units := config.money_units_per_currency_unit.value
	some i, item in input.items
	not missing[i]
	value := round(item.value.amount * units)
	rates := _rates[i]
	cn := sum([round((line.value.amount * rates[line.value.currency]) * units) | some line in counted[i]])
}

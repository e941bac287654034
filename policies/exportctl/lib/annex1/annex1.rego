# METADATA
# title: Announcement No. 61, Annex 1
# description: >-
#   Which things are Annex 1 Part I items (the Chinese-origin inputs counted by the 0.1 % rule) or
#   Part II items (magnet materials, targets, and parts, components and assemblies containing those
#   magnets), and, for each transferred item, the Chinese-origin Part I content of its bill of
#   materials. Every per-item result is a rule keyed by the item's index, so it is computed once.
package exportctl.lib.annex1

import data.exportctl.instruments
import data.exportctl.lib.items

_annex := instruments.mofcom_2025_061.annex_1

_within(code, entry) if code == entry

_within(code, entry) if startswith(code, concat("", [entry, "."]))

# A code given only above an Annex entry (1C905, 1C905.a) may be that entry: read cautiously as in.
_within(code, entry) if startswith(entry, concat("", [code, "."]))

_in_part(thing, entries) if {
	some code in items.classification(thing).codes
	some entry in entries
	_within(code, entry)
}

# METADATA
# description: True for a Part I item, by its classification or, for Part I alloys the catalogue lacks, its material.
part_1(thing) if _in_part(thing, _annex.part_1.codes)

part_1(thing) if {
	not thing.control_code
	some pattern in _annex.part_1.materials
	thing.material.form == pattern.form
	every element in pattern.elements {
		element in thing.material.elements
	}
}

# METADATA
# description: True for a Part II item by its own classification (magnet material or target).
part_2(thing) if _in_part(thing, _annex.part_2.codes)

# Bill-of-materials lines of item i at any depth, keyed by their path ([0], [0, "bom", 2], ...).
lines[i] := {path: line |
	walk(object.get(item, "bom", []), [path, line])
	_is_line(path)
} if {
	some i, item in input.items
}

_is_line(path) if {
	count(path) == 1
	is_number(path[0])
}

_is_line(path) if {
	n := count(path)
	n > 2
	is_number(path[n - 1])
	path[n - 2] == "bom"
}

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
	_in_part(line, _annex.part_2.assemblies_of)
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

_cn_part_1[i] contains path if {
	some i, _ in input.items
	some path, line in lines[i]
	line.origin == "CN"
	part_1(line)
}

_is_cn_part_1(i, path) if path in _cn_part_1[i]

# A line inside a counted line is never counted again.
_inside_counted(i, path) if {
	count(path) > 2
	some k in numbers.range_step(1, count(path) - 2, 2)
	array.slice(path, 0, k) in _cn_part_1[i]
}

counted[i] contains path if {
	some i, _ in input.items
	some path in _cn_part_1[i]
	not _inside_counted(i, path)
}

_rate(from, to) := 1 if from == to

_rate(from, to) := input.fx_rates[from][to] if from != to

_rate(from, to) := 1 / input.fx_rates[to][from] if {
	from != to
	not input.fx_rates[from][to]
}

_line_field(line, field) := sprintf("bom[%s].%s", [line.id, field])

# METADATA
# description: >-
#   Facts missing for the content computation of item i: {field, why, line?}. The item's value and
#   bill of materials; each counted line's value and exchange rate; each Chinese-origin line that
#   could hold Part I content but cannot be classified or opened.
missing[i] contains {"field": "value", "why": "the item's value (greater than 0) is the denominator of the 0.1 % content ratio"} if {
	some i, item in input.items
	not item.value.amount > 0
}

missing[i] contains {"field": "bom", "why": "a bill of materials is needed to find Chinese-origin Annex 1 Part I content"} if {
	some i, item in input.items
	count(object.get(item, "bom", [])) == 0
}

missing[i] contains {"field": _line_field(line, "value"), "line": line.id, "why": "a Chinese-origin Part I line needs a value to be counted"} if {
	some i, _ in input.items
	some path in counted[i]
	line := lines[i][path]
	not line.value.amount
}

missing[i] contains {
	"field": sprintf("fx_rates.%s.%s", [line.value.currency, item.value.currency]),
	"line": line.id,
	"why": sprintf("line %s is valued in %s and the item in %s: give the rate", [line.id, line.value.currency, item.value.currency]),
} if {
	some i, item in input.items
	some path in counted[i]
	line := lines[i][path]
	line.value.amount
	not _rate(line.value.currency, item.value.currency)
}

missing[i] contains {"field": _line_field(line, "control_code"), "line": line.id, "why": "a Chinese-origin line that cannot be classified may be Annex 1 Part I content"} if {
	some i, _ in input.items
	some path, line in lines[i]
	line.origin == "CN"
	not _is_cn_part_1(i, path)
	not _inside_counted(i, path)
	count(object.get(line, "bom", [])) == 0
	items.classification(line).status == "unknown"
}

missing[i] contains {"field": _line_field(line, "bom"), "line": line.id, "why": "a Chinese-origin listed rare-earth line that is not itself Part I may contain Part I content: give its bill of materials"} if {
	some i, _ in input.items
	some path, line in lines[i]
	line.origin == "CN"
	not _is_cn_part_1(i, path)
	not _inside_counted(i, path)
	count(object.get(line, "bom", [])) == 0
	items.classification(line).status == "listed"
}

_content(i) := sum([(line.value.amount * _rate(line.value.currency, item.value.currency)) |
	item := input.items[i]
	some path in counted[i]
	line := lines[i][path]
])

# METADATA
# description: >-
#   The content computation of item i, the contract's de_minimis object: ratio, threshold,
#   cn_content_value, item_value, currency, lines (ids counted), and remove_more_than (how much
#   content must go, beyond this amount, for the item to fall below the threshold; 0 when below).
content[i] := {
	"ratio": cn / value,
	"threshold": threshold.ratio,
	"cn_content_value": cn,
	"item_value": value,
	"currency": item.value.currency,
	"lines": sort([lines[i][path].id | some path in counted[i]]),
	"remove_more_than": max([0, ((cn * threshold.denominator) - (value * threshold.numerator)) / threshold.denominator]),
	"reaches_threshold": (cn * threshold.denominator) >= (value * threshold.numerator),
} if {
	threshold := instruments.mofcom_2025_061.clauses.content_rule.threshold
	some i, item in input.items
	not missing[i]
	value := item.value.amount
	cn := _content(i)
}

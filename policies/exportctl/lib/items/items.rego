# METADATA
# title: Item classification
# description: >-
#   Classifies an item or a bill-of-materials line against the control-list catalogue: from its
#   control_code when given (at any depth, or the literal not_listed), else from its declared
#   material, else it is unknown. An HS code alone never classifies: it only tells which listed
#   entries the caller should check.
package exportctl.lib.items

import data.exportctl.catalogue
import data.exportctl.lib.clauses

# METADATA
# description: True for goods (the default kind); technology is handled by its own provisions.
goods(thing) if object.get(thing, "kind", "goods") == "goods"

# METADATA
# description: >-
#   {status: listed | not_listed | unknown, basis, codes, groups}. `codes` are catalogue codes (or the
#   given code), `groups` their 5-character list entries (1C904 ...). A given code outside the
#   catalogue's groups is not_listed for the provisions encoded here.
classification(thing) := classify(object.get(thing, "control_code", null), object.get(thing, "material", null))

# METADATA
# description: >-
#   The classification of a declared control code (or null) and material (or null). Keyed on
#   these alone, so OPA's function cache serves every BOM line that declares the same thing.
classify(code, material) := {"status": "not_listed", "basis": "control_code", "codes": set(), "groups": set()} if {
	code == "not_listed"
} else := _by_code(code) if {
	code != null
} else := _by_material(material) if {
	material != null
} else := {"status": "unknown", "basis": "none", "codes": set(), "groups": set()}

_by_code(code) := {"status": "listed", "basis": "control_code", "codes": {code}, "groups": {group}} if {
	group := substring(code, 0, 5)
	catalogue.groups[group]
} else := {"status": "not_listed", "basis": "control_code", "codes": {code}, "groups": set()}

# METADATA
# description: The catalogue entry of a code (entries are nested under their 5-character group).
entry(code) := catalogue.groups[substring(code, 0, 5)].entries[code]

_groups_of := catalogue.groups_by_element

_by_material(material) := {"status": "listed", "basis": "material", "codes": codes, "groups": {substring(c, 0, 5) | some c in codes}} if {
	codes := _material_codes(material)
	count(codes) > 0
} else := {"status": "unknown", "basis": "material", "codes": set(), "groups": set()} if {
	some element in material.elements
	_groups_of[element]
} else := {"status": "not_listed", "basis": "material", "codes": set(), "groups": set()}

_material_codes(material) := {code |
	matched := _matching(material)
	some code in matched
	not _more_specific_match(code, matched)
}

_matching(material) := {code |
	elements := {e | some e in material.elements}
	some element in elements
	some group in _groups_of[element]
	some code, entry in catalogue.groups[group].entries
	entry.form == material.form
	every required in entry.elements {
		required in elements
	}
}

# A Tb-Dy-Fe alloy is the Tb-Dy-Fe entry, not also the Dy-Fe one: keep the entries naming the most elements.
_more_specific_match(code, matched) if {
	some other in matched
	count(entry(other).elements) > count(entry(code).elements)
	every element in entry(code).elements {
		element in entry(other).elements
	}
}

# METADATA
# description: Catalogue codes whose reference HS codes include the item's HS code.
hs_matches(thing) := object.get(_by_hs, thing.hs_code, set())

_by_hs[hs] contains code if {
	some group in catalogue.groups
	some code, e in group.entries
	some hs in object.get(e, "reference_hs_codes", [])
}

# METADATA
# description: >-
#   {control_code} for a classified thing (its lowest catalogue code), else {}: the fact a licence is
#   matched against.
code_fact(thing) := {"control_code": min(codes)} if {
	codes := classification(thing).codes
	count(codes) > 0
} else := {}

# METADATA
# description: >-
#   The fact a provision that lists materials by element depends on for item i: what it is made
#   of, unless its control code (or not_listed) says what it is, or its bill of materials shows
#   it is an assembly rather than a material.
material_facts(i, why) := [{"field": "material", "path": ["items", i, "material"], "why": why}] if {
	not input.items[i].control_code
	count(object.get(input.items[i], "bom", [])) == 0
} else := []

# METADATA
# description: >-
#   The fact a technology provision depends on for item i: its kind, when it is not given but its
#   control code is in one of `groups` or it names technology areas, so it may be a technology
#   rather than the goods an absent kind defaults to.
kind_facts(i, groups) := [{
	"field": "kind",
	"path": ["items", i, "kind"],
	"why": "the item's control code or technology areas say it may be a technology, and kind defaults to goods: declare kind (technology or goods)",
}] if {
	not input.items[i].kind
	_may_be_technology(input.items[i], groups)
} else := []

_may_be_technology(thing, groups) if {
	some group in classification(thing).groups
	group in groups
}

_may_be_technology(thing, _) if thing.technology_areas

# METADATA
# description: True when a declared code is `listed` or lies under it (1C117.d.1 under 1C117.d).
within(code, listed) if code == listed

within(code, listed) if startswith(code, concat("", [listed, "."]))

# METADATA
# description: >-
#   The codes the encoded announcements match: every entry of a clause's `codes` in the instrument
#   records (a code under `codes_unconfirmed` is recorded, not matched).
encoded_codes := data.exportctl.derived.encoded_codes

encoded_codes := codes_from_records if not data.exportctl.derived.encoded_codes

# METADATA
# description: The codes the clauses of the instrument records list, as the records state them.
codes_from_records := {entry.code |
	some clause in clauses.all
	some entry in object.get(clause, "codes", [])
}

# METADATA
# description: >-
#   True when the bundle encodes a declared list code: its 5-character group has catalogue entries,
#   or it lies within a code an instrument record's clause lists.
encoded(code) if catalogue.groups[substring(code, 0, 5)]

encoded(code) if {
	some listed in encoded_codes
	within(code, listed)
}

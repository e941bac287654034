# METADATA
# title: The transaction checked against its schema, inside the bundle
# description: >-
#   The policy validates its own input against the transaction schema shipped in the bundle
#   (data.exportctl.schemas.transaction, its JSON text, written by `make docs` from
#   schemas/transaction.schema.json),
#   so a caller that posts straight to OPA gets the same protection as one that uses the client: an
#   invalid transaction gets insufficient_information with one missing fact per schema error, never
#   a go outcome.
package exportctl.lib.validation

import data.exportctl.schemas

# METADATA
# description: >-
#   The schema errors of the transaction, sorted (the checker's own order varies), each {field, why}: field as the client names it
#   (items[0].value.amount), why in plain words.
errors := [{"field": "(transaction)", "why": "must be a JSON object"}] if {
	not is_object(input)
} else := sort([_error(e) |
	some e in json.match_schema(input, schemas.transaction)[1]
	not e.type in _aggregates
])

# Errors that only repeat that a sub-schema failed: the failing fields are reported themselves.
_aggregates := {"number_all_of", "number_any_of", "number_one_of"}

_error(e) := {"field": _field(e), "why": _why(e)}

# gojsonschema writes items.0.value.amount, and (Root) for the transaction itself; the client
# writes items[0].value.amount, and (transaction).
_field(e) := field if {
	field := concat(".", [part | some part in [_path(e.field), _property(e)]; part != ""])
	field != ""
} else := "(transaction)"

_path("(Root)") := ""

_path(field) := concat("", [_segment(i, s) | some i, s in split(field, ".")]) if field != "(Root)"

_segment(_, s) := sprintf("[%s]", [s]) if regex.match(`^[0-9]+$`, s)

_segment(0, s) := s if not regex.match(`^[0-9]+$`, s)

_segment(i, s) := concat("", [".", s]) if {
	i > 0
	not regex.match(`^[0-9]+$`, s)
}

# The field a "required" or "additional property" error is about is named in its message only.
_property(e) := regex.find_all_string_submatch_n(`^(\S+) is required$`, e.desc, 1)[0][1] if {
	e.type == "required"
} else := regex.find_all_string_submatch_n(`^Additional property (\S+) is not allowed$`, e.desc, 1)[0][1] if {
	e.type == "additional_property_not_allowed"
} else := ""

_why(e) := "is required" if e.type == "required"

_why(e) := sprintf("is not a field of the transaction schema%s", [_suggestion(_property(e))]) if {
	e.type == "additional_property_not_allowed"
}

_why(e) := "bills of materials nest at most 8 levels: give this line's content flattened at this level" if _bom_too_deep(e)

_why(e) := regex.replace(e.desc, `^\S+ must be one of the following: `, "must be one of ") if {
	not e.type in {"required", "additional_property_not_allowed"}
	not _bom_too_deep(e)
}

_bom_too_deep(e) if {
	e.type == "array_max_items"
	endswith(e.field, ".bom")
}

_suggestion(typo) := sprintf(" (did you mean %s?)", [concat(" or ", sort(near))]) if {
	near := {name | some name in _field_names; _near(typo, name)}
	count(near) > 0
} else := ""

# Every field name the schema knows, at any depth.
_field_names contains name if {
	walk(json.unmarshal(schemas.transaction), [path, value])
	count(path) > 0
	path[count(path) - 1] == "properties"
	some name, _ in value
}

# A near name: the same letters in another order, or one letter added, dropped or changed.
_near(typo, name) if {
	typo != name
	sort(split(typo, "")) == sort(split(name, ""))
}

_near(typo, name) if _one_dropped(typo, name)

_near(typo, name) if _one_dropped(name, typo)

_near(typo, name) if {
	count(typo) == count(name)
	count([i | some i in numbers.range(0, count(name) - 1); substring(typo, i, 1) != substring(name, i, 1)]) == 1
}

_one_dropped(long, short) if {
	count(long) == count(short) + 1
	some i in numbers.range(0, count(long) - 1)
	concat("", [substring(long, 0, i), substring(long, i + 1, -1)]) == short
}

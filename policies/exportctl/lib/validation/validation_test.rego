package exportctl.lib.validation_test

import data.exportctl.lib.validation
import data.exportctl.testing

_valid := testing.transaction({"id": "T-1", "date": "2026-03-02"}, {"material": {"elements": ["Tb"], "form": "oxide"}})

test_a_valid_transaction_has_no_errors if {
	validation.errors == [] with input as _valid
}

test_a_missing_required_field_is_named if {
	validation.errors == [{"field": "date", "why": "is required"}] with input as object.remove(_valid, ["date"])
}

test_a_misspelt_key_is_named_with_the_near_key if {
	tx := json.patch(_valid, [{"op": "add", "path": "/items/0/contorl_code", "value": "1C904.b"}])
	validation.errors == [{"field": "items[0].contorl_code", "why": "is not a field of the transaction schema (did you mean control_code?)"}] with input as tx
}

test_a_key_with_no_near_name_gets_no_suggestion if {
	tx := object.union(_valid, {"zzzzzz": 1})
	validation.errors == [{"field": "zzzzzz", "why": "is not a field of the transaction schema"}] with input as tx
}

test_wrong_types_and_patterns_are_errors_at_their_path if {
	tx := json.patch(_valid, [
		{"op": "replace", "path": "/items/0/origin", "value": "cn"},
		{"op": "add", "path": "/items/0/value", "value": {"amount": "1200", "currency": "USD"}},
	])
	{e.field | some e in validation.errors} == {"items[0].origin", "items[0].value.amount"} with input as tx
}

test_enum_errors_list_the_values if {
	tx := json.patch(_valid, [{"op": "replace", "path": "/items/0/material/form", "value": "powder"}])
	[e] := validation.errors with input as tx
	e.field == "items[0].material.form"
	startswith(e.why, `must be one of "metal", "alloy"`)
}

_leaf := {"id": "L", "origin": "KR"}

_l2 := object.union(_leaf, {"bom": [_leaf]})

_l4 := object.union(_leaf, {"bom": [object.union(_leaf, {"bom": [_l2]})]})

_l8 := object.union(_leaf, {"bom": [object.union(_leaf, {"bom": [object.union(_leaf, {"bom": [object.union(_leaf, {"bom": [_l4]})]})]})]})

_l9 := object.union(_leaf, {"bom": [_l8]})

test_a_bom_deeper_than_eight_levels_is_an_error if {
	validation.errors == [] with input as json.patch(_valid, [{"op": "add", "path": "/items/0/bom", "value": [_l8]}])
	[e] := validation.errors with input as json.patch(_valid, [{"op": "add", "path": "/items/0/bom", "value": [_l9]}])
	e.field == "items[0].bom[0].bom[0].bom[0].bom[0].bom[0].bom[0].bom[0].bom[0].bom"
	startswith(e.why, "bills of materials nest at most 8 levels")
}

test_near_keys[typo] if {
	some typo, near in {
		"destinaton": "destination",
		"originn": "origin",
		"orogin": "origin",
		"contorl_code": "control_code",
	}
	[e] := validation.errors with input as object.union(_valid, {typo: "x"})
	e.why == sprintf("is not a field of the transaction schema (did you mean %s?)", [near])
}

test_an_input_that_is_not_an_object[note] if {
	some note, doc in {"a string": "CN", "JSON text": json.marshal(_valid), "a number": 5, "an array": [_valid]}
	validation.errors == [{"field": "(transaction)", "why": "must be a JSON object"}] with input as doc
}

test_an_error_about_the_whole_transaction if {
	validation._field({"field": "(Root)", "type": "number_not", "desc": "d"}) == "(transaction)"
}

test_year_0000_is_no_date if {
	[e] := validation.errors with input as object.union(_valid, {"date": "0000-01-01"})
	e.field == "date"
}

test_errors_come_in_one_order if {
	errors := validation.errors with input as object.union(_valid, {"zz": 1, "aa": 2, "mm": 3})
	[e.field | some e in errors] == ["aa", "mm", "zz"]
}

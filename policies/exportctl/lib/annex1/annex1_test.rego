package exportctl.lib.annex1_test

import data.exportctl.lib.annex1

_dy := {"elements": ["Dy"], "form": "metal"}

_magnet := {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}

_line(id, origin, material, amount) := {"id": id, "origin": origin, "material": material, "value": {"amount": amount, "currency": "USD"}}

_with_item(item) := {"items": [object.union({"id": "A", "origin": "KR", "value": {"amount": 1000, "currency": "USD"}}, item)]}

test_parts[note] if {
	some note, tc in {
		"Dy metal is Part I": {"thing": {"material": _dy}, "p1": true, "p2": false},
		"Tb-Fe alloy by material": {"thing": {"material": {"elements": ["Tb", "Fe"], "form": "alloy"}}, "p1": true, "p2": false},
		"Tb oxide by code": {"thing": {"control_code": "1C904.b"}, "p1": true, "p2": false},
		"coarse code read as both": {"thing": {"control_code": "1C905"}, "p1": true, "p2": true},
		"Gd oxide is neither": {"thing": {"material": {"elements": ["Gd", "O"], "form": "oxide"}}, "p1": false, "p2": false},
		"Dy magnet is Part II": {"thing": {"material": _magnet}, "p1": false, "p2": true},
		"Gd target is Part II": {"thing": {"control_code": "1C903.a.3.a"}, "p1": false, "p2": true},
		"Nd metal is neither": {"thing": {"material": {"elements": ["Nd"], "form": "metal"}}, "p1": false, "p2": false},
		"explicit code overrides Tb-Fe material": {"thing": {"control_code": "1C904.a.2.b", "material": {"elements": ["Tb", "Fe", "Co"], "form": "alloy"}}, "p1": false, "p2": false},
	}
	count({1 | annex1.part_1(tc.thing)}) == 1 == tc.p1
	count({1 | annex1.part_2(tc.thing)}) == 1 == tc.p2
}

test_assembly_containing_magnet_is_part_2 if {
	tx := _with_item({"bom": [{"id": "A.1", "origin": "KR", "material": _magnet, "bom": [_line("A.1.1", "CN", _dy, 1)]}]})
	annex1.part_2_item == {0} with input as tx
	annex1.annex_1_item == {0} with input as tx
}

test_unknown_item if {
	annex1.unknown_item == {0} with input as _with_item({"bom": [_line("A.1", "KR", {"elements": ["Fe"], "form": "other"}, 1)]})
	annex1.unknown_item == set() with input as _with_item({"material": {"elements": ["Fe"], "form": "other"}})
}

test_content_nested_counts_once if {
	alloy := {
		"id": "A.1", "origin": "CN", "material": {"elements": ["Dy", "Fe"], "form": "alloy"},
		"value": {"amount": 3, "currency": "USD"},
		"bom": [_line("A.1.1", "CN", _dy, 2)],
	}
	foreign := {"id": "A.2", "origin": "JP", "material": {"elements": ["Dy", "Fe"], "form": "alloy"}, "bom": [{"id": "A.2.1", "origin": "CN", "material": _dy, "value": {"amount": 5, "currency": "EUR"}}]}
	tx := object.union(_with_item({"material": _magnet, "bom": [alloy, foreign]}), {"fx_rates": {"USD": {"EUR": 0.5}}})
	c := annex1.content[0] with input as tx
	c.lines == ["A.1", "A.2.1"]
	c.cn_content_value == 13
	c.ratio == 0.013
	c.reaches_threshold
	c.remove_more_than == 12
}

test_threshold_is_inclusive[note] if {
	some note, tc in {"exactly 0.1 %": {"amount": 1, "want": true}, "just below": {"amount": 0.99, "want": false}}
	tx := _with_item({"material": _magnet, "bom": [_line("A.1", "CN", _dy, tc.amount)]})
	c := annex1.content[0] with input as tx
	c.reaches_threshold == tc.want
}

test_missing_facts[note] if {
	some note, tc in {
		"no item value": {"item": {"value": {"amount": 0, "currency": "USD"}, "bom": [_line("A.1", "KR", _magnet, 1)]}, "field": "value"},
		"no bom": {"item": {"material": _magnet}, "field": "bom"},
		"counted line without value": {"item": {"bom": [{"id": "A.1", "origin": "CN", "material": _dy}]}, "field": "bom[A.1].value"},
		"no rate": {"item": {"bom": [{"id": "A.1", "origin": "CN", "material": _dy, "value": {"amount": 1, "currency": "JPY"}}]}, "field": "fx_rates.JPY.USD"},
	}
	missing := annex1.missing[0] with input as _with_item(tc.item)
	tc.field in {m.field | some m in missing}
}

test_facts_that_could_add_content[note] if {
	some note, tc in {
		"unclassifiable Chinese line": {"item": {"bom": [{"id": "A.1", "origin": "CN"}]}, "field": "bom[A.1].control_code"},
		"unclassifiable Chinese line with a bom": {"item": {"bom": [{"id": "A.1", "origin": "CN", "bom": [_line("A.1.1", "JP", _dy, 1)]}]}, "field": "bom[A.1].control_code"},
		"Chinese magnet without its bom": {"item": {"bom": [_line("A.1", "CN", _magnet, 1)]}, "field": "bom[A.1].bom"},
	}
	may_add := annex1.may_add_content[0] with input as _with_item(tc.item)
	tc.field in {m.field | some m in may_add}
	not annex1.missing[0] with input as _with_item(tc.item)
}

test_no_content_report_while_facts_missing if {
	not annex1.content[0] with input as _with_item({"material": _magnet})
}

test_direct_rate if {
	line := {"id": "A.1", "origin": "CN", "material": _dy, "value": {"amount": 2, "currency": "EUR"}}
	tx := object.union(_with_item({"material": _magnet, "bom": [line]}), {"fx_rates": {"EUR": {"USD": 1.5}}})
	c := annex1.content[0] with input as tx
	c.cn_content_value == 3
}

test_assembly_with_a_magnet_given_by_code if {
	tx := _with_item({"bom": [{"id": "A.1", "origin": "KR", "control_code": "1C902.a.4"}]})
	annex1.part_2_item == {0} with input as tx
}

test_lines_whose_contents_are_unknown_may_add_content[note] if {
	some note, tc in {
		"a line declared by its code alone": {"line": {"id": "A.2", "origin": "KR", "control_code": "not_listed"}, "field": "bom[A.2].bom"},
		"a line that cannot be classified, of any origin": {"line": {"id": "A.2", "origin": "KR"}, "field": "bom[A.2].control_code"},
		"a magnet made abroad with no bill of materials": {"line": {"id": "A.2", "origin": "KR", "material": _magnet}, "field": "bom[A.2].bom"},
		"a Chinese listed line that is not Part I": {"line": {"id": "A.2", "origin": "CN", "material": {"elements": ["Gd", "O"], "form": "oxide"}}, "field": "bom[A.2].bom"},
	}
	tx := _with_item({"material": _magnet, "bom": [_line("A.1", "CN", _dy, 0.5), tc.line]})
	{m.field | some m in annex1.may_add_content[0]} == {tc.field} with input as tx
}

test_raw_materials_made_abroad_are_not_opened if {
	tx := _with_item({"material": _magnet, "bom": [_line("A.1", "CN", _dy, 0.5), {"id": "A.2", "origin": "KR", "material": {"elements": ["Gd", "O"], "form": "oxide"}}]})
	not annex1.may_add_content[0] with input as tx
}

test_an_item_declared_by_code_alone_may_be_an_assembly if {
	tx := _with_item({"control_code": "not_listed"})
	annex1.possibly_part_2_item == {0} with input as tx
	annex1.assembly_facts(0) == [annex1.bom_fact] with input as tx
	not annex1.possibly_part_2_item[0] with input as _with_item({"control_code": "not_listed", "material": {"elements": ["Fe"], "form": "other"}})
}

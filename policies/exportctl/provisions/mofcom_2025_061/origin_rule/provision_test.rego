package exportctl.provisions.mofcom_2025_061.origin_rule_test

import data.exportctl.provisions.mofcom_2025_061.origin_rule
import data.exportctl.testing

_id := "mofcom_2025_061/origin_rule"

_transfer(item) := testing.transaction_from(testing.overseas, {"date": "2025-10-20"}, item)

_licence(part, code) := testing.finding(_id, "1", "license_required", {"annex_1_part": part, "control_code": code, "origin": "CN"})

test_cases[note] if {
	some note, tc in {
		"Part I oxide": {"item": {"control_code": "1C904.b"}, "want": {_licence("part_1", "1C904.b")}},
		"Part II magnet": {"item": {"material": {"elements": ["Sm", "Co"], "form": "magnet"}}, "want": {_licence("part_2", "1C902.a.4")}},
		"not Annex 1": {"item": {"material": {"elements": ["Ce", "O"], "form": "oxide"}}, "want": set()},
		"made elsewhere": {"item": {"origin": "JP", "control_code": "1C904.b"}, "want": set()},
		"unclassifiable": {"item": {}, "want": {testing.needs(_id, "1", [{
			"field": "control_code",
			"why": "a Chinese-origin item that cannot be classified may be an Annex 1 item: give its control_code or material",
		}])}},
	}
	testing.results(origin_rule.findings) == tc.want with input as _transfer(tc.item)
}

test_possible_chinese_assembly_needs_its_lines if {
	item := {"control_code": "not_listed", "bom": [{"id": "1.1", "origin": "CN"}]}
	testing.results(origin_rule.findings) == {testing.needs(_id, "1", [{
		"field": "bom[1.1].control_code",
		"line": "1.1",
		"why": "if this line is a Sm-Co, Tb- or Dy-NdFeB magnet, the item is an Annex 1 Part II assembly: give its control_code or material",
	}])} with input as _transfer(item)
}

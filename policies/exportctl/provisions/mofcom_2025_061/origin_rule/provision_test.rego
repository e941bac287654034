package exportctl.provisions.mofcom_2025_061.origin_rule_test

import data.exportctl.provisions.mofcom_2025_061.origin_rule

_tx(item) := {
	"date": "2025-10-20",
	"transferor": {"name": "T", "country": "JP"},
	"destination": "VN",
	"items": [object.union({"id": "1", "origin": "CN"}, item)],
}

test_cases[note] if {
	some note, tc in {
		"Part I oxide": {"item": {"control_code": "1C904.b"}, "want": {["license_required", "part_1"]}},
		"Part II magnet": {"item": {"material": {"elements": ["Sm", "Co"], "form": "magnet"}}, "want": {["license_required", "part_2"]}},
		"not Annex 1": {"item": {"material": {"elements": ["Ce", "O"], "form": "oxide"}}, "want": set()},
		"made elsewhere": {"item": {"origin": "JP", "control_code": "1C904.b"}, "want": set()},
		"unclassifiable": {"item": {}, "want": {["insufficient_information", ""]}},
	}
	fs := origin_rule.findings with input as _tx(tc.item)
	{[f.outcome, object.get(f.facts, "annex_1_part", "")] | some f in fs} == tc.want
}

test_possible_chinese_assembly_needs_its_lines if {
	item := {"control_code": "not_listed", "bom": [{"id": "1.1", "origin": "CN"}]}
	some f in origin_rule.findings with input as _tx(item)
	f.outcome == "insufficient_information"
	f.missing[0].field == "bom[1.1].control_code"
}

package exportctl.provisions.mofcom_2025_061.technology_rule_test

import data.exportctl.provisions.mofcom_2025_061.technology_rule

_tx(item) := {
	"date": "2026-12-15",
	"transferor": {"name": "T", "country": "VN"},
	"destination": "FR",
	"items": [object.union({"id": "1", "origin": "VN", "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}, item)],
}

test_cases[note] if {
	some note, tc in {
		"Chinese technology used": {"item": {"produced_with_cn_technologies": ["magnet_manufacturing"]}, "want": {["license_required", ""]}},
		"none used": {"item": {"produced_with_cn_technologies": []}, "want": set()},
		"unknown": {"item": {}, "want": {["insufficient_information", "produced_with_cn_technologies"]}},
		"not an Annex 1 item": {"item": {"material": {"elements": ["Fe"], "form": "other"}, "produced_with_cn_technologies": ["mining"]}, "want": set()},
		"unclassifiable item": {"item": {"material": null, "produced_with_cn_technologies": []}, "want": {["insufficient_information", "control_code"]}},
		"made in China": {"item": {"origin": "CN", "produced_with_cn_technologies": ["mining"]}, "want": set()},
	}
	fs := technology_rule.findings with input as _tx(object.filter(object.union(tc.item, {}), [k | some k, v in tc.item; v != null]))
		with input.items as [object.remove(object.union(_tx({}).items[0], tc.item), [k | some k, v in tc.item; v == null])]
	{[f.outcome, object.get(object.get(f, "missing", [{}])[0], "field", "")] | some f in fs} == tc.want
}

test_technologies_fact if {
	some f in technology_rule.findings with input as _tx({"produced_with_cn_technologies": ["recycling", "mining"]})
	f.facts.technologies == ["mining", "recycling"]
	f.facts.control_code == "1C904.a.4"
}

_motor(extra) := object.union(
	{
		"control_code": "not_listed",
		"material": null,
		"bom": [{"id": "1.1", "origin": "KR", "bom": [{"id": "1.1.1", "origin": "CN", "material": {"elements": ["Dy"], "form": "metal"}}]}],
	},
	extra,
)

test_possible_assembly[note] if {
	some note, tc in {
		"technology undeclared": {"item": {}, "fields": {"bom[1.1].control_code", "produced_with_cn_technologies"}},
		"Chinese technology declared": {"item": {"produced_with_cn_technologies": ["magnet_manufacturing"]}, "fields": {"bom[1.1].control_code"}},
		"none declared": {"item": {"produced_with_cn_technologies": []}, "fields": set()},
	}
	item := object.remove(object.union(_tx({}).items[0], _motor(tc.item)), ["material"])
	fs := technology_rule.findings with input.items as [item]
		with input.date as "2026-12-15"
		with input.transferor as {"name": "T", "country": "VN"}
		with input.destination as "FR"
	{m.field | some f in fs; some m in f.missing} == tc.fields
}

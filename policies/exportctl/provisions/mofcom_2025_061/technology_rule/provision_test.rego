package exportctl.provisions.mofcom_2025_061.technology_rule_test

import data.exportctl.provisions.mofcom_2025_061.technology_rule
import data.exportctl.testing

_id := "mofcom_2025_061/technology_rule"

# A Tb-NdFeB magnet made in Viet Nam, sent to France.
_base := testing.transaction_from(
	testing.overseas,
	{"date": "2026-12-15", "transferor": {"country": "VN"}, "destination": "FR"},
	{"origin": "VN", "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}},
)

# The base transaction with `patch` merged into its item; a key patched to null is removed.
_transfer(patch) := object.union(_base, {"items": [object.remove(
	object.union(_base.items[0], patch),
	[k | some k, v in patch; v == null],
)]})

test_cases[note] if {
	some note, tc in {
		"Chinese technology used": {"item": {"produced_with_cn_technologies": ["magnet_manufacturing"]}, "want": {testing.finding(
			_id, "1", "license_required",
			{"control_code": "1C904.a.4", "technologies": ["magnet_manufacturing"]},
		)}},
		"none used": {"item": {"produced_with_cn_technologies": []}, "want": set()},
		"unknown": {"item": {}, "want": {testing.needs(_id, "1", [{
			"field": "produced_with_cn_technologies",
			"why": "an Annex 1 item made abroad needs a licence if Chinese-origin rare-earth technology was used anywhere in producing it: declare the technologies used, or [] for none",
		}])}},
		"not an Annex 1 item": {"item": {"material": {"elements": ["Fe"], "form": "other"}, "produced_with_cn_technologies": ["mining"]}, "want": set()},
		"unclassifiable item": {"item": {"material": null, "produced_with_cn_technologies": []}, "want": {testing.needs(_id, "1", [{
			"field": "control_code",
			"why": "the item cannot be classified, so it may be an Annex 1 item: give its control_code or material",
		}])}},
		"made in China": {"item": {"origin": "CN", "produced_with_cn_technologies": ["mining"]}, "want": set()},
	}
	testing.results(technology_rule.findings) == tc.want with input as _transfer(tc.item)
}

test_technologies_fact if {
	testing.results(technology_rule.findings) == {testing.finding(
		_id, "1", "license_required",
		{"control_code": "1C904.a.4", "technologies": ["mining", "recycling"]},
	)} with input as _transfer({"produced_with_cn_technologies": ["recycling", "mining"]})
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
	fs := technology_rule.findings with input as _transfer(_motor(tc.item))
	{m.field | some f in fs; some m in f.missing} == tc.fields
}

package exportctl.provisions.mofcom_2025_061.content_rule_test

import data.exportctl.provisions.mofcom_2025_061.content_rule
import data.exportctl.testing

_magnet := {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}

_id := "mofcom_2025_061/content_rule"

_transfer(transferor, destination, item) := testing.transaction_from(
	testing.overseas,
	{"date": "2026-12-15", "transferor": {"country": transferor}, "destination": destination},
	object.union({"id": "A", "origin": "KR", "value": {"amount": 1000, "currency": "USD"}}, item),
)

_basis := "sum of the Chinese-origin Part I lines of the bill of materials, at their declared values converted with the transaction's fx_rates, over the transferred item's own declared value"

_de_minimis(value, ratio) := {
	"basis": _basis, "cn_content_value": value, "currency": "USD", "item_value": 1000,
	"lines": ["A.1"], "ratio": ratio, "remove_more_than": 0, "threshold": 0.001,
}

_bom(amount) := [{"id": "A.1", "origin": "CN", "material": {"elements": ["Dy"], "form": "metal"}, "value": {"amount": amount, "currency": "USD"}}]

test_fires_at_threshold if {
	testing.results(content_rule.findings) == {testing.finding(
		_id, "A", "license_required",
		object.union(_de_minimis(1, 0.001), {"control_code": "1C905.a.4"}),
	)} with input as _transfer("KR", "US", {"material": _magnet, "bom": _bom(1)})
}

test_silent[note] if {
	some note, tc in {
		"below threshold": {"t": "KR", "d": "US", "item": {"material": _magnet, "bom": _bom(0.5)}},
		"to China": {"t": "KR", "d": "CN", "item": {"material": _magnet, "bom": _bom(5)}},
		"from China": {"t": "CN", "d": "US", "item": {"material": _magnet, "bom": _bom(5)}},
		"made in China": {"t": "KR", "d": "US", "item": {"origin": "CN", "material": _magnet, "bom": _bom(5)}},
		"not Part II": {"t": "KR", "d": "US", "item": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}, "bom": _bom(5)}},
	}
	count(content_rule.findings) == 0 with input as _transfer(tc.t, tc.d, tc.item)
}

test_report_even_below_threshold if {
	content_rule.item_reports == {"A": {"de_minimis": _de_minimis(0.5, 0.0005)}} with input as _transfer("KR", "US", {"material": _magnet, "bom": _bom(0.5)})
}

_no_bom := {
	"field": "bom",
	"why": "a bill of materials is needed to tell whether the item contains a Sm-Co, Tb- or Dy-NdFeB magnet (Annex 1 Part II) and how much Chinese-origin Part I content it holds",
}

test_missing[note] if {
	some note, tc in {
		"no bom": {"item": {"material": _magnet}, "missing": _no_bom},
		"unclassifiable item": {"item": {}, "missing": {
			"field": "control_code",
			"why": "the item cannot be classified, so it may be an Annex 1 Part II item: give its control_code, material or bill of materials",
		}},
		"an item declared by code alone may be an assembly": {"item": {"control_code": "not_listed"}, "missing": _no_bom},
	}
	testing.results(content_rule.findings) == {testing.needs(_id, "A", [tc.missing])} with input as _transfer("KR", "US", tc.item)
}

test_unclassified_line_could_make_an_assembly if {
	item := {
		"control_code": "not_listed",
		"bom": [{"id": "A.1", "origin": "KR", "bom": _bom(1)}],
	}
	some f in content_rule.findings with input as _transfer("KR", "US", item)
	f.outcome == "insufficient_information"
	f.missing[0].field == "bom[A.1].control_code"
	below := object.union(item, {"bom": [{"id": "A.1", "origin": "KR", "bom": _bom(0.5)}]})
	some g in content_rule.findings with input as _transfer("KR", "US", below)
	"bom[A.1].control_code" in {m.field | some m in g.missing}
}

test_unknown_chinese_line_matters_only_below_threshold if {
	paste := {"id": "A.2", "origin": "CN", "value": {"amount": 20, "currency": "USD"}, "bom": _bom(0.5)}
	below := {"material": _magnet, "bom": [paste]}
	some f in content_rule.findings with input as _transfer("KR", "US", below)
	f.outcome == "insufficient_information"
	f.missing[0].field == "bom[A.2].control_code"
	above := {"material": _magnet, "bom": [object.union(paste, {"bom": _bom(1.5)})]}
	{f.outcome | some f in content_rule.findings} == {"license_required"} with input as _transfer("KR", "US", above)
}

test_the_valuation_basis_is_warned_when_the_rule_fires if {
	ws := {w.message | some w in content_rule.warnings with input as _transfer("KR", "US", {"material": _magnet, "bom": _bom(1)})}
	some w in ws
	contains(w, "was computed as the sum of the Chinese-origin Part I lines")
	count(content_rule.warnings) == 0 with input as _transfer("KR", "US", {"material": _magnet, "bom": _bom(0.5)})
}

test_the_wider_reading_of_part_2_targets_is_warned if {
	target := {"material": {"elements": ["Tb"], "form": "target"}, "bom": [{"id": "A.1", "origin": "CN", "material": {"elements": ["Tb"], "form": "metal"}, "value": {"amount": 2, "currency": "USD"}}]}
	ws := [w.message | some w in content_rule.warnings with input as _transfer("KR", "US", target)]
	some w in ws
	contains(w, "is a Part II item only on the cautious reading")
	below := json.patch(target, [{"op": "replace", "path": "/bom/0/value/amount", "value": 0.1}])
	count(content_rule.warnings) == 0 with input as _transfer("KR", "US", below)
}

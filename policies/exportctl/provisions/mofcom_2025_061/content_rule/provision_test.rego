package exportctl.provisions.mofcom_2025_061.content_rule_test

import data.exportctl.provisions.mofcom_2025_061.content_rule

_magnet := {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}

_tx(transferor, destination, item) := {
	"date": "2026-12-15",
	"transferor": {"name": "T", "country": transferor},
	"destination": destination,
	"items": [object.union({"id": "A", "origin": "KR", "value": {"amount": 1000, "currency": "USD"}}, item)],
}

_bom(amount) := [{"id": "A.1", "origin": "CN", "material": {"elements": ["Dy"], "form": "metal"}, "value": {"amount": amount, "currency": "USD"}}]

test_fires_at_threshold if {
	fs := content_rule.findings with input as _tx("KR", "US", {"material": _magnet, "bom": _bom(1)})
	some f in fs
	f.outcome == "license_required"
	f.facts.ratio == 0.001
	f.facts.lines == ["A.1"]
	f.facts.control_code == "1C905.a.4"
	not f.facts.reaches_threshold
}

test_silent[note] if {
	some note, tc in {
		"below threshold": {"t": "KR", "d": "US", "item": {"material": _magnet, "bom": _bom(0.5)}},
		"to China": {"t": "KR", "d": "CN", "item": {"material": _magnet, "bom": _bom(5)}},
		"from China": {"t": "CN", "d": "US", "item": {"material": _magnet, "bom": _bom(5)}},
		"made in China": {"t": "KR", "d": "US", "item": {"origin": "CN", "material": _magnet, "bom": _bom(5)}},
		"not Part II": {"t": "KR", "d": "US", "item": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}, "bom": _bom(5)}},
	}
	count(content_rule.findings) == 0 with input as _tx(tc.t, tc.d, tc.item)
}

test_report_even_below_threshold if {
	r := content_rule.item_reports.A with input as _tx("KR", "US", {"material": _magnet, "bom": _bom(0.5)})
	r.de_minimis.ratio == 0.0005
	not r.de_minimis.reaches_threshold
}

test_missing[note] if {
	some note, tc in {
		"no bom": {"item": {"material": _magnet}, "field": "bom"},
		"unclassifiable item": {"item": {}, "field": "control_code"},
	}
	some f in content_rule.findings with input as _tx("KR", "US", tc.item)
	f.outcome == "insufficient_information"
	tc.field in {m.field | some m in f.missing}
}

test_unclassified_line_could_make_an_assembly if {
	item := {
		"control_code": "not_listed",
		"bom": [{"id": "A.1", "origin": "KR", "bom": _bom(1)}],
	}
	some f in content_rule.findings with input as _tx("KR", "US", item)
	f.outcome == "insufficient_information"
	f.missing[0].field == "bom[A.1].control_code"
	below := object.union(item, {"bom": [{"id": "A.1", "origin": "KR", "bom": _bom(0.5)}]})
	some g in content_rule.findings with input as _tx("KR", "US", below)
	"bom[A.1].control_code" in {m.field | some m in g.missing}
}

test_an_item_declared_by_code_alone_may_be_an_assembly if {
	[f] := [f | some f in content_rule.findings with input as _tx("KR", "US", {"control_code": "not_listed"})]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["bom"]
}

test_unknown_chinese_line_matters_only_below_threshold if {
	paste := {"id": "A.2", "origin": "CN", "value": {"amount": 20, "currency": "USD"}, "bom": _bom(0.5)}
	below := {"material": _magnet, "bom": [paste]}
	some f in content_rule.findings with input as _tx("KR", "US", below)
	f.outcome == "insufficient_information"
	f.missing[0].field == "bom[A.2].control_code"
	above := {"material": _magnet, "bom": [object.union(paste, {"bom": _bom(1.5)})]}
	{f.outcome | some f in content_rule.findings} == {"license_required"} with input as _tx("KR", "US", above)
}

test_the_valuation_basis_is_warned_when_the_rule_fires if {
	ws := {w.message | some w in content_rule.warnings with input as _tx("KR", "US", {"material": _magnet, "bom": _bom(1)})}
	some w in ws
	contains(w, "was computed as the sum of the Chinese-origin Part I lines")
	count(content_rule.warnings) == 0 with input as _tx("KR", "US", {"material": _magnet, "bom": _bom(0.5)})
}

test_the_wider_reading_of_part_2_targets_is_warned if {
	target := {"material": {"elements": ["Tb"], "form": "target"}, "bom": [{"id": "A.1", "origin": "CN", "material": {"elements": ["Tb"], "form": "metal"}, "value": {"amount": 2, "currency": "USD"}}]}
	ws := [w.message | some w in content_rule.warnings with input as _tx("KR", "US", target)]
	some w in ws
	contains(w, "is a Part II item only on the cautious reading")
	below := json.patch(target, [{"op": "replace", "path": "/bom/0/value/amount", "value": 0.1}])
	count(content_rule.warnings) == 0 with input as _tx("KR", "US", below)
}

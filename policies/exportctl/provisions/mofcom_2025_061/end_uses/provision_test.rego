package exportctl.provisions.mofcom_2025_061.end_uses_test

import data.exportctl.provisions.mofcom_2025_061.end_uses

_tx(categories) := {
	"date": "2025-10-20",
	"transferor": {"name": "T", "country": "JP"},
	"destination": "VN",
	"end_use": {"categories": categories},
	"items": [{"id": "1", "origin": "CN", "control_code": "1C904.b"}],
}

test_denied_end_uses[category] if {
	some category in ["wmd", "terrorism", "military"]
	some f in end_uses.findings with input as _tx(["civil", category])
	f.facts.end_uses == [category]
}

test_other_end_uses if {
	count(end_uses.findings) == 0 with input as _tx(["civil", "logic_chips_14nm_or_below"])
}

test_asks_for_the_end_use[note] if {
	some note, tx in {
		"absent": object.remove(_tx([]), ["end_use"]),
		"empty": _tx([]),
	}
	[f] := [f | some f in end_uses.findings with input as tx]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["end_use.categories"]
	f.requires_any == ["mofcom_2025_061/origin_rule"]
}

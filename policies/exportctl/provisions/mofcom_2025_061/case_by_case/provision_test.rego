package exportctl.provisions.mofcom_2025_061.case_by_case_test

import data.exportctl.provisions.mofcom_2025_061.case_by_case

_tx(categories) := {
	"date": "2025-10-20",
	"transferor": {"name": "T", "country": "JP"},
	"destination": "VN",
	"end_use": {"categories": categories},
	"items": [{"id": "1", "origin": "CN", "control_code": "1C904.b"}],
}

test_case_by_case_end_uses[category] if {
	some category in ["logic_chips_14nm_or_below", "memory_chips_256_layers_or_more", "semiconductor_equipment_advanced", "military_ai"]
	some f in case_by_case.findings with input as _tx([category])
	f.facts.end_uses == [category]
}

test_other_end_uses if {
	count(case_by_case.findings) == 0 with input as _tx(["civil", "military"])
}

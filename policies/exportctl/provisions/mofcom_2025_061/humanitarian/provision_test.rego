package exportctl.provisions.mofcom_2025_061.humanitarian_test

import data.exportctl.provisions.mofcom_2025_061.humanitarian

_tx(categories) := {
	"date": "2025-10-20",
	"transferor": {"name": "T", "country": "JP"},
	"destination": "VN",
	"end_use": {"categories": categories},
	"items": [{"id": "1", "origin": "CN", "control_code": "1C904.b"}],
}

test_exempt[note] if {
	some note, categories in {"medical": ["emergency_medical"], "relief and health": ["disaster_relief", "public_health_emergency"]}
	some f in humanitarian.findings with input as _tx(categories)
	f.outcome == "exempt"
	f.facts.exempts == "mofcom_2025_061"
}

test_not_exempt[note] if {
	some note, categories in {"mixed with military": ["disaster_relief", "military"], "civil": ["civil"], "none": []}
	count(humanitarian.findings) == 0 with input as _tx(categories)
}

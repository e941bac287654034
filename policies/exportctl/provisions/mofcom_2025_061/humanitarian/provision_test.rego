package exportctl.provisions.mofcom_2025_061.humanitarian_test

import data.exportctl.provisions.mofcom_2025_061.humanitarian
import data.exportctl.testing

_with_end_uses(categories) := testing.transaction_from(testing.overseas, {"date": "2025-10-20", "end_use": {"categories": categories}}, {"control_code": "1C904.b"})

test_exempt[note] if {
	some note, categories in {"medical": ["emergency_medical"], "relief and health": ["disaster_relief", "public_health_emergency"]}
	testing.results(humanitarian.findings) == {testing.qualifying(
		testing.finding("mofcom_2025_061/humanitarian", "1", "exempt", {"end_uses": categories, "exempts": "mofcom_2025_061"}),
		["mofcom_2025_061/origin_rule"],
	)} with input as _with_end_uses(categories)
}

test_not_exempt[note] if {
	some note, categories in {"mixed with military": ["disaster_relief", "military"], "civil": ["civil"], "none": []}
	count(humanitarian.findings) == 0 with input as _with_end_uses(categories)
}

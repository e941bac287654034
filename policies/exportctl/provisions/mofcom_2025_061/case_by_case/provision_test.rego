package exportctl.provisions.mofcom_2025_061.case_by_case_test

import data.exportctl.provisions.mofcom_2025_061.case_by_case
import data.exportctl.testing

_with_end_uses(categories) := testing.transaction_from(testing.overseas, {"date": "2025-10-20", "end_use": {"categories": categories}}, {"control_code": "1C904.b"})

test_case_by_case_end_uses[category] if {
	some category in ["logic_chips_14nm_or_below", "memory_chips_256_layers_or_more", "semiconductor_equipment_advanced", "military_ai"]
	testing.results(case_by_case.findings) == {testing.qualifying(
		testing.finding("mofcom_2025_061/case_by_case", "1", "license_required", {"control_code": "1C904.b", "end_uses": [category]}),
		["mofcom_2025_061/origin_rule"],
	)} with input as _with_end_uses(["civil", category])
}

test_other_end_uses if {
	count(case_by_case.findings) == 0 with input as _with_end_uses(["civil", "military"])
}

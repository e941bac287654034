package exportctl.provisions.mofcom_2025_061.end_uses_test

import data.exportctl.provisions.mofcom_2025_061.end_uses
import data.exportctl.testing

_id := "mofcom_2025_061/end_uses"

_with_end_uses(categories) := testing.transaction_from(testing.overseas, {"date": "2025-10-20", "end_use": {"categories": categories}}, {"control_code": "1C904.b"})

test_denied_end_uses[category] if {
	some category in ["wmd", "terrorism", "military"]
	testing.results(end_uses.findings) == {testing.qualifying(
		testing.finding(_id, "1", "license_required", {"control_code": "1C904.b", "end_uses": [category]}),
		["mofcom_2025_061/origin_rule"],
	)} with input as _with_end_uses(["civil", category])
}

test_other_end_uses if {
	count(end_uses.findings) == 0 with input as _with_end_uses(["civil", "logic_chips_14nm_or_below"])
}

test_asks_for_the_end_use[note] if {
	some note, tx in {
		"absent": object.remove(_with_end_uses([]), ["end_use"]),
		"empty": _with_end_uses([]),
	}
	testing.results(end_uses.findings) == {testing.qualifying(
		testing.needs(_id, "1", [{
			"field": "end_use.categories",
			"why": "No. 61 licences for WMD, terrorist or military end uses are denied in principle and advanced-chip uses are reviewed case by case: declare the end use",
		}]),
		["mofcom_2025_061/origin_rule"],
	)} with input as tx
}

package exportctl.lib.no61_test

import data.exportctl.lib.no61
import data.exportctl.testing

# A Chinese-origin Annex 1 item re-exported from Japan.
_reexport(date, destination) := testing.transaction_from(testing.overseas, {"date": date, "destination": destination}, {"control_code": "1C904.b"})

test_required_whatever_the_date[date] if {
	some date in ["2025-10-08", "2025-10-09", "2025-11-07", "2026-11-11"]
	no61.required == {"1": {"requires": ["mofcom_2025_061/origin_rule"], "facts": {"control_code": "1C904.b"}}} with input as _reexport(date, "VN")
}

test_transfers_to_china_are_outside if {
	no61.required == {} with input as _reexport("2025-10-20", "CN")
}

test_each_requirement_names_its_clause if {
	tx := {
		"date": "2026-12-01",
		"transferor": {"name": "T", "country": "KR"},
		"destination": "VN",
		"items": [
			{"id": "made-with-cn-technology", "origin": "KR", "control_code": "1C904.b", "produced_with_cn_technologies": ["magnet_manufacturing"]},
			{"id": "cn-origin", "origin": "CN", "control_code": "1C902.a.4"},
		],
	}
	no61.required == {
		"made-with-cn-technology": {"requires": ["mofcom_2025_061/technology_rule"], "facts": {"control_code": "1C904.b"}},
		"cn-origin": {"requires": ["mofcom_2025_061/origin_rule"], "facts": {"control_code": "1C902.a.4"}},
	} with input as tx
	no61.requirement_in_force with input as tx
}

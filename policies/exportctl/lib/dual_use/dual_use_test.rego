package exportctl.lib.dual_use_test

import data.exportctl.lib.dual_use

test_dual_use[note] if {
	some note, tc in {
		"listed by material": {"thing": {"material": {"elements": ["Tb", "O"], "form": "oxide"}}, "want": "yes"},
		"any control code": {"thing": {"control_code": "3A001"}, "want": "yes"},
		"listed element": {"thing": {"material": {"elements": ["Ga"], "form": "metal"}}, "want": "yes"},
		"declared not listed": {"thing": {"control_code": "not_listed", "material": {"elements": ["Ga"], "form": "metal"}}, "want": "no"},
		"nothing known": {"thing": {}, "want": "undetermined"},
		"unlisted material": {"thing": {"material": {"elements": ["Fe"], "form": "other"}}, "want": "undetermined"},
	}
	_answer(tc.thing) == tc.want
}

_answer(thing) := "yes" if {
	dual_use.item(thing, {"Ga"})
} else := "undetermined" if {
	dual_use.undetermined(thing, {"Ga"})
} else := "no"

test_reaches[note] if {
	some note, tc in {
		"exporter in China": {"country": "CN", "record": {}, "origin": "KR", "want": true},
		"overseas, bound, Chinese origin": {"country": "SG", "record": {"binds_overseas_transferors": true}, "origin": "CN", "want": true},
		"overseas, not bound": {"country": "SG", "record": {}, "origin": "CN", "want": false},
		"overseas, bound, other origin": {"country": "SG", "record": {"binds_overseas_transferors": true}, "origin": "KR", "want": false},
	}
	reached := count({1 | dual_use.reaches(tc.record, {"origin": tc.origin})}) == 1 with input.transferor.country as tc.country
	reached == tc.want
}

test_elements_from_records if {
	dual_use.elements({"dual_use_elements_from": ["mofcom_gac_2023_023/items_licence"]}) == {"Ga", "Ge"}
	dual_use.elements({}) == set()
}

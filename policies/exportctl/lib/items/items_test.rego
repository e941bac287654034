package exportctl.lib.items_test

import data.exportctl.lib.items

test_classification[note] if {
	some note, tc in {
		"code at group depth": {"thing": {"control_code": "1C904"}, "status": "listed", "codes": {"1C904"}},
		"code at finest depth": {"thing": {"control_code": "1C902.a.4"}, "status": "listed", "codes": {"1C902.a.4"}},
		"code outside the rare-earth groups": {"thing": {"control_code": "3A001"}, "status": "not_listed", "codes": {"3A001"}},
		"declared not listed": {"thing": {"control_code": "not_listed", "material": {"elements": ["Tb"], "form": "metal"}}, "status": "not_listed", "codes": set()},
		"Tb NdFeB magnet": {"thing": {"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}, "status": "listed", "codes": {"1C904.a.4"}},
		"Sm-Co magnet": {"thing": {"material": {"elements": ["Sm", "Co"], "form": "magnet"}}, "status": "listed", "codes": {"1C902.a.4"}},
		"Tb oxide": {"thing": {"material": {"elements": ["Tb", "O"], "form": "oxide"}}, "status": "listed", "codes": {"1C904.b"}},
		"Y compound": {"thing": {"material": {"elements": ["Y", "Cl"], "form": "compound"}}, "status": "listed", "codes": {"1C908.c"}},
		"Sm-Co alloy": {"thing": {"material": {"elements": ["Sm", "Co"], "form": "alloy"}}, "status": "listed", "codes": {"1C902.a.2.a"}},
		"plain NdFeB magnet": {"thing": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}}, "status": "not_listed", "codes": set()},
		"Gd magnet is not a listed combination": {"thing": {"material": {"elements": ["Gd", "Fe"], "form": "magnet"}}, "status": "unknown", "codes": set()},
		"Sm-Zr alloy is not listed by name": {"thing": {"material": {"elements": ["Sm", "Zr"], "form": "alloy"}}, "status": "unknown", "codes": set()},
		"nothing known": {"thing": {"hs_code": "8505111000"}, "status": "unknown", "codes": set()},
	}
	cls := items.classification(tc.thing)
	cls.status == tc.status
	cls.codes == tc.codes
}

test_groups_follow_codes if {
	items.classification({"material": {"elements": ["Nd", "Fe", "B", "Dy", "Tb"], "form": "magnet"}}).groups == {"1C904", "1C905"}
}

test_goods_is_the_default_kind if {
	items.goods({})
	items.goods({"kind": "goods"})
	not items.goods({"kind": "technology"})
}

test_hs_matches if {
	"1C904.a.1" in items.hs_matches({"hs_code": "2805301300"})
	count(items.hs_matches({"hs_code": "0000000000"})) == 0
}

test_most_specific_entry_wins[note] if {
	some note, tc in {
		"Tb-Dy-Fe alloy": {"material": {"elements": ["Tb", "Dy", "Fe"], "form": "alloy"}, "codes": {"1C905.a.2.b"}},
		"Y-Zr target": {"material": {"elements": ["Y", "Zr"], "form": "target"}, "codes": {"1C908.a.3.c"}},
		"Sm-Co target": {"material": {"elements": ["Sm", "Co"], "form": "target"}, "codes": {"1C902.a.3.b"}},
	}
	items.classification({"material": tc.material}).codes == tc.codes
}

test_code_fact if {
	items.code_fact({"material": {"elements": ["Tb", "O"], "form": "oxide"}}) == {"control_code": "1C904.b"}
	items.code_fact({"control_code": "not_listed"}) == {}
}

test_groups_by_element_is_the_groups_index if {
	index := {element: {g | some g in groups} | some element, groups in data.exportctl.catalogue.groups_by_element}
	index == {element: {g | some g, group in data.exportctl.catalogue.groups; group.element == element} |
		some group in data.exportctl.catalogue.groups
		element := group.element
	}
}

package exportctl.provisions.mofcom_gac_2025_057.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_057.items_licence
import data.exportctl.testing

_ho_metal := {"material": {"elements": ["Ho"], "form": "metal"}}

_eu_phosphor := {"category": "phosphor", "material": {"elements": ["Y", "Eu", "O"], "form": "oxide"}}

_id := "mofcom_gac_2025_057/items_licence"

_base := testing.transaction(
	{"date": "2026-12-01", "parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": false}], "end_use": {"categories": ["civil"]}},
	{},
)

# The licence requirement for item 1, classified under `code` from its `basis` (material, category or control_code).
_licence(code, basis) := testing.finding(_id, "1", "license_required", {
	"classified_from": basis, "control_code": code, "control_codes": [code],
	"destination": "DE", "transferor_country": "CN",
})

test_fires[note] if {
	some note, tc in {
		"Ho metal": {"item": _ho_metal, "code": "1C909.a.1", "from": "material"},
		"Ho-bearing NdFeB magnet": {"item": {"material": {"elements": ["Nd", "Fe", "B", "Ho"], "form": "magnet"}}, "code": "1C909.a.4.a", "from": "material"},
		"Mg-Ho alloy": {"item": {"material": {"elements": ["Mg", "Ho"], "form": "alloy"}}, "code": "1C909.a.2.b", "from": "material"},
		"Er-Al alloy": {"item": {"material": {"elements": ["Er", "Al"], "form": "alloy"}}, "code": "1C910.a.2", "from": "material"},
		"Tm target": {"item": {"material": {"elements": ["Tm"], "form": "target"}}, "code": "1C911.a.3", "from": "material"},
		"Eu oxide": {"item": {"material": {"elements": ["Eu", "O"], "form": "oxide"}}, "code": "1C912.b", "from": "material"},
		"Yb compound": {"item": {"material": {"elements": ["Yb", "F"], "form": "compound"}}, "code": "1C913.c", "from": "material"},
		"Eu phosphor by category (FAQ No. 5 does not apply)": {"item": _eu_phosphor, "code": "1C912.a.4.a", "from": "category"},
		"Eu phosphor, form other": {"item": {"category": "phosphor", "material": {"elements": ["Eu", "Sr", "Al", "O"], "form": "other"}}, "code": "1C912.a.4.a", "from": "category"},
		"Tm luminescent material by category": {"item": {"category": "phosphor", "material": {"elements": ["Tm", "Y", "O"], "form": "oxide"}}, "code": "1C911.a.4.b", "from": "category"},
		"given code at any depth": {"item": {"control_code": "1C912"}, "code": "1C912", "from": "control_code"},
		"given code wins over a category": {"item": object.union(_eu_phosphor, {"control_code": "1C912.b"}), "code": "1C912.b", "from": "control_code"},
	}
	testing.results(items_licence.findings) == {_licence(tc.code, tc.from)} with input as testing.transaction_from(_base, {}, tc.item)
}

test_does_not_fire[note] if {
	some note, tc in {
		"Tb phosphor (no No. 57 element)": {"patch": {}, "item": {"category": "phosphor", "material": {"elements": ["La", "Ce", "Tb", "P", "O"], "form": "compound"}}},
		"No. 18 element": {"patch": {}, "item": {"material": {"elements": ["Dy"], "form": "metal"}}},
		"Dy in form other is No. 18's question": {"patch": {}, "item": {"material": {"elements": ["Dy"], "form": "other"}}},
		"Yb-Lu alloy is 1C906.a.2": {"patch": {}, "item": {"material": {"elements": ["Yb", "Lu"], "form": "alloy"}}},
		"declared not listed": {"patch": {}, "item": object.union(_eu_phosphor, {"control_code": "not_listed"})},
		"code of another group": {"patch": {}, "item": {"control_code": "1C904.b"}},
		"nothing known (No. 18 asks)": {"patch": {}, "item": {}},
		"technology": {"patch": {}, "item": object.union(_ho_metal, {"kind": "technology"})},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": _ho_metal},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "JP"}}, "item": _ho_metal},
	}
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

_unclassified(material) := sprintf("the declared material (%s) contains %s but matches no entry of 1C909, 1C910, 1C911, 1C912, 1C913: give the control-list classification (control_code, or not_listed)", material)

test_needs_classification[note] if {
	some note, tc in {
		"Ho in form other": {"item": {"material": {"elements": ["Ho", "Y", "Al", "O"], "form": "other"}}, "why": _unclassified(["Ho-Y-Al-O, form other", "Ho"])},
		"Er without a form": {"item": {"material": {"elements": ["Er", "Si", "O"]}}, "why": _unclassified(["Er-Si-O, form not given", "Er"])},
		"phosphor without material": {"item": {"category": "phosphor"}, "why": "category phosphor names listed entries 1C911.a.4.b, 1C912.a.4.a when the item bears their element, and no material is declared: give the control-list classification (control_code, or not_listed) or the material"},
	}
	testing.results(items_licence.findings) == {testing.needs(_id, "1", [{"field": "control_code", "why": tc.why}])} with input as testing.transaction_from(_base, {}, tc.item)
}

# No. 70 suspends the clause from 2025-11-07, the day before it takes effect, through 2026-11-10.
_before := testing.not_applied_entry(_id, "1", "2026-11-11", "not yet in force: mofcom_gac_2025_057/items_licence applies from 2025-11-08")

_suspended := testing.not_applied_entry(_id, "1", "2026-11-11", "suspended by MOFCOM/GAC Announcement No. 70 of 2025 from 2025-11-07 through 2026-11-10")

_before_and_suspended := testing.not_applied_entry(_id, "1", "2026-11-11", "not yet in force: mofcom_gac_2025_057/items_licence applies from 2025-11-08; suspended by MOFCOM/GAC Announcement No. 70 of 2025 from 2025-11-07 through 2026-11-10")

test_date_boundaries[date] if {
	some date, want in {
		"2025-11-06": {"outcome": "not_required", "reasons": set(), "not_applied": {_before}},
		"2025-11-07": {"outcome": "not_required", "reasons": set(), "not_applied": {_before_and_suspended}},
		"2025-11-08": {"outcome": "not_required", "reasons": set(), "not_applied": {_suspended}},
		"2026-11-10": {"outcome": "not_required", "reasons": set(), "not_applied": {_suspended}},
		"2026-11-11": {"outcome": "license_required", "reasons": {_licence("1C909.a.1", "material")}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _ho_metal)
	d.outcome == want.outcome
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #7: Eu-doped phosphor powder during the suspension.
test_case_7_eu_phosphor_suspended if {
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2026-05-01"}, _eu_phosphor)
	d.outcome == "not_required"
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {_suspended}
}

# legal-facts §10 #8: the same after the No. 70 window, applied again with a warning (config).
test_case_8_eu_phosphor_after_the_window if {
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2026-11-20"}, _eu_phosphor)
	d.outcome == "license_required"
	testing.reasons(d, _id) == {_licence("1C912.a.4.a", "category")}
	"MOFCOM/GAC Announcement No. 57 of 2025, Item list (1C909-1C913) and the licensing paragraph: suspended by MOFCOM/GAC Announcement No. 70 of 2025 through 2026-11-10; no later record extends or ends that suspension, so its status after that day is unconfirmed (last confirmed on 2026-11-10) and it is applied again from 2026-11-11" in d.warnings
}

# legal-facts §10 #9: Ho metal before No. 57's date.
test_case_9_ho_metal_not_yet_in_force if {
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2025-11-01"}, _ho_metal)
	d.outcome == "not_required"
	testing.not_applied(d, _id) == {_before}
}

test_without_the_suspension_record_it_applies_from_its_date if {
	instruments := object.remove(data.exportctl.instruments, ["mofcom_gac_2025_070"])
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2025-11-08"}, _ho_metal) with data.exportctl.instruments as instruments with data.exportctl.derived as {}
	testing.reasons(d, _id) == {_licence("1C909.a.1", "material")}
}

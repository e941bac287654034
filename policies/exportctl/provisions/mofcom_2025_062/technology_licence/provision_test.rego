package exportctl.provisions.mofcom_2025_062.technology_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_2025_062.technology_licence
import data.exportctl.testing

_sintering := {"kind": "technology", "control_code": "1E902.a", "technology_areas": ["magnet_manufacturing"]}

_mx_plant := {"role": "end_user", "name": "Ejemplo Imanes SA", "country": "MX"}

_id := "mofcom_2025_062/technology_licence"

_base := testing.transaction({"date": "2025-10-15", "transferor": {"name": "Engineer"}, "destination": "MX", "parties": [_mx_plant]}, {})

_licence(code, destination) := testing.finding(_id, "1", "license_required", {"control_code": code, "destination": destination, "transferor_country": "CN"})

_foreign_in_china := {"destination": "CN", "parties": [{"role": "end_user", "name": "Example JV", "country": "CN"}, {"role": "service_provider", "name": "Consultant GmbH", "country": "DE"}]}

_domestic := {"destination": "CN", "parties": [{"role": "end_user", "name": "Example Co.", "country": "CN"}]}

test_fires[note] if {
	some note, tc in {
		"1E902.a to Mexico": {"patch": {}, "item": _sintering, "want": _licence("1E902.a", "MX")},
		"1E902.b": {"patch": {}, "item": {"kind": "technology", "control_code": "1E902.b"}, "want": _licence("1E902.b", "MX")},
		"heading only": {"patch": {}, "item": {"kind": "technology", "control_code": "1E902"}, "want": _licence("1E902", "MX")},
		"to a foreign party inside China": {"patch": _foreign_in_china, "item": _sintering, "want": _licence("1E902.a", "CN")},
		"no parties, destination abroad": {"patch": {"parties": []}, "item": _sintering, "want": _licence("1E902.a", "MX")},
	}
	testing.results(technology_licence.findings) == {tc.want} with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_does_not_fire[note] if {
	some note, tc in {
		"domestic provision": {"patch": _domestic, "item": _sintering},
		"goods carrying the code": {"patch": {}, "item": {"kind": "goods", "control_code": "1E902.a"}},
		"another technology code": {"patch": {}, "item": {"kind": "technology", "control_code": "1C904.a.4"}},
		"declared not listed": {"patch": {}, "item": {"kind": "technology", "control_code": "not_listed"}},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": _sintering},
		"overseas transferor, no code": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": {"kind": "technology"}},
	}
	count(technology_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_needs_classification[note] if {
	some note, patch in {"abroad": {}, "foreign party inside China": _foreign_in_china}
	testing.results(technology_licence.findings) == {testing.needs(_id, "1", [{
		"field": "control_code",
		"why": "a technology exported from China may be a listed rare-earth technology (1E902): give its control-list classification (control_code, or not_listed)",
	}])} with input as testing.transaction_from(_base, patch, {"kind": "technology", "material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}})
}

_not_yet := testing.not_yet_in_force(_id, "2025-10-09")

_suspended := testing.not_applied_entry(_id, "1", "2026-11-11", "suspended by MOFCOM/GAC Announcement No. 70 of 2025 from 2025-11-07 through 2026-11-10")

test_date_boundaries[date] if {
	some date, want in {
		"2025-10-08": {"reasons": set(), "not_applied": {_not_yet}},
		"2025-10-09": {"reasons": {_licence("1E902.b", "MX")}, "not_applied": set()},
		"2025-11-06": {"reasons": {_licence("1E902.b", "MX")}, "not_applied": set()},
		"2025-11-07": {"reasons": set(), "not_applied": {_suspended}},
		"2026-11-10": {"reasons": set(), "not_applied": {_suspended}},
		"2026-11-11": {"reasons": {_licence("1E902.b", "MX")}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, {"kind": "technology", "control_code": "1E902.b", "technology_areas": ["recycling"]})
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

# legal-facts §10 #21: NdFeB sintering parameters e-mailed to a Mexican plant while No. 62 applies.
test_case_21_sintering_parameters if {
	d := exportctl.decision with input as testing.transaction_from(_base, {}, _sintering)
	testing.reasons(d, _id) == {_licence("1E902.a", "MX")}
}

# legal-facts §10 #22: the same during the suspension: No. 62 not applied, the Technology Catalogue still is.
test_case_22_suspended_but_catalogue_applies if {
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2026-02-01"}, _sintering)
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {_suspended}
	d.outcome == "prohibited"
	{r.provision | some r in d.reasons} == {"mofcom_most_2023_057/rare_earth_technologies"}
}

test_missing_code_asked_only_while_in_force if {
	tech := {"kind": "technology"}
	during := exportctl.decision with input as testing.transaction_from(_base, {"date": "2025-10-15"}, tech)
	{m.provision | some m in during.missing_facts} == {"mofcom_2025_062/technology_licence", "mofcom_most_2023_057/rare_earth_technologies"}
	suspended := exportctl.decision with input as testing.transaction_from(_base, {"date": "2026-02-01"}, tech)
	{m.provision | some m in suspended.missing_facts; m.provision == "mofcom_2025_062/technology_licence"} == set()
}

test_a_technology_code_without_a_kind_asks_for_it if {
	testing.results(technology_licence.findings) == {testing.needs(_id, "1", [{
		"field": "kind",
		"why": "the item's control code or technology areas say it may be a technology, and kind defaults to goods: declare kind (technology or goods)",
	}])} with input as testing.transaction_from(_base, {}, {"control_code": "1E902.a"})
}

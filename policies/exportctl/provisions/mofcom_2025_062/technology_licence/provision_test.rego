package exportctl.provisions.mofcom_2025_062.technology_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_2025_062.technology_licence

_sintering := {"kind": "technology", "control_code": "1E902.a", "technology_areas": ["magnet_manufacturing"]}

_mx_plant := {"role": "end_user", "name": "Ejemplo Imanes SA", "country": "MX"}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2025-10-15",
		"transferor": {"name": "Engineer", "country": "CN"},
		"destination": "MX",
		"parties": [_mx_plant],
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_foreign_in_china := {"destination": "CN", "parties": [{"role": "end_user", "name": "Example JV", "country": "CN"}, {"role": "service_provider", "name": "Consultant GmbH", "country": "DE"}]}

_domestic := {"destination": "CN", "parties": [{"role": "end_user", "name": "Example Co.", "country": "CN"}]}

test_fires[note] if {
	some note, tc in {
		"1E902.a to Mexico": {"patch": {}, "item": _sintering},
		"1E902.b": {"patch": {}, "item": {"kind": "technology", "control_code": "1E902.b"}},
		"heading only": {"patch": {}, "item": {"kind": "technology", "control_code": "1E902"}},
		"to a foreign party inside China": {"patch": _foreign_in_china, "item": _sintering},
		"no parties, destination abroad": {"patch": {"parties": []}, "item": _sintering},
	}
	{f.outcome | some f in technology_licence.findings with input as _tx(tc.patch, tc.item)} == {"license_required"}
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
	count(technology_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

test_needs_classification[note] if {
	some note, patch in {"abroad": {}, "foreign party inside China": _foreign_in_china}
	[f] := [f | some f in technology_licence.findings with input as _tx(patch, {"kind": "technology", "material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}})]
	f.outcome == "insufficient_information"
	f.missing[0].field == "control_code"
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_2025_062/technology_licence"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_2025_062/technology_licence"}

test_date_boundaries[date] if {
	some date, want in {
		"2025-10-08": {"reasons": set(), "not_applied": {["1", "2025-10-09"]}},
		"2025-10-09": {"reasons": {["1", "license_required"]}, "not_applied": set()},
		"2025-11-06": {"reasons": {["1", "license_required"]}, "not_applied": set()},
		"2025-11-07": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-10": {"reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-11": {"reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, {"kind": "technology", "control_code": "1E902.b", "technology_areas": ["recycling"]})
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #21: NdFeB sintering parameters e-mailed to a Mexican plant while No. 62 applies.
test_case_21_sintering_parameters if {
	d := exportctl.decision with input as _tx({}, _sintering)
	_mine(d) == {["1", "license_required"]}
}

# legal-facts §10 #22: the same during the suspension: No. 62 not applied, the Technology Catalogue still is.
test_case_22_suspended_but_catalogue_applies if {
	d := exportctl.decision with input as _tx({"date": "2026-02-01"}, _sintering)
	_mine(d) == set()
	_not_applied(d) == {["1", "2026-11-11"]}
	d.outcome == "prohibited"
	{r.provision | some r in d.reasons} == {"mofcom_most_2023_057/rare_earth_technologies"}
}

test_missing_code_asked_only_while_in_force if {
	tech := {"kind": "technology"}
	during := exportctl.decision with input as _tx({"date": "2025-10-15"}, tech)
	{m.provision | some m in during.missing_facts} == {"mofcom_2025_062/technology_licence", "mofcom_most_2023_057/rare_earth_technologies"}
	suspended := exportctl.decision with input as _tx({"date": "2026-02-01"}, tech)
	{m.provision | some m in suspended.missing_facts; m.provision == "mofcom_2025_062/technology_licence"} == set()
}

test_a_technology_code_without_a_kind_asks_for_it if {
	[f] := [f | some f in technology_licence.findings with input as _tx({}, {"control_code": "1E902.a"})]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["kind"]
}

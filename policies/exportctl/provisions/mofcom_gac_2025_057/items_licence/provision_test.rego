package exportctl.provisions.mofcom_gac_2025_057.items_licence_test

import data.exportctl
import data.exportctl.provisions.mofcom_gac_2025_057.items_licence

_ho_metal := {"material": {"elements": ["Ho"], "form": "metal"}}

_eu_phosphor := {"category": "phosphor", "material": {"elements": ["Y", "Eu", "O"], "form": "oxide"}}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-12-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "DE",
		"parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": false}],
		"end_use": {"categories": ["civil"]},
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_outcomes(tx) := {[f.outcome, object.get(f.facts, "control_code", ""), object.get(f.facts, "classified_from", "")] |
	some f in items_licence.findings with input as tx
}

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
	_outcomes(_tx({}, tc.item)) == {["license_required", tc.code, tc.from]}
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
	count(items_licence.findings) == 0 with input as _tx(tc.patch, tc.item)
}

test_needs_classification[note] if {
	some note, tc in {
		"Ho in form other": {"item": {"material": {"elements": ["Ho", "Y", "Al", "O"], "form": "other"}}, "why": "contains Ho but matches no entry of 1C909, 1C910, 1C911, 1C912, 1C913"},
		"Er without a form": {"item": {"material": {"elements": ["Er", "Si", "O"]}}, "why": "(Er-Si-O, form not given) contains Er"},
		"phosphor without material": {"item": {"category": "phosphor"}, "why": "category phosphor names listed entries 1C911.a.4.b, 1C912.a.4.a"},
	}
	[f] := [f | some f in items_licence.findings with input as _tx({}, tc.item)]
	f.outcome == "insufficient_information"
	f.missing[0].field == "control_code"
	contains(f.missing[0].why, tc.why)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_gac_2025_057/items_licence"}

_not_applied(d) := {[n.item, object.get(n, "would_apply_from", "")] | some n in d.not_applied; n.provision == "mofcom_gac_2025_057/items_licence"}

test_date_boundaries[date] if {
	some date, want in {
		"2025-11-06": {"outcome": "not_required", "reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2025-11-07": {"outcome": "not_required", "reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2025-11-08": {"outcome": "not_required", "reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-10": {"outcome": "not_required", "reasons": set(), "not_applied": {["1", "2026-11-11"]}},
		"2026-11-11": {"outcome": "license_required", "reasons": {["1", "license_required"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _ho_metal)
	d.outcome == want.outcome
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

# legal-facts §10 #7: Eu-doped phosphor powder during the suspension.
test_case_7_eu_phosphor_suspended if {
	d := exportctl.decision with input as _tx({"date": "2026-05-01"}, _eu_phosphor)
	d.outcome == "not_required"
	_mine(d) == set()
	some n in d.not_applied
	n.provision == "mofcom_gac_2025_057/items_licence"
	contains(n.because, "suspended by MOFCOM/GAC Announcement No. 70 of 2025")
	n.would_apply_from == "2026-11-11"
}

# legal-facts §10 #8: the same after the No. 70 window, applied again with a warning (config).
test_case_8_eu_phosphor_after_the_window if {
	d := exportctl.decision with input as _tx({"date": "2026-11-20"}, _eu_phosphor)
	d.outcome == "license_required"
	_mine(d) == {["1", "license_required"]}
	some w in d.warnings
	contains(w, "No. 70 of 2025")
}

# legal-facts §10 #9: Ho metal before No. 57's date.
test_case_9_ho_metal_not_yet_in_force if {
	d := exportctl.decision with input as _tx({"date": "2025-11-01"}, _ho_metal)
	d.outcome == "not_required"
	some n in d.not_applied
	n.provision == "mofcom_gac_2025_057/items_licence"
	contains(n.because, "not yet in force")
}

test_without_the_suspension_record_it_applies_from_its_date if {
	instruments := object.remove(data.exportctl.instruments, ["mofcom_gac_2025_070"])
	d := exportctl.decision with input as _tx({"date": "2025-11-08"}, _ho_metal) with data.exportctl.instruments as instruments with data.exportctl.derived as {}
	_mine(d) == {["1", "license_required"]}
}

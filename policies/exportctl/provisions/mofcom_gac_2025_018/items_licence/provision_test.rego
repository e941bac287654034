package exportctl.provisions.mofcom_gac_2025_018.items_licence_test

import data.exportctl.provisions.mofcom_gac_2025_018.items_licence

_tx(item) := {
	"id": "T",
	"date": "2026-03-02",
	"transferor": {"name": "Exporter", "country": "CN"},
	"destination": "DE",
	"items": [object.union({"id": "1", "origin": "CN"}, item)],
}

_outcomes(item) := outcomes if {
	findings := items_licence.findings with input as _tx(item)
	outcomes := {[f.outcome, object.get(f.facts, "control_code", "")] | some f in findings}
}

test_fires_by_material[note] if {
	some note, tc in {
		"Tb NdFeB magnet": {"item": {"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}, "code": "1C904.a.4"},
		"Dy metal": {"item": {"material": {"elements": ["Dy"], "form": "metal"}}, "code": "1C905.a.1"},
		"given code at any depth": {"item": {"control_code": "1C906"}, "code": "1C906"},
		"listed code wins over an FAQ category": {"item": {"control_code": "1C905.a.4", "category": "rotor_stator_assembly"}, "code": "1C905.a.4"},
	}
	_outcomes(tc.item) == {["license_required", tc.code]}
}

test_does_not_fire[note] if {
	some note, item in {
		"plain NdFeB": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}},
		"declared not listed": {"control_code": "not_listed"},
		"other list entry": {"control_code": "1C909.a"},
		"technology": {"kind": "technology", "control_code": "1C904.a.4"},
		"FAQ No. 5 category without a code": {"category": "phosphor", "material": {"elements": ["Tb", "O"], "form": "oxide"}},
	}
	_outcomes(item) == set()
}

test_not_an_export_from_china[note] if {
	some note, patch in {
		"transfer to China": {"destination": "CN"},
		"overseas transferor": {"transferor": {"name": "X", "country": "JP"}},
	}
	tx := object.union(_tx({"control_code": "1C904.b"}), patch)
	count(items_licence.findings) == 0 with input as tx
}

test_missing_classification[note] if {
	some note, tc in {
		"HS code alone": {"item": {"hs_code": "2805301300"}, "why": "HS code 2805301300 is a reference code of listed items 1C904.a.1"},
		"unlisted HS code alone": {"item": {"hs_code": "8505111000"}, "why": "neither control_code nor material"},
		"nothing": {"item": {}, "why": "neither control_code nor material"},
		"unnamed combination": {"item": {"material": {"elements": ["Dy"], "form": "other"}}, "why": "matches no listed entry"},
	}
	some f in items_licence.findings with input as _tx(tc.item)
	f.outcome == "insufficient_information"
	f.missing[0].field == "control_code"
	contains(f.missing[0].why, tc.why)
}

test_other_rare_earths_are_not_asked_for_here if {
	item := {"material": {"elements": ["Er", "Si", "O"], "form": "other"}}
	count(items_licence.findings) == 0 with input as _tx(item)
}

test_warns_when_not_listed_contradicts_material if {
	item := {"control_code": "not_listed", "material": {"elements": ["Sm", "Co"], "form": "magnet"}}
	some w in items_licence.warnings with input as _tx(item)
	contains(w.message, "matches listed entries 1C902.a.4")
	w.clause == "mofcom_gac_2025_018/items_licence"
}

test_no_threshold_reading_is_warned_when_it_classified_the_item if {
	[w] := [w | some w in items_licence.warnings with input as _tx({"material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}})]
	startswith(w.message, "item 1: 1C905.a.4 classified as Tb- or Dy-containing NdFeB magnet material from its declared elements")
	count(items_licence.warnings) == 0 with input as _tx({"control_code": "1C905.a.4"})
}

package exportctl.provisions.mofcom_gac_2025_018.items_licence_test

import data.exportctl.provisions.mofcom_gac_2025_018.items_licence
import data.exportctl.testing

_id := "mofcom_gac_2025_018/items_licence"

_base := testing.transaction({"date": "2026-03-02"}, {})

_with_item(item) := testing.transaction_from(_base, {}, item)

# The licence requirement for item 1, classified under `code` from its `basis` (material or control_code).
_licence(code, basis) := testing.finding(_id, "1", "license_required", {
	"classified_from": basis, "control_code": code, "control_codes": [code],
	"destination": "DE", "transferor_country": "CN",
})

test_fires_by_material[note] if {
	some note, tc in {
		"Tb NdFeB magnet": {"item": {"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}, "want": _licence("1C904.a.4", "material")},
		"Dy metal": {"item": {"material": {"elements": ["Dy"], "form": "metal"}}, "want": _licence("1C905.a.1", "material")},
		"given code at any depth": {"item": {"control_code": "1C906"}, "want": _licence("1C906", "control_code")},
		"listed code wins over an FAQ category": {"item": {"control_code": "1C905.a.4", "category": "rotor_stator_assembly"}, "want": _licence("1C905.a.4", "control_code")},
	}
	testing.results(items_licence.findings) == {tc.want} with input as _with_item(tc.item)
}

test_does_not_fire[note] if {
	some note, item in {
		"plain NdFeB": {"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}},
		"declared not listed": {"control_code": "not_listed"},
		"other list entry": {"control_code": "1C909.a"},
		"technology": {"kind": "technology", "control_code": "1C904.a.4"},
		"FAQ No. 5 category without a code": {"category": "phosphor", "material": {"elements": ["Tb", "O"], "form": "oxide"}},
	}
	count(items_licence.findings) == 0 with input as _with_item(item)
}

test_not_an_export_from_china[note] if {
	some note, patch in {
		"transfer to China": {"destination": "CN"},
		"overseas transferor": {"transferor": {"name": "X", "country": "JP"}},
	}
	count(items_licence.findings) == 0 with input as testing.transaction_from(_base, patch, {"control_code": "1C904.b"})
}

test_missing_classification[note] if {
	unknown := "neither control_code nor material is given, so the item cannot be classified against items 1C902-1C908"
	some note, tc in {
		"HS code alone": {"item": {"hs_code": "2805301300"}, "why": "HS code 2805301300 is a reference code of listed items 1C904.a.1; an HS code alone never clears an item: give the control-list classification (control_code, or not_listed)"},
		"unlisted HS code alone": {"item": {"hs_code": "8505111000"}, "why": unknown},
		"nothing": {"item": {}, "why": unknown},
		"unnamed combination": {"item": {"material": {"elements": ["Dy"], "form": "other"}}, "why": "the declared material (Dy, form other) contains a listed rare earth but matches no listed entry: give the control-list classification (control_code, or not_listed)"},
	}
	testing.results(items_licence.findings) == {testing.needs(_id, "1", [{"field": "control_code", "why": tc.why}])} with input as _with_item(tc.item)
}

test_other_rare_earths_are_not_asked_for_here if {
	item := {"material": {"elements": ["Er", "Si", "O"], "form": "other"}}
	count(items_licence.findings) == 0 with input as _with_item(item)
}

test_warns_when_not_listed_contradicts_material if {
	item := {"control_code": "not_listed", "material": {"elements": ["Sm", "Co"], "form": "magnet"}}
	items_licence.warnings == {{
		"clause": _id,
		"message": "item 1: declared not_listed, but its material (Sm-Co, form magnet) matches listed entries 1C902.a.4; check the classification (customs penalised false declarations of this kind)",
	}} with input as _with_item(item)
}

test_no_threshold_reading_is_warned_when_it_classified_the_item if {
	items_licence.warnings == {{
		"clause": _id,
		"message": "item 1: 1C905.a.4 classified as Tb- or Dy-containing NdFeB magnet material from its declared elements: no official minimum Dy or Tb content was found, so no threshold is applied (legal-update-2026-12 D2); a trace of Dy or Tb is read as controlled. Check the classification with the magnet's composition.",
	}} with input as _with_item({"material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}})
	count(items_licence.warnings) == 0 with input as _with_item({"control_code": "1C905.a.4"})
}

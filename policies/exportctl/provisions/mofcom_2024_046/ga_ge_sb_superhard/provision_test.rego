package exportctl.provisions.mofcom_2024_046.ga_ge_sb_superhard_test

import data.exportctl
import data.exportctl.provisions.mofcom_2024_046.ga_ge_sb_superhard
import data.exportctl.testing

_id := "mofcom_2024_046/ga_ge_sb_superhard"

_base := testing.transaction(
	{"date": "2025-06-01", "destination": "US", "parties": [{"role": "end_user", "name": "Example Inc.", "country": "US"}]},
	{},
)

_ge := {"material": {"elements": ["Ge"], "form": "metal"}}

_licence(elements) := testing.finding(_id, "1", "license_required", {"elements": elements, "transferor_country": "CN", "destination": "US"})

test_fires[note] if {
	some note, tc in {
		"germanium metal": {"item": _ge, "elements": ["Ge"]},
		"gallium nitride": {"item": {"material": {"elements": ["Ga", "N"], "form": "compound"}}, "elements": ["Ga"]},
		"antimony technology": {"item": {"kind": "technology", "material": {"elements": ["Sb"], "form": "metal"}}, "elements": ["Sb"]},
		"gallium antimonide": {"item": {"material": {"elements": ["Ga", "Sb"], "form": "compound"}}, "elements": ["Ga", "Sb"]},
	}
	testing.results(ga_ge_sb_superhard.findings) == {_licence(tc.elements)} with input as testing.transaction_from(_base, {}, tc.item)
}

test_does_not_fire[note] if {
	some note, tc in {
		"other destination": {"patch": {"destination": "DE"}, "item": _ge},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "JP"}}, "item": _ge},
		"declared not listed": {"patch": {}, "item": object.union(_ge, {"control_code": "not_listed"})},
		"gallium-oxide phosphor (FAQ No. 5)": {"patch": {}, "item": {"category": "phosphor", "material": {"elements": ["Ga", "O"], "form": "oxide"}}},
		"no such element": {"patch": {}, "item": {"material": {"elements": ["Sm"], "form": "metal"}}},
		"a control code says what the item is": {"patch": {}, "item": {"control_code": "not_listed"}},
	}
	count(ga_ge_sb_superhard.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

_warned(d) if {
	some w in d.warnings
	contains(w, "suspended by MOFCOM Announcement No. 72 of 2025 through 2026-11-27")
} else := false

_not_yet := testing.not_yet_in_force(_id, "2024-12-03")

_suspended := testing.not_applied_entry(_id, "1", "2026-11-28", "suspended by MOFCOM Announcement No. 72 of 2025 from 2025-11-09 through 2026-11-27")

test_date_boundaries[date] if {
	some date, want in {
		"2024-12-02": {"reasons": set(), "not_applied": {_not_yet}, "policy": "standard", "warned": false},
		"2024-12-03": {"reasons": {_licence(["Ge"])}, "not_applied": set(), "policy": "presumption_of_denial", "warned": false},
		"2025-11-08": {"reasons": {_licence(["Ge"])}, "not_applied": set(), "policy": "presumption_of_denial", "warned": false},
		"2025-11-09": {"reasons": set(), "not_applied": {_suspended}, "policy": "standard", "warned": false},
		"2026-11-27": {"reasons": set(), "not_applied": {_suspended}, "policy": "standard", "warned": false},
		"2026-11-28": {"reasons": {_licence(["Ge"])}, "not_applied": set(), "policy": "presumption_of_denial", "warned": true},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _ge)
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
	d.licensing_policy == want.policy
	_warned(d) == want.warned
}

test_an_extension_record_keeps_it_suspended if {
	instruments := object.union(data.exportctl.instruments, {"extension": {
		"citation": "Extension",
		"clauses": {},
		"suspends": [{"instrument": "mofcom_2024_046", "clauses": ["ga_ge_sb_superhard"], "from": "2026-11-28", "through": "2027-11-27"}],
	}})
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2026-11-28"}, _ge)
		with data.exportctl.instruments as instruments with data.exportctl.derived as {}
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {testing.not_applied_entry(_id, "1", "2027-11-28", "suspended by Extension from 2026-11-28 through 2027-11-27")}
}

test_asks_for_the_material_of_an_unknown_item if {
	testing.results(ga_ge_sb_superhard.findings) == {testing.needs(_id, "1", [{
		"field": "material",
		"why": "mofcom_2024_046/ga_ge_sb_superhard recognises its items by their elements: give the item's material or its control_code",
	}])} with input as testing.transaction_from(_base, {}, {"description": "unknown goods"})
}

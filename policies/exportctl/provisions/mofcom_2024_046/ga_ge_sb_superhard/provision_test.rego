package exportctl.provisions.mofcom_2024_046.ga_ge_sb_superhard_test

import data.exportctl
import data.exportctl.provisions.mofcom_2024_046.ga_ge_sb_superhard

_ge := {"material": {"elements": ["Ge"], "form": "metal"}}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2025-06-01",
		"transferor": {"name": "Exporter", "country": "CN"},
		"destination": "US",
		"parties": [{"role": "end_user", "name": "Example Inc.", "country": "US"}],
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

test_fires[note] if {
	some note, tc in {
		"germanium metal": {"item": _ge, "elements": ["Ge"]},
		"gallium nitride": {"item": {"material": {"elements": ["Ga", "N"], "form": "compound"}}, "elements": ["Ga"]},
		"antimony technology": {"item": {"kind": "technology", "material": {"elements": ["Sb"], "form": "metal"}}, "elements": ["Sb"]},
		"gallium antimonide": {"item": {"material": {"elements": ["Ga", "Sb"], "form": "compound"}}, "elements": ["Ga", "Sb"]},
	}
	{[f.outcome, f.facts.elements] | some f in ga_ge_sb_superhard.findings with input as _tx({}, tc.item)} == {["license_required", tc.elements]}
}

test_does_not_fire[note] if {
	some note, tc in {
		"other destination": {"patch": {"destination": "DE"}, "item": _ge},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "JP"}}, "item": _ge},
		"declared not listed": {"patch": {}, "item": object.union(_ge, {"control_code": "not_listed"})},
		"gallium-oxide phosphor (FAQ No. 5)": {"patch": {}, "item": {"category": "phosphor", "material": {"elements": ["Ga", "O"], "form": "oxide"}}},
		"no such element": {"patch": {}, "item": {"material": {"elements": ["Sm"], "form": "metal"}}},
	}
	count(ga_ge_sb_superhard.findings) == 0 with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_2024_046/ga_ge_sb_superhard"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_2024_046/ga_ge_sb_superhard"}

_warned(d) if {
	some w in d.warnings
	contains(w, "suspended by MOFCOM Announcement No. 72 of 2025 through 2026-11-27")
} else := false

test_date_boundaries[date] if {
	some date, want in {
		"2024-12-02": {"reasons": set(), "not_applied": {["1", "2024-12-03"]}, "policy": "standard", "warned": false},
		"2024-12-03": {"reasons": {["1", "license_required"]}, "not_applied": set(), "policy": "presumption_of_denial", "warned": false},
		"2025-11-08": {"reasons": {["1", "license_required"]}, "not_applied": set(), "policy": "presumption_of_denial", "warned": false},
		"2025-11-09": {"reasons": set(), "not_applied": {["1", "2026-11-28"]}, "policy": "standard", "warned": false},
		"2026-11-27": {"reasons": set(), "not_applied": {["1", "2026-11-28"]}, "policy": "standard", "warned": false},
		"2026-11-28": {"reasons": {["1", "license_required"]}, "not_applied": set(), "policy": "presumption_of_denial", "warned": true},
	}
	d := exportctl.decision with input as _tx({"date": date}, _ge)
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
	d.licensing_policy == want.policy
	_warned(d) == want.warned
}

test_an_extension_record_keeps_it_suspended if {
	instruments := object.union(data.exportctl.instruments, {"extension": {
		"citation": "Extension",
		"clauses": {},
		"suspends": [{"instrument": "mofcom_2024_046", "clauses": ["ga_ge_sb_superhard"], "from": "2026-11-28", "through": "2027-11-27"}],
	}})
	d := exportctl.decision with input as _tx({"date": "2026-11-28"}, _ge) with data.exportctl.instruments as instruments
	_mine(d) == set()
	_not_applied(d) == {["1", "2027-11-28"]}
}

test_asks_for_the_material_of_an_unknown_item if {
	[f] := [f | some f in ga_ge_sb_superhard.findings with input as _tx({}, {"description": "unknown goods"})]
	f.outcome == "insufficient_information"
	[m.field | some m in f.missing] == ["material"]
}

test_a_control_code_says_what_the_item_is if {
	count(ga_ge_sb_superhard.findings) == 0 with input as _tx({}, {"control_code": "not_listed"})
}

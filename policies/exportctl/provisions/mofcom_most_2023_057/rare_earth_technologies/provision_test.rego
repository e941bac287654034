package exportctl.provisions.mofcom_most_2023_057.rare_earth_technologies_test

import data.exportctl
import data.exportctl.provisions.mofcom_most_2023_057.rare_earth_technologies

_tech(areas) := {"kind": "technology", "control_code": "1E902.a", "technology_areas": areas}

_tx(patch, item) := object.union(
	{
		"id": "T",
		"date": "2026-02-01",
		"transferor": {"name": "Engineer", "country": "CN"},
		"destination": "MX",
		"parties": [{"role": "end_user", "name": "Ejemplo Imanes SA", "country": "MX"}],
		"items": [object.union({"id": "1", "origin": "CN"}, item)],
	},
	patch,
)

_outcomes(tx) := {[f.outcome, object.get(f.facts, "technology_areas", [])] | some f in rare_earth_technologies.findings with input as tx}

test_areas[note] if {
	some note, tc in {
		"magnet manufacturing is prohibited": {"areas": ["magnet_manufacturing"], "want": {["prohibited", ["magnet_manufacturing"]]}},
		"smelting and separation is prohibited": {"areas": ["smelting_separation"], "want": {["prohibited", ["smelting_separation"]]}},
		"metal smelting is prohibited": {"areas": ["metal_smelting"], "want": {["prohibited", ["metal_smelting"]]}},
		"mining is restricted": {"areas": ["mining"], "want": {["license_required", ["mining"]]}},
		"recycling is restricted": {"areas": ["recycling"], "want": {["license_required", ["recycling"]]}},
		"mixed areas": {"areas": ["recycling", "metal_smelting", "mining"], "want": {["prohibited", ["metal_smelting"]], ["license_required", ["mining", "recycling"]]}},
	}
	_outcomes(_tx({}, _tech(tc.areas))) == tc.want
}

test_needs_areas[note] if {
	some note, item in {
		"areas absent": {"kind": "technology", "control_code": "1E902.b"},
		"areas empty": _tech([]),
	}
	[f] := [f | some f in rare_earth_technologies.findings with input as _tx({}, item)]
	f.outcome == "insufficient_information"
	f.missing[0].field == "technology_areas"
}

test_scope[note] if {
	some note, tc in {
		"foreign party inside China": {"patch": {"destination": "CN", "parties": [{"role": "end_user", "name": "Consultant GmbH", "country": "DE"}]}, "item": _tech(["mining"]), "n": 1},
		"domestic provision": {"patch": {"destination": "CN", "parties": [{"role": "end_user", "name": "Example Co.", "country": "CN"}]}, "item": _tech(["mining"]), "n": 0},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "VN"}}, "item": _tech(["mining"]), "n": 0},
		"no code: the classification is asked": {"patch": {}, "item": {"kind": "technology", "technology_areas": ["mining"]}, "n": 1},
		"another code": {"patch": {}, "item": {"kind": "technology", "control_code": "1C904.a.4", "technology_areas": ["mining"]}, "n": 0},
		"goods": {"patch": {}, "item": object.union(_tech(["mining"]), {"kind": "goods"}), "n": 0},
	}
	count(rare_earth_technologies.findings) == tc.n with input as _tx(tc.patch, tc.item)
}

_mine(d) := {[r.item, r.outcome] | some r in d.reasons; r.provision == "mofcom_most_2023_057/rare_earth_technologies"}

_not_applied(d) := {[n.item, n.would_apply_from] | some n in d.not_applied; n.provision == "mofcom_most_2023_057/rare_earth_technologies"}

test_effective_date_boundary[date] if {
	some date, want in {
		"2023-12-20": {"reasons": set(), "not_applied": {["1", "2023-12-21"]}},
		"2023-12-21": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
		"2023-12-22": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
		"2026-11-10": {"reasons": {["1", "prohibited"]}, "not_applied": set()},
	}
	d := exportctl.decision with input as _tx({"date": date}, _tech(["magnet_manufacturing"]))
	_mine(d) == want.reasons
	_not_applied(d) == want.not_applied
}

test_restricted_is_case_by_case_and_not_covered_by_a_dual_use_licence if {
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "control_codes": ["1E902"]}
	d := exportctl.decision with input as object.union(_tx({}, _tech(["mining"])), {"licenses": [licence]})
	d.outcome == "license_required"
	d.licensing_policy == "case_by_case"
	_mine(d) == {["1", "license_required"]}
}

test_unclassified_technology_needs_a_code if {
	tx := {
		"date": "2026-02-01",
		"transferor": {"name": "T", "country": "CN"},
		"destination": "MX",
		"items": [{"id": "1", "kind": "technology", "origin": "CN"}],
	}
	some f in rare_earth_technologies.findings with input as tx
	f.outcome == "insufficient_information"
	f.missing[0].field == "control_code"
}

test_technology_areas_without_a_kind_ask_for_it if {
	item := {"control_code": "not_listed", "technology_areas": ["magnet_manufacturing"]}
	[f] := [f | some f in rare_earth_technologies.findings with input as _tx({}, item)]
	[m.field | some m in f.missing] == ["kind"]
}

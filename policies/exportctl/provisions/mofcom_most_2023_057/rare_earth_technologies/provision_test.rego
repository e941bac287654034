package exportctl.provisions.mofcom_most_2023_057.rare_earth_technologies_test

import data.exportctl
import data.exportctl.provisions.mofcom_most_2023_057.rare_earth_technologies
import data.exportctl.testing

_tech(areas) := {"kind": "technology", "control_code": "1E902.a", "technology_areas": areas}

_id := "mofcom_most_2023_057/rare_earth_technologies"

_base := testing.transaction(
	{"date": "2026-02-01", "transferor": {"name": "Engineer"}, "destination": "MX", "parties": [{"role": "end_user", "name": "Ejemplo Imanes SA", "country": "MX"}]},
	{},
)

_technology(outcome, areas) := testing.finding(_id, "1", outcome, {"classified_as": "1E902.a", "destination": "MX", "technology_areas": areas, "transferor_country": "CN"})

test_areas[note] if {
	some note, tc in {
		"magnet manufacturing is prohibited": {"areas": ["magnet_manufacturing"], "want": {_technology("prohibited", ["magnet_manufacturing"])}},
		"smelting and separation is prohibited": {"areas": ["smelting_separation"], "want": {_technology("prohibited", ["smelting_separation"])}},
		"metal smelting is prohibited": {"areas": ["metal_smelting"], "want": {_technology("prohibited", ["metal_smelting"])}},
		"mining is restricted": {"areas": ["mining"], "want": {_technology("license_required", ["mining"])}},
		"recycling is restricted": {"areas": ["recycling"], "want": {_technology("license_required", ["recycling"])}},
		"mixed areas": {"areas": ["recycling", "metal_smelting", "mining"], "want": {
			_technology("prohibited", ["metal_smelting"]),
			_technology("license_required", ["mining", "recycling"]),
		}},
	}
	testing.results(rare_earth_technologies.findings) == tc.want with input as testing.transaction_from(_base, {}, _tech(tc.areas))
}

test_needs_areas[note] if {
	some note, item in {
		"areas absent": {"kind": "technology", "control_code": "1E902.b"},
		"areas empty": _tech([]),
	}
	testing.results(rare_earth_technologies.findings) == {testing.needs(_id, "1", [{
		"field": "technology_areas",
		"why": sprintf("%s is a rare-earth technology: give the areas it serves (technology_areas: mining, smelting_separation, metal_smelting, magnet_manufacturing, recycling) to tell a prohibited technology from a restricted one", [item.control_code]),
	}])} with input as testing.transaction_from(_base, {}, item)
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
	count(rare_earth_technologies.findings) == tc.n with input as testing.transaction_from(_base, tc.patch, tc.item)
}

_not_yet := testing.not_yet_in_force(_id, "2023-12-21")

test_effective_date_boundary[date] if {
	some date, want in {
		"2023-12-20": {"reasons": set(), "not_applied": {_not_yet}},
		"2023-12-21": {"reasons": {_technology("prohibited", ["magnet_manufacturing"])}, "not_applied": set()},
		"2023-12-22": {"reasons": {_technology("prohibited", ["magnet_manufacturing"])}, "not_applied": set()},
		"2026-11-10": {"reasons": {_technology("prohibited", ["magnet_manufacturing"])}, "not_applied": set()},
	}
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": date}, _tech(["magnet_manufacturing"]))
	testing.reasons(d, _id) == want.reasons
	testing.not_applied(d, _id) == want.not_applied
}

test_restricted_is_case_by_case_and_not_covered_by_a_dual_use_licence if {
	licence := {"id": "L-1", "issuer": "MOFCOM", "type": "individual", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "control_codes": ["1E902"]}
	d := exportctl.decision with input as object.union(testing.transaction_from(_base, {}, _tech(["mining"])), {"licenses": [licence]})
	d.outcome == "license_required"
	d.licensing_policy == "case_by_case"
	testing.reasons(d, _id) == {_technology("license_required", ["mining"])}
}

test_unclassified_technology_needs_a_code if {
	testing.results(rare_earth_technologies.findings) == {testing.needs(_id, "1", [{
		"field": "control_code",
		"why": "a technology exported from China without a control-list classification may be a rare-earth technology of the Catalogue of Technologies Prohibited or Restricted from Export: give its control_code, or not_listed",
	}])} with input as object.remove(testing.transaction_from(_base, {}, {"kind": "technology"}), ["parties"])
}

test_technology_areas_without_a_kind_ask_for_it if {
	item := {"control_code": "not_listed", "technology_areas": ["magnet_manufacturing"]}
	testing.results(rare_earth_technologies.findings) == {testing.needs(_id, "1", [{
		"field": "kind",
		"why": "the item's control code or technology areas say it may be a technology, and kind defaults to goods: declare kind (technology or goods)",
	}])} with input as testing.transaction_from(_base, {}, item)
}

package exportctl.lib.result_test

import data.exportctl.lib.result

_chain := [
	{"path": ["exportctl", "provisions", "p", "findings"]},
	{
		"path": ["exportctl", "provisions", "p"],
		"annotations": {
			"title": "T",
			"description": "D",
			"custom": {"id": "law/one"},
		},
	},
]

test_finding_from_metadata if {
	result.finding(_chain, "1", "license_required", {"a": 1}) == {
		"provision": "law/one",
		"title": "T",
		"description": "D",
		"clause": "law/one",
		"item": "1",
		"outcome": "license_required",
		"facts": {"a": 1},
	}
}

test_needs_is_insufficient_with_missing if {
	f := result.needs(_chain, "1", [{"field": "value", "why": "w"}])
	f.outcome == "insufficient_information"
	f.missing == [{"field": "value", "why": "w"}]
	f.provision == "law/one"
}

test_warning_names_clause if {
	result.warning(_chain, "m") == {"clause": "law/one", "message": "m"}
}

test_depends_asks_only_for_unknown_facts if {
	needed := [
		{"field": "parties", "path": ["parties"], "why": "w1"},
		{"field": "end_use", "path": ["end_use", "categories"], "why": "w2"},
	]
	f := result.depends(_chain, "1", needed) with input as {"parties": [{"name": "A"}]}
	f.outcome == "insufficient_information"
	f.missing == [{"field": "end_use", "why": "w2"}]
	not result.depends(_chain, "1", needed) with input as {"parties": [{"name": "A"}], "end_use": {"categories": ["civil"]}}
}

test_attached_depends_carries_the_requirements if {
	f := result.attached_depends(_chain, "1", [{"field": "parties", "path": ["parties"], "why": "w"}], ["law/two"]) with input as {}
	f.requires_any == ["law/two"]
	f.missing == [{"field": "parties", "why": "w"}]
}

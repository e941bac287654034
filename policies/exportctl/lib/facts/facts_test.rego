package exportctl.lib.facts_test

import data.exportctl.lib.facts

test_known_values if {
	facts.known(["parties"]) with input as {"parties": [{"name": "A"}]}
	facts.known(["parties", 0, "military"]) with input as {"parties": [{"military": false}]}
	facts.known(["end_use", "categories"]) with input as {"end_use": {"categories": ["civil"]}}
}

test_absent_null_and_empty_are_unknown if {
	every doc in [{}, {"parties": null}, {"parties": []}, {"parties": ""}, {"parties": {}}] {
		not facts.known(["parties"]) with input as doc
	}
	not facts.known(["parties", 0, "military"]) with input as {"parties": [{"name": "A"}]}
}

test_unknown_lists_the_missing_without_paths if {
	needed := [
		{"field": "parties", "path": ["parties"], "why": "w1"},
		{"field": "end_use", "path": ["end_use", "categories"], "why": "w2"},
	]
	facts.unknown(needed) == [{"field": "end_use", "why": "w2"}] with input as {"parties": [{"name": "A"}]}
}

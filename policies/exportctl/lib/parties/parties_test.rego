package exportctl.lib.parties_test

import data.exportctl.lib.parties

test_normalise if {
	parties.normalise("  Beispiel-Antriebe   GmbH. ") == "beispiel antriebe gmbh"
}

test_name_and_alias_match[name] if {
	some name in ["MP Materials", "mp materials corp", "USA RARE EARTH, INC."]
	some m in parties.matches({"role": "end_user", "name": name})
	m.via == "name"
	m.list == "control_list"
	m.clause == "mofcom_2026_control_list_0622/listing"
}

test_owner_at_or_above_half[share] if {
	some share in [0.5, 0.6, 1]
	some m in parties.matches({"role": "consignee", "name": "Sub Co", "owners": [{"name": "Hensoldt AG", "share": share}]})
	m.via == "owner"
	m.entity == "Hensoldt"
}

test_owner_below_half if {
	parties.matches({"role": "consignee", "name": "Sub Co", "owners": [{"name": "Hensoldt", "share": 0.49}]}) == set()
}

test_all_matches if {
	tx := {"parties": [{"role": "end_user", "name": "Aveox"}, {"role": "consignee", "name": "Nobody"}]}
	{m.entity | some m in parties.all_matches(tx)} == {"Aveox"}
	parties.all_matches({}) == set()
}

test_match_keys_are_the_normalised_names if {
	every instrument in data.exportctl.instruments {
		every clause in instrument.clauses {
			every entity in object.get(clause, "entities", []) {
				{k | some k in entity.match_keys} == {parties.normalise(n) | some n in array.concat([entity.name], object.get(entity, "aliases", []))}
			}
		}
	}
}

test_possible_matches[name] if {
	some name, want in {
		"MP Materials Corporation": {"MP Materials"},
		"Hensoldt Sensors GmbH": {"Hensoldt"},
		"MP Materials": set(),
		"Materials MP Inc": set(),
	}
	{m.entity | some m in parties.possible_matches({"role": "end_user", "name": name})} == want
}

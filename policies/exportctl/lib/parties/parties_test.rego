package exportctl.lib.parties_test

import data.exportctl.lib.parties

test_normalise if {
	parties.normalise("  Beispiel-Antriebe   GmbH. ") == "beispiel antriebe gmbh"
}

test_name_and_alias_match[name] if {
	some name in ["MP Materials", "mp materials corp", "USA RARE EARTH, INC."]
	some m in parties.name_matches({"role": "end_user", "name": name})
	m.via == "name"
	m.list == "control_list"
	m.clause == "mofcom_2026_control_list_0622/listing"
}

# Every form of the names the announcement of 24 April 2026 publishes (legal-update-2026-12 D11).
test_published_forms_of_0424[name] if {
	some name, entity in {
		"Fabrique Nationale de Herstal": "FN Herstal",
		"FN Herstal, Fabrique Nationale de Herstal": "FN Herstal",
		"HENSOLDT AG": "Hensoldt",
		"OMNIPOL a.s.": "OMNIPOL",
		"EXCALIBUR ARMY spol. s r.o.": "Excalibur Army",
		"SPACEKNOW INC., odstepny zavod s.r.o": "SpaceKnow",
		"VZLU AEROSPACE a.s.": "VZLU",
		"FN Browning": "FN Browning",
	}
	{[m.entity, m.clause] | some m in parties.name_matches({"role": "end_user", "name": name})} == {[entity, "mofcom_2026_control_list_0424/listing"]}
}

test_owner_at_or_above_half[share] if {
	some share in [0.5, 0.6, 1]
	party := {"role": "consignee", "name": "Sub Co", "owners": [{"name": "Hensoldt AG", "share": share}]}
	[m] := [m | some m in parties.owner_matches(party)]
	m.via == "owner"
	m.entity == "Hensoldt"
	m.share == share
	parties.name_matches(party) == set()
	parties.matches(party) == {m}
}

test_owner_below_half if {
	parties.matches({"role": "consignee", "name": "Sub Co", "owners": [{"name": "Hensoldt", "share": 0.49}]}) == set()
}

test_all_name_matches if {
	tx := {"parties": [
		{"role": "end_user", "name": "Aveox"},
		{"role": "consignee", "name": "Nobody", "owners": [{"name": "Aveox", "share": 1}]},
	]}
	{[m.party, m.entity] | some m in parties.all_name_matches(tx)} == {["Aveox", "Aveox"]}
	parties.all_name_matches({}) == set()
}

test_watch_list_match if {
	[m] := [m | some m in parties.name_matches({"role": "end_user", "name": "Subaru Corporation"})]
	m.list == "watch_list"
	m.clause == "mofcom_2026_watch_list_0224/listing"
}

test_listings_are_the_clauses_with_entities if {
	parties.listings["mofcom_2026_011/listing"].list == "control_list"
	not parties.listings["mofcom_watch_list/listing"]
	not parties.listings["mofcom_2025_061/end_users"]
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

# A listing clause says whether its names are complete, and why when they are not.
test_listings_state_their_completeness if {
	every clause in parties.listings {
		is_boolean(clause.complete)
		clause.completeness_note != ""
	}
}

test_possible_matches[name] if {
	some name, want in {
		"MP Materials Corporation": {"MP Materials"},
		"Hensoldt Sensors GmbH": {"Hensoldt"},
		"IHI Aerospace Engineering Co., Ltd.": {"IHI Aerospace Engineering"},
		"MP Materials": set(),
		"Materials MP Inc": set(),
	}
	{m.entity | some m in parties.possible_matches({"role": "end_user", "name": name})} == want
}

test_general_licence_bars[date] if {
	some date, want in {"2026-02-23": set(), "2026-02-24": {"SUBARU Corporation"}}
	tx := {"date": date, "parties": [
		{"role": "end_user", "name": "SUBARU Corporation"},
		{"role": "consignee", "name": "MP Materials"},
		{"role": "intermediary", "name": "Sub", "owners": [{"name": "TDK Corporation", "share": 1}]},
	]}
	{m.entity | some m in parties.general_licence_bars(tx)} == want
}

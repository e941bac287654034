# METADATA
# title: Dual-use items may not go to a party on the export-control control list
# description: >-
#   MOFCOM prohibits exports of dual-use items to the entities it puts on the control list, and to
#   units they own 50 % or more. Listings that bind overseas transferors also forbid them to transfer
#   Chinese-origin dual-use items to a listed entity. Each finding cites the listing that matched, so
#   it applies from that listing's date. Watch-list matches do not prohibit.
# related_resources:
#   - description: Dual-use Items Export Control Regulation, Arts. 28-29 (S68)
#     ref: http://www.csrcare.com/Law/LawShowEn?id=233583
#   - description: Control-list listing of 24 April 2026, secondary report (S55)
#     ref: https://www.thedefensenews.com/China-Adds-Seven-European-Entities-to-Export-Control-List-Bans-Dual-Use-Item-Exports-Over-Taiwan-Links/
#   - description: Control-list listing of 22 June 2026, secondary report (S57)
#     ref: https://source.benchmarkminerals.com/article/china-targets-us-rare-earth-and-defence-linked-entities-with-dual-use-export-ban
# custom:
#   id: CN-LIST-01
#   clause: state_council_2024_792/control_list
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_control_list

import data.exportctl.lib.clauses
import data.exportctl.lib.dual_use
import data.exportctl.lib.items
import data.exportctl.lib.parties
import data.exportctl.lib.result

_listed_elements := dual_use.elements(clauses.clause(result.provision(rego.metadata.chain()).custom.clause))

_matches contains m if {
	some m in parties.all_matches(input)
	m.list == "control_list"
}

_facts(m, item) := object.union(
	object.filter(m, ["party", "role", "entity", "via", "owner", "share", "list"]),
	object.union(object.filter(item, ["origin"]), {
		"control_codes": sort(items.classification(item).codes),
		"transferor_country": input.transferor.country,
		"destination": input.destination,
	}),
)

findings contains result.finding_for(rego.metadata.chain(), m.clause, item.id, "prohibited", _facts(m, item)) if {
	some m in _matches
	some item in input.items
	dual_use.reaches(clauses.clause(m.clause), item)
	dual_use.item(item, _listed_elements)
}

# The needs finding cites the Regulation, so it is asked only while the matched listing applies.
findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": sprintf(
		"party %s matches the control-list entry %s (%s): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item",
		[m.party, m.entity, m.clause],
	),
}]) if {
	some m in _matches
	clauses.status(m.clause, input.date).in_force
	some item in input.items
	dual_use.reaches(clauses.clause(m.clause), item)
	dual_use.undetermined(item, _listed_elements)
}

# A party whose name begins with a listed name may be that entity or one of its units: the
# cautious reading asks who it is rather than clear the transfer.
findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "parties",
	"why": sprintf(
		"party %s (%s) may be the control-list entity %s (%s): confirm it is not that entity or a unit it owns 50 %% or more, or record it as a listed party",
		[m.party, m.role, m.entity, m.clause],
	),
}]) if {
	some party in object.get(input, "parties", [])
	some m in parties.possible_matches(party)
	m.list == "control_list"
	clauses.status(m.clause, input.date).in_force
	some item in input.items
	dual_use.reaches(clauses.clause(m.clause), item)
	not _known_notdual_use.item(item, _listed_elements)
}

_known_notdual_use["item"](item, _listed_elements) if {
	item.control_code == "not_listed"
	not dual_use.item(item, _listed_elements)
}

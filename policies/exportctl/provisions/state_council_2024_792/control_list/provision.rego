# METADATA
# title: Dual-use items may not go to a party on the export-control control list
# description: >-
#   MOFCOM prohibits exports of dual-use items to the entities it puts on the control list, named
#   under any published form of their names. Listings that bind overseas transferors also forbid
#   them to transfer Chinese-origin dual-use items to a listed entity. Each finding cites the listing
#   that matched, so it applies from that listing's date. The prohibition does not reach units a
#   listed entity owns (the 50 % rule is No. 61 Art. 2's): where Art. 2 does not reach the transfer,
#   the decision warns about such a unit, naming its listed owner. A watch-list match does not
#   prohibit: the decision states its consequences. A listing recorded without all its names makes
#   every decision with parties say that unrecorded names were not screened.
# related_resources:
#   - description: Dual-use Items Export Control Regulation, Arts. 28-29 (S68)
#     ref: http://www.csrcare.com/Law/LawShowEn?id=233583
#   - description: MOFCOM Announcement No. 11 of 2026 (control list, 20 Japanese entities)
#     ref: https://www.geopolitechs.org/p/china-sanctions-50-japanese-companies
#   - description: Watch-list announcement of 24 February 2026 and its consequences
#     ref: https://www.ettoday.net/news/20260224/3122152.htm
# custom:
#   id: state_council_2024_792/control_list
#   aliases:
#     - CN-LIST-01
#     - cn_control_list
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.state_council_2024_792.control_list

import data.exportctl.config
import data.exportctl.lib.clauses
import data.exportctl.lib.dual_use
import data.exportctl.lib.items
import data.exportctl.lib.no61
import data.exportctl.lib.parties
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_listed_elements := dual_use.elements(result.clause_of(rego.metadata.chain()))

_matches contains m if {
	some m in parties.all_name_matches(input)
	m.list == "control_list"
}

_facts(m, item) := object.union(
	object.filter(m, ["party", "role", "entity", "via", "list"]),
	object.union(object.filter(item, ["origin"]), object.union(
		{"control_codes": sort(items.classification(item).codes)},
		transfer.facts,
	)),
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
	some item in _reached_whileclauses.in_force(m)
	dual_use.undetermined(item, _listed_elements)
}

# A party whose name begins with a listed name may be that entity under another form of its name:
# the cautious reading asks who it is rather than clear the transfer.
findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "parties",
	"why": sprintf(
		"party %s (%s) may be the control-list entity %s (%s): confirm it is not that entity, or record it as a listed party",
		[m.party, m.role, m.entity, m.clause],
	),
}]) if {
	some party in object.get(input, "parties", [])
	some m in parties.possible_matches(party)
	m.list == "control_list"
	some item in _reached_whileclauses.in_force(m)
	not _declared_not_dual_use(item)
}

# The items the listing of match `m` reaches, while that listing is in force.
_reached_whileclauses["in_force"](m) := {item |
	clauses.in_force(m.clause)
	some item in input.items
	dual_use.reaches(clauses.clause(m.clause), item)
}

_declared_not_dual_use(item) if {
	item.control_code == "not_listed"
	not dual_use.item(item, _listed_elements)
}

# A watch-list match is not a prohibition; its consequences, as the listing states them, are.
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"party %s (%s) is on the export-control watch list as %s (%s): this does not prohibit the transfer, but %s",
	[m.party, m.role, m.entity, clauses.citation(m.clause).instrument, parties.listings[m.clause].consequences],
)) if {
	some m in parties.all_name_matches(input)
	m.list == "watch_list"
	clauses.in_force(m.clause)
}

# A watch-list listing that bars general licences: a general licence held does not cover the
# transfer (the decision's licence matching applies this through parties.general_licence_bars).
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"licence %s is a general licence: it does not cover a transfer to %s, which is on the export-control watch list as %s (%s); an individual licence is needed",
	[licence.id, m.party, m.entity, clauses.citation(m.clause).instrument],
)) if {
	some m in parties.general_licence_bars(input)
	some licence in object.get(input, "licenses", [])
	licence.type == "general"
}

# A name that begins with a watch-listed name may be that entity: the cautious reading says so
# rather than ignore it (a watch-list match does not change whether the transfer is allowed).
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"party %s (%s) may be the watch-list entity %s (%s): confirm it is not that entity; if it is, %s",
	[m.party, m.role, m.entity, clauses.citation(m.clause).instrument, parties.listings[m.clause].consequences],
)) if {
	some party in object.get(input, "parties", [])
	some m in parties.possible_matches(party)
	m.list == "watch_list"
	clauses.in_force(m.clause)
}

# A unit held 50 % or more by a listed entity is reached only by No. 61 Art. 2; where Art. 2 does
# not reach the transfer on its date, the unit is not cleared silently.
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"party %s (%s) is %v %% owned by %s, which is on the export-control %s as %s (%s): the listing reaches the listed entity itself, not units it owns, and No. 61 Art. 2 (units held 50 %% or more: licences denied in principle) does not reach this transfer on its date; check who controls the party before going ahead",
	[m.party, m.role, m.share * 100, m.owner, _list_name[m.list], m.entity, clauses.citation(m.clause).instrument],
)) if {
	some party in object.get(input, "parties", [])
	some m in parties.owner_matches(party)
	clauses.in_force(m.clause)
	not _art2_reaches(party)
}

_list_name := {"control_list": "control list", "watch_list": "watch list"}

_art2_ref := config.affiliate_share.reaches_through

# Art. 2 qualifies a No. 61 Art. 1 licence requirement: it reaches the party when Art. 2 and a
# requirement it qualifies are in force, and the party has a role Art. 2 names.
_art2_reaches(party) if {
	party.role in clauses.clause(_art2_ref).party_roles
	clauses.in_force(_art2_ref)
	no61.requirement_in_force
}

# Honest incompleteness: a listing in force recorded without all its names was screened only
# against the names it records.
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"names not in this bundle's lists have not been screened; screen them against the published list: %s (%s, %s). Recorded: %s",
	[clauses.citation(ref).instrument, clause.article, clauses.citation(ref).url, clause.completeness_note],
)) if {
	count(object.get(input, "parties", [])) > 0
	some ref, clause in parties.listings
	clause.complete == false
	clauses.in_force(ref)
}

# Who the parties are decides whether a listing reaches the transfer: absent, they are asked for
# while a control listing in force could reach an item that is or may be a dual-use item.
findings contains result.depends(rego.metadata.chain(), item.id, [{
	"field": "parties",
	"path": ["parties"],
	"why": "dual-use items may not go to a party on the control list: name the consignee and end user so that they can be screened",
}]) if {
	some item in input.items
	dual_use.possible(item, _listed_elements)
	some ref, listing in parties.listings
	listing.list == "control_list"
	clauses.in_force(ref)
	dual_use.reaches(listing, item)
}

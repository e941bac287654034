# METADATA
# title: No. 61 licences for military users and listed parties are denied in principle
# description: >-
#   Where Announcement No. 61 requires a licence, applications for overseas military users, and for
#   importers and end users on China's export-control control list or watch list, including units
#   they hold 50 % or more, are in principle not approved.
# related_resources:
#   - description: MOFCOM Announcement No. 61 of 2025, Art. 2, Chinese text (S21)
#     ref: https://politics.neamco.com/2025-10/09/content_38329670.htm
#   - description: The 50 % rule (S91)
#     ref: https://www.fredgao.com/p/china-implements-new-export-controls
# custom:
#   id: mofcom_2025_061/end_users
#   aliases:
#     - CN-REE-0061-04
#     - cn_no61_end_users
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.end_users

import data.exportctl.lib.clauses
import data.exportctl.lib.no61
import data.exportctl.lib.parties
import data.exportctl.lib.result

_clause := result.clause_of(rego.metadata.chain())

_parties contains party if {
	some party in input.parties
	party.role in _clause.party_roles
}

_grounds contains {"party": party.name, "role": party.role, "basis": "military_user"} if {
	some party in _parties
	party.military == true
}

_grounds contains object.union({"basis": m.list}, object.remove(m, ["list"])) if {
	some party in _parties
	some m in parties.matches(party)
	clauses.in_force(m.clause)
}

findings contains result.attached_finding(
	rego.metadata.chain(), item, "license_required",
	object.union({"grounds": [g | some g in _grounds]}, required.facts), required.requires,
) if {
	count(_grounds) > 0
	some item, required in no61.required
}

# A consignee or end user whose name begins with a listed name may be that entity (or another
# form of its name): whether Art. 2 denies the licence in principle depends on it, so it is asked.
findings contains object.union(
	result.needs(rego.metadata.chain(), item, [{
		"field": "parties",
		"why": sprintf(
			"%s %s may be the %s entity %s (%s), which would deny the licence in principle: confirm it is not that entity, or name it as listed",
			[m.role, m.party, _list_name[m.list], m.entity, clauses.citation(m.clause).instrument],
		),
	}]),
	{"requires_any": required.requires},
) if {
	some item, required in no61.required
	some party in _parties
	some m in parties.possible_matches(party)
	clauses.in_force(m.clause)
}

_list_name := {"control_list": "control-list", "watch_list": "watch-list"}

# Who the consignees and end users are, and whether they are military users, decide the policy:
# absent, they are asked for while a No. 61 requirement they would qualify is in force.
findings contains result.attached_depends(rego.metadata.chain(), item, _needed, required.requires) if {
	some item, required in no61.required
}

_needed := array.concat(
	[{
		"field": "parties",
		"path": ["parties"],
		"why": "No. 61 licences for military users and listed consignees or end users are denied in principle: name the consignee and end user",
	}],
	[{
		"field": sprintf("parties[%d].military", [i]),
		"path": ["parties", i, "military"],
		"why": sprintf("say whether %s %s is a military user (true or false): No. 61 licences for military users are denied in principle", [party.role, party.name]),
	} |
		some i, party in object.get(input, "parties", [])
		party.role in _clause.party_roles
	],
)

# Only direct owners can be stated (legal-update-2026-12 D9): a consignee or end user given with no
# owners may still be a branch or an indirect unit of a listed party.
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"party %s (%s) is given with no owners: Art. 2 also reaches units held 50 %% or more by a listed party, and branches; a branch or an indirect holding is stated by naming the listed parent as an owner with its ultimate share",
	[party.name, party.role],
)) if {
	some party in _parties
	not party.owners
	no61.requirement_in_force
}

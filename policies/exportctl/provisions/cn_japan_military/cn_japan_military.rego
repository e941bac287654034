# METADATA
# title: Dual-use items may not go to Japanese military users or military uses
# description: >-
#   MOFCOM Announcement No. 1 of 2026 prohibits exporting any dual-use item to Japanese military
#   users, or for military uses in Japan. Organisations and individuals of any country that transfer
#   Chinese-origin dual-use items to Japan in breach are liable, so overseas transferors of
#   Chinese-origin dual-use items are bound too.
# related_resources:
#   - description: MOFCOM Announcement No. 1 of 2026, secondary report (S53)
#     ref: https://www.geopolitechs.org/p/china-plans-to-reimpose-rare-earth
#   - description: News report (S54)
#     ref: https://www.channelnewsasia.com/east-asia/japan-urges-china-drop-controls-dual-use-exports-5829036?cid=cna_flip_070214
# custom:
#   id: CN-JP-2026-01
#   clause: mofcom_2026_001/military_ban
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_japan_military

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.clause)

_listed_elements := {e |
	some ref in _clause.dual_use_elements_from
	some e in clauses.clause(ref).elements
}

_limbs contains {"limb": "military_user", "party": party.name, "role": party.role} if {
	some party in object.get(input, "parties", [])
	party.country == _clause.country
	party.military == true
}

_limbs contains {"limb": "military_use", "end_use": "military"} if {
	input.destination == _clause.country
	"military" in object.get(input, ["end_use", "categories"], [])
}

_reaches(_) if input.transferor.country == "CN"

_reaches(item) if {
	input.transferor.country != "CN"
	_clause.binds_overseas_transferors
	item.origin == "CN"
}

_dual_use(item) if items.classification(item).status == "listed"

_dual_use(item) if {
	item.control_code
	item.control_code != "not_listed"
}

# Gallium, germanium and antimony items are listed by element in their own instruments' records.
_dual_use(item) if {
	object.get(item, "control_code", "") != "not_listed"
	some element in item.material.elements
	element in _listed_elements
}

_undetermined(item) if {
	not item.control_code
	not _dual_use(item)
}

findings contains result.finding(rego.metadata.chain(), item.id, "prohibited", object.union(limb, {
	"control_codes": sort(items.classification(item).codes),
	"transferor_country": input.transferor.country,
	"destination": input.destination,
})) if {
	some limb in _limbs
	some item in input.items
	_reaches(item)
	_dual_use(item)
}

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": sprintf(
		"the transfer goes to a %s (%s): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item",
		[concat(", ", sort({l.limb | some l in _limbs})), _clause.country],
	),
}]) if {
	count(_limbs) > 0
	some item in input.items
	_reaches(item)
	_undetermined(item)
}

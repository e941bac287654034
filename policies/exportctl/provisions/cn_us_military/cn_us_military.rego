# METADATA
# title: Dual-use items may not be exported to US military users or military uses
# description: >-
#   Clause 1 of MOFCOM Announcement No. 46 of 2024 prohibits exporting dual-use items to US military
#   users or for military uses. No. 72 of 2025 suspended clause 2 only; clause 1 stays in force. The
#   retrieved sources bind exporters in China only.
# related_resources:
#   - description: MOFCOM Announcement No. 46 of 2024, news report quoting it (S43)
#     ref: https://udn.com/news/story/7331/9128338
#   - description: Report that clause 1 stays in force (S44)
#     ref: https://laganinews.com/en/2025/11/09/china-temporarily-suspends-ban-on-exports-of-gallium-germanium-and-antimony-to-us-2
# custom:
#   id: CN-US-0046-01
#   clause: mofcom_2024_046/military_users
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_us_military

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

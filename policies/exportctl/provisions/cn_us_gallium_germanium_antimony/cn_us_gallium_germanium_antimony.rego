# METADATA
# title: Gallium, germanium and antimony items to the United States are in principle not licensed
# description: >-
#   Clause 2 of MOFCOM Announcement No. 46 of 2024: in principle no export of gallium, germanium,
#   antimony and superhard-material dual-use items to the United States is licensed. An export from
#   China of such an item to the US needs a licence under a presumption of denial. No. 72 of 2025
#   suspends the clause from 9 November 2025 until 27 November 2026.
# related_resources:
#   - description: MOFCOM Announcement No. 46 of 2024, news report quoting it (S43)
#     ref: https://udn.com/news/story/7331/9128338
#   - description: Suspension by Announcement No. 72 of 2025 (S93)
#     ref: https://www.pakistantoday.com.pk/2025/11/09/china-suspends-part-of-control-measures-on-dual-use-items-export-to-us/
# custom:
#   id: CN-US-0046-02
#   clause: mofcom_2024_046/ga_ge_sb_superhard
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_us_gallium_germanium_antimony

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.clause)

# MOFCOM FAQ No. 5 (S7): phosphors containing gallium oxide are not gallium-oxide controlled items.
_excluded(item) if item.category in _clause.excluded_categories

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union(object.filter(item, ["control_code"]), {
	"elements": sort(elements),
	"transferor_country": input.transferor.country,
	"destination": input.destination,
})) if {
	input.transferor.country == "CN"
	input.destination == _clause.destination
	some item in input.items
	object.get(item, "control_code", "") != "not_listed"
	not _excluded(item)
	elements := {e | some e in item.material.elements; e in _clause.elements}
	count(elements) > 0
}

# The items are recognised by their elements: an item exported from China to the US whose material
# and code are unknown may be one.
findings contains result.depends(rego.metadata.chain(), item.id, items.material_facts(i, sprintf(
	"gallium, germanium and antimony items to the US (%s) are recognised by their elements: give the item's material or its control_code",
	[result.provision(rego.metadata.chain()).custom.clause],
))) if {
	input.transferor.country == "CN"
	input.destination == _clause.destination
	some i, item in input.items
	items.goods(item)
	not _excluded(item)
}

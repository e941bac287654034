# METADATA
# title: Export from China of antimony items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 33 of 2024 requires a dual-use export licence for antimony ore and raw
#   materials, antimony metal and products, high-purity antimony oxides, organic compounds and hydride,
#   indium antimonide of stated quality, and gold-antimony smelting and separation technology.
# related_resources:
#   - description: Stored English copy of Announcement No. 33 of 2024
#     ref: https://um-material.com/news/announcement-no-33-of-2024-of-the-ministry-of-commerce-and-the-general-administration-of-customs-of-china-on-the-implementation-of-export-control-on-antimony-and-other-items
#   - description: Copy stating implementation from 15 September 2024
#     ref: http://taishanchuanggu.com/en/NewsInfo.asp?ArticleID=1220
# custom:
#   id: CN-SB-2024-01
#   clause: mofcom_gac_2024_033/antimony_items
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_export_antimony

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.clause)

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union(object.filter(item, ["control_code"]), {
	"elements": sort(elements),
	"transferor_country": input.transferor.country,
	"destination": input.destination,
})) if {
	transfer.from_china
	some item in input.items
	object.get(item, "control_code", "") != "not_listed"
	elements := {e | some e in item.material.elements; e in _clause.elements}
	count(elements) > 0
}

# Antimony items are recognised by their elements: an item exported from China whose material and
# code are unknown may be one.
findings contains result.depends(rego.metadata.chain(), item.id, items.material_facts(i, sprintf(
	"antimony items (%s) are recognised by their elements: give the item's material or its control_code",
	[result.provision(rego.metadata.chain()).custom.clause],
))) if {
	transfer.from_china
	some i, item in input.items
	items.goods(item)
}

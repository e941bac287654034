# METADATA
# title: Deep-processed products are generally outside Announcement No. 18
# description: >-
#   MOFCOM's FAQ No. 5 says motor rotor and stator assemblies, moulded sensors, calcined rare-earth
#   catalysts, phosphors and downstream products fitted with Sm-Co, Tb-NdFeB or Dy-NdFeB magnets are
#   deep-processed products, generally outside Announcement No. 18. "Generally": a product that is not
#   genuinely deep-processed stays controlled, and a listed control code given by the exporter prevails.
# related_resources:
#   - description: MOFCOM Dual-use Items FAQ No. 5 (rare-earth items), stored copy (S7)
#     ref: http://jying.cn/archiver/tid-242634.html
#   - description: English summary (S8)
#     ref: https://yjmagnetic.com/?p=3241
# custom:
#   id: mofcom_faq_2025_05/deep_processed
#   aliases:
#     - CN-REE-0018-FAQ5
#     - cn_export_no18_faq5
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_faq_2025_05.deep_processed

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := result.clause_of(rego.metadata.chain())

findings contains result.finding(rego.metadata.chain(), item.id, "not_required", object.union({"category": item.category}, transfer.facts)) if {
	transfer.from_china
	some item in input.items
	items.goods(item)
	item.category in _clause.categories
	not item.control_code
}

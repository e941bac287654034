# METADATA
# title: Export from China of an item under a list code the bundle does not encode needs a licence
# description: >-
#   An exporter in China needs a MOFCOM licence for any item on the Dual-use Items Export Control List
#   (Export Control Law Art. 12, applied by the Dual-use Items Export Control Regulation). An item
#   declared under a list code that no encoded announcement covers is never cleared: it needs a
#   licence under the Regulation, and the decision warns that the announcement that listed the item
#   is not encoded.
# related_resources:
#   - description: Export Control Law Art. 12, quoted in an article-by-article commentary (S66)
#     ref: http://www.digipub.cc/dy/article/KC2J701I05562JTQ.html?spss=dy_author
#   - description: English text of the Regulation (S68)
#     ref: http://www.csrcare.com/Law/LawShowEn?id=233583
# custom:
#   id: state_council_2024_792/listed_items_licence
#   aliases:
#     - CN-DUL-01
#     - cn_dual_use_list
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.state_council_2024_792.listed_items_licence

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := result.clause_of(rego.metadata.chain())

_unencoded contains item if {
	transfer.from_china
	some item in input.items
	regex.match(_clause.code_pattern, item.control_code)
	not items.encoded(item.control_code)
}

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union({"control_code": item.control_code}, transfer.facts)) if {
	some item in _unencoded
}

warnings contains result.warning(rego.metadata.chain(), sprintf(
	"item %s: control code %s is a Dual-use Items Export Control List code that this bundle does not encode; the licence requirement shown is the Regulation's own, and the announcement that listed the item (its scope, dates, suspensions and licensing policy) is not encoded: check it",
	[item.id, item.control_code],
)) if {
	some item in _unencoded
}

# METADATA
# title: Export from China of gallium and germanium items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 23 of 2023 requires a dual-use export licence for gallium-related
#   items (metal, nitride, oxide, phosphide, arsenide, indium gallium arsenide, selenide, antimonide)
#   and germanium-related items (metal, zone-refined ingots, zinc germanium phosphide, epitaxial
#   substrates, dioxide, tetrachloride). It stays in force while the US-specific ban of No. 46 of 2024
#   is suspended.
# related_resources:
#   - description: Law-firm summary of Announcement No. 23 of 2023
#     ref: https://www.mondaq.com/china/export-controls--trade--investment-sanctions/1350848/china-releases-latest-export-control-measures-on-gallium-and-germanium
#   - description: Supplier's copy of the announcement
#     ref: http://szfmmetal.com/index.php?c=News&a=view&aid=538&lang=en
# custom:
#   id: CN-GAGE-2023-01
#   clause: mofcom_gac_2023_023/items_licence
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_export_gallium_germanium

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.clause)

# MOFCOM FAQ No. 5 (S7): phosphors containing gallium oxide are not gallium-oxide controlled items.
_excluded(item) if item.category in _clause.excluded_categories

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union(object.filter(item, ["control_code"]), {
	"elements": sort(elements),
	"transferor_country": input.transferor.country,
	"destination": input.destination,
})) if {
	transfer.from_china
	some item in input.items
	items.goods(item)
	object.get(item, "control_code", "") != "not_listed"
	not _excluded(item)
	elements := {e | some e in item.material.elements; e in _clause.elements}
	count(elements) > 0
}

# Gallium and germanium items are recognised by their elements: an item exported from China whose
# material and code are unknown may be one.
findings contains result.depends(rego.metadata.chain(), item.id, items.material_facts(i, sprintf(
	"gallium and germanium items (%s) are recognised by their elements: give the item's material or its control_code",
	[result.provision(rego.metadata.chain()).custom.clause],
))) if {
	transfer.from_china
	some i, item in input.items
	items.goods(item)
	not _excluded(item)
}

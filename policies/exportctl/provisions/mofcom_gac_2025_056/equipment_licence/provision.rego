# METADATA
# title: Export from China of listed rare-earth production equipment needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 56 of 2025 requires a dual-use export licence for rare-earth
#   production and processing equipment (2B902: centrifugal extraction equipment, ion-ore
#   impurity-removal and precipitation equipment, roasting kilns and further types) and listed raw and
#   auxiliary materials. It was due on 8 November 2025 and suspended by No. 70 of 2025 before it began.
# related_resources:
#   - description: Stored copy of the announcement text (S15)
#     ref: https://law.esnai.com/view/227630
#   - description: Secondary summary (S19)
#     ref: https://www.chinatrademonitor.com/china-expands-rare-earth-export-controls
# custom:
#   id: mofcom_gac_2025_056/equipment_licence
#   aliases:
#     - CN-REE-0056-01
#     - cn_export_no56
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2025_056.equipment_licence

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := result.clause_of(rego.metadata.chain())

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union({"control_code": item.control_code}, transfer.facts)) if {
	transfer.from_china
	some item in input.items
	items.goods(item)
	some group in items.classification(item).groups
	group in _clause.covers_groups
}

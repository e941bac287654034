# METADATA
# title: Export from China of listed superhard-material items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 55 of 2025 requires a dual-use export licence for synthetic-diamond
#   micropowder, single crystals, wire saws and grinding wheels of stated specifications, and DC arc
#   plasma jet CVD equipment and process technology. No control codes were retrieved, so the item's
#   declared category decides. It was due on 8 November 2025 and suspended by No. 70 of 2025 before it
#   began.
# related_resources:
#   - description: Secondary report citing the MOFCOM page (S16)
#     ref: https://www.chemradar.com/en/news/detail/f3s7t2oy9qf4
#   - description: Secondary report of the dates (S14)
#     ref: https://en.ckhq.net/html/16f9c2b7fdc5c52b80f12f35d0be1305.html
# custom:
#   id: CN-0055-01
#   clause: mofcom_gac_2025_055/items_licence
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.cn_export_no55

import data.exportctl.lib.clauses
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.clause)

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", {
	"category": item.category,
	"transferor_country": input.transferor.country,
	"destination": input.destination,
}) if {
	transfer.from_china
	some item in input.items
	item.category in _clause.categories
}

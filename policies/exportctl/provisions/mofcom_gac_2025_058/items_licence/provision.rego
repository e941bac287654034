# METADATA
# title: Export from China of listed lithium-battery and graphite-anode items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 58 of 2025 requires a dual-use export licence for Li-ion cells and
#   packs of 300 Wh/kg or more, high-density LFP cathode, cathode precursors, artificial-graphite anode
#   and the listed production equipment and technologies (3B901, 3C901, 3E901 and others): the item's
#   declared category or control code decides. It was due on 8 November 2025 and suspended by No. 70
#   of 2025 before it began.
# related_resources:
#   - description: Stored copy of the item list (S17)
#     ref: https://www.katepardey.com/2025-10/ART-36008-8120-30671913.html
#   - description: The text with its control codes on MOFCOM's licensing site (excerpt)
#     ref: https://xkzj.mofcom.gov.cn/tzgg/art/2025/art_1bc20676fe4f4c1ea0f25c274ede7cac.html
#   - description: Secondary report (S18)
#     ref: https://longbridge.cn/news/260418920
# custom:
#   id: mofcom_gac_2025_058/items_licence
#   aliases:
#     - CN-0058-01
#     - cn_export_no58
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2025_058.items_licence

import data.exportctl.lib.listed_export

findings := listed_export.by_category_or_code(rego.metadata.chain())

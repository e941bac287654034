# METADATA
# title: Export from China of listed superhard-material items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 55 of 2025 requires a dual-use export licence for synthetic-diamond
#   micropowder, single crystals, wire saws and grinding wheels of stated specifications, and DC arc
#   plasma jet CVD equipment and process technology (2C902.a-d, 2B005.b, 2E902): the item's declared
#   category or control code decides. It was due on 8 November 2025 and suspended by No. 70 of 2025
#   before it began.
# related_resources:
#   - description: Secondary report citing the MOFCOM page (S16)
#     ref: https://www.chemradar.com/en/news/detail/f3s7t2oy9qf4
#   - description: English translation of the text with the control codes
#     ref: http://m.sscollege.cn/en/news/44880.html
#   - description: Secondary report of the dates (S14)
#     ref: https://en.ckhq.net/html/16f9c2b7fdc5c52b80f12f35d0be1305.html
# custom:
#   id: mofcom_gac_2025_055/items_licence
#   aliases:
#     - CN-0055-01
#     - cn_export_no55
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2025_055.items_licence

import data.exportctl.lib.listed_export

findings := listed_export.by_category_or_code(rego.metadata.chain())

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
#   id: mofcom_gac_2024_033/antimony_items
#   aliases:
#     - CN-SB-2024-01
#     - cn_export_antimony
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2024_033.antimony_items

import data.exportctl.lib.listed_export

findings := listed_export.by_element(rego.metadata.chain())

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
#   id: mofcom_2024_046/ga_ge_sb_superhard
#   aliases:
#     - CN-US-0046-02
#     - cn_us_gallium_germanium_antimony
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2024_046.ga_ge_sb_superhard

import data.exportctl.lib.listed_export

findings := listed_export.by_element(rego.metadata.chain())

# METADATA
# title: No. 61 licences for advanced-chip and military-AI end uses are reviewed case by case
# description: >-
#   Where Announcement No. 61 requires a licence, applications whose end use is R&D or production of logic chips of 14 nm and below or memory chips of 256 layers and above, of equipment and materials to make them, or R&D of AI with potential military applications are reviewed case by case.
# related_resources:
#   - description: MOFCOM Announcement No. 61 of 2025, Art. 4 (S22)
#     ref: http://www.weishitang.cn/news/2703292.html
#   - description: Effective dates and end-use policy (S23)
#     ref: https://www.chemradar.com/en/news/detail/f1la2toi5p1c
# custom:
#   id: mofcom_2025_061/case_by_case
#   aliases:
#     - CN-REE-0061-06
#     - cn_no61_case_by_case
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.case_by_case

import data.exportctl.lib.no61

findings := no61.by_end_use(rego.metadata.chain())

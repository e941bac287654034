# METADATA
# title: Dual-use items may not be exported to US military users or military uses
# description: >-
#   Clause 1 of MOFCOM Announcement No. 46 of 2024 prohibits exporting dual-use items to US military
#   users or for military uses. No. 72 of 2025 suspended clause 2 only; clause 1 stays in force. The
#   retrieved sources bind exporters in China only.
# related_resources:
#   - description: MOFCOM Announcement No. 46 of 2024, news report quoting it (S43)
#     ref: https://udn.com/news/story/7331/9128338
#   - description: Report that clause 1 stays in force (S44)
#     ref: https://laganinews.com/en/2025/11/09/china-temporarily-suspends-ban-on-exports-of-gallium-germanium-and-antimony-to-us-2
# custom:
#   id: mofcom_2024_046/military_users
#   aliases:
#     - CN-US-0046-01
#     - cn_us_military
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2024_046.military_users

import data.exportctl.lib.military_ban

findings := military_ban.findings(rego.metadata.chain())

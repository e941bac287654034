# METADATA
# title: Dual-use items may not go to Japanese military users or military uses
# description: >-
#   MOFCOM Announcement No. 1 of 2026 prohibits exporting any dual-use item to Japanese military
#   users, or for military uses in Japan. Organisations and individuals of any country that transfer
#   Chinese-origin dual-use items to Japan in breach are liable, so overseas transferors of
#   Chinese-origin dual-use items are bound too.
# related_resources:
#   - description: MOFCOM Announcement No. 1 of 2026, secondary report (S53)
#     ref: https://www.geopolitechs.org/p/china-plans-to-reimpose-rare-earth
#   - description: News report (S54)
#     ref: https://www.channelnewsasia.com/east-asia/japan-urges-china-drop-controls-dual-use-exports-5829036?cid=cna_flip_070214
# custom:
#   id: mofcom_2026_001/military_ban
#   aliases:
#     - CN-JP-2026-01
#     - cn_japan_military
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2026_001.military_ban

import data.exportctl.lib.military_ban

findings := military_ban.findings(rego.metadata.chain())

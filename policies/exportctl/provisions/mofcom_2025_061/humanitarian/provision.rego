# METADATA
# title: Humanitarian end uses are exempt from No. 61 licensing
# description: >-
#   Exports whose end use is emergency medical care, response to public-health emergencies or
#   natural-disaster relief are exempt from the licence requirements of Announcement No. 61. The
#   exemption reaches No. 61 only: a prohibition under another instrument still applies.
# related_resources:
#   - description: MOFCOM spokesperson on Announcement No. 61, 9 October 2025 (S28)
#     ref: https://www.haianda.com/a/chanpinzhongxin/xingchejiluyi/514.html
#   - description: Spokesperson statement (S29)
#     ref: https://reportify.cn/social-media/728450134487574
# custom:
#   id: mofcom_2025_061/humanitarian
#   aliases:
#     - CN-REE-0061-07
#     - cn_no61_humanitarian
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.humanitarian

import data.exportctl.lib.no61
import data.exportctl.lib.result

_clause := result.clause_of(rego.metadata.chain())

# Cautious reading (recorded in the clause's interpretation): every declared end use must be humanitarian.
_humanitarian if {
	count(input.end_use.categories) > 0
	every c in input.end_use.categories {
		c in _clause.end_uses
	}
}

findings contains result.attached_finding(
	rego.metadata.chain(), item, "exempt", {
		"end_uses": sort(input.end_use.categories),
		"exempts": _clause.exempts,
	},
	required.requires,
) if {
	_humanitarian
	some item, required in no61.required
}

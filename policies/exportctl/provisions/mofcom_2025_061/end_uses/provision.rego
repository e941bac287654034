# METADATA
# title: No. 61 licences for WMD, terrorist or military end uses are denied in principle
# description: >-
#   Where Announcement No. 61 requires a licence, applications whose end use is the design, development, production or use of weapons of mass destruction or their means of delivery, terrorism, or military use or the enhancement of military potential are in principle not approved.
# related_resources:
#   - description: MOFCOM Announcement No. 61 of 2025, Art. 3 (S22)
#     ref: http://www.weishitang.cn/news/2703292.html
#   - description: Effective dates and end-use policy (S23)
#     ref: https://www.chemradar.com/en/news/detail/f1la2toi5p1c
# custom:
#   id: mofcom_2025_061/end_uses
#   aliases:
#     - CN-REE-0061-05
#     - cn_no61_end_uses
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.end_uses

import data.exportctl.lib.no61
import data.exportctl.lib.result

findings := no61.by_end_use(rego.metadata.chain()) | _end_use_questions

# The end use decides the policy (Arts. 3 and 4) and the humanitarian exemption: absent, it is
# asked for while a No. 61 requirement it would qualify is in force.
_end_use_questions contains result.attached_depends(
	rego.metadata.chain(), item, [{
		"field": "end_use.categories",
		"path": ["end_use", "categories"],
		"why": "No. 61 licences for WMD, terrorist or military end uses are denied in principle and advanced-chip uses are reviewed case by case: declare the end use",
	}],
	required.requires,
) if {
	some item, required in no61.required
}

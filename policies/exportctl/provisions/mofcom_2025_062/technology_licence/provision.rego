# METADATA
# title: Export of listed rare-earth technologies needs a licence
# description: >-
#   MOFCOM Announcement No. 62 of 2025 requires a dual-use export licence for rare-earth mining,
#   smelting/separation, metal smelting, magnet manufacturing and recycling technologies and their
#   carriers (1E902.a), and for technologies to assemble, commission, maintain, repair and upgrade
#   those production lines (1E902.b). Export includes provision to foreign parties inside China. It
#   took effect on publication and is suspended by No. 70 of 2025 from 7 November 2025.
# related_resources:
#   - description: Stored copy of the announcement text (S37)
#     ref: https://hk.crntt.com/doc/1071/2/8/3/107128315.html?coluid=7&kindid=0&docid=107128315&mdate=1009103221
#   - description: English summary (S36)
#     ref: http://www.sscollege.cn/en/news/44809.html
# custom:
#   id: mofcom_2025_062/technology_licence
#   aliases:
#     - CN-REE-0062-01
#     - cn_export_no62
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_062.technology_licence

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.technology
import data.exportctl.lib.transfer

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union(
	{"control_code": item.control_code},
	transfer.facts,
)) if {
	some item in technology.exported_technology
	some group in items.classification(item).groups
	group in result.clause_of(rego.metadata.chain()).covers_groups
}

findings contains f if {
	some f in technology.questions(
		rego.metadata.chain(),
		"a technology exported from China may be a listed rare-earth technology (1E902): give its control-list classification (control_code, or not_listed)",
	)
}

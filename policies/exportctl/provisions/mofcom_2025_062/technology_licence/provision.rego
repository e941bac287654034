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

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.id)

_exported if {
	transfer.from_china
}

# "Export" includes provision to a foreign organisation or individual inside China.
_exported if {
	input.transferor.country == "CN"
	some party in object.get(input, "parties", [])
	party.country != "CN"
}

_technology contains item if {
	_exported
	some item in input.items
	item.kind == "technology"
}

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", {
	"control_code": item.control_code,
	"transferor_country": input.transferor.country,
	"destination": input.destination,
}) if {
	some item in _technology
	some group in items.classification(item).groups
	group in _clause.covers_groups
}

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": "a technology exported from China may be a listed rare-earth technology (1E902): give its control-list classification (control_code, or not_listed)",
}]) if {
	some item in _technology
	not item.control_code
}

# A technology sent without its kind reads as goods: where its code or areas say it may be a
# technology, the kind is asked for.
findings contains result.depends(rego.metadata.chain(), item.id, items.kind_facts(i, _clause.covers_groups)) if {
	_exported
	some i, item in input.items
}

# METADATA
# title: Annex 1 items made abroad with Chinese-origin rare-earth technology need a licence
# description: >-
#   An Annex 1 item produced outside China using Chinese-origin rare-earth mining, smelting and
#   separation, metal smelting, magnet manufacturing or secondary-resource recycling technology needs a
#   MOFCOM licence before an overseas transferor exports it to any country other than China, whatever
#   its Chinese content. Whether such technology was used must be declared: absent means unknown.
# related_resources:
#   - description: MOFCOM Announcement No. 61 of 2025, Art. 1(2), Chinese text (S21)
#     ref: https://politics.neamco.com/2025-10/09/content_38329670.htm
#   - description: English summary (S20)
#     ref: http://www.sscollege.cn/en/news/44800.html
# custom:
#   id: mofcom_2025_061/technology_rule
#   aliases:
#     - CN-REE-0061-02
#     - cn_no61_technology
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.technology_rule

import data.exportctl.lib.annex1
import data.exportctl.lib.no61
import data.exportctl.lib.result

findings contains result.finding(rego.metadata.chain(), input.items[i].id, "license_required", facts) if {
	some i, facts in no61.technology
}

findings contains result.needs(rego.metadata.chain(), input.items[i].id, [{
	"field": "produced_with_cn_technologies",
	"why": "an Annex 1 item made abroad needs a licence if Chinese-origin rare-earth technology was used anywhere in producing it: declare the technologies used, or [] for none",
}]) if {
	some i in no61.made_abroad
	i in annex1.annex_1_item
	not "produced_with_cn_technologies" in object.keys(input.items[i])
}

findings contains f if {
	some f in no61.unclassified(
		rego.metadata.chain(), no61.made_abroad,
		"the item cannot be classified, so it may be an Annex 1 item: give its control_code or material",
	)
}

# Not known to be an Annex 1 item, but possibly an assembly of a magnet: with Chinese technology
# declared, or undeclared, the lines that decide it must be classified.
findings contains result.needs(rego.metadata.chain(), item.id, array.concat(
	annex1.assembly_facts(i),
	[{"field": "produced_with_cn_technologies", "why": "declare the Chinese-origin rare-earth technologies used, or [] for none"} |
		not "produced_with_cn_technologies" in object.keys(item)
	],
)) if {
	some i in no61.made_abroad
	i in annex1.possibly_part_2_item
	item := input.items[i]
	_technology_possible(item)
}

_technology_possible(item) if not "produced_with_cn_technologies" in object.keys(item)

_technology_possible(item) if {
	some t in item.produced_with_cn_technologies
	t in no61.technologies
}

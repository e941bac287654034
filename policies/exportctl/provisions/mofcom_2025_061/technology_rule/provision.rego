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
import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.id)

_annex_1_made_abroad contains i if {
	transfer.overseas
	some i in annex1.annex_1_item
	items.goods(input.items[i])
	input.items[i].origin != "CN"
}

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", object.union(
	{"technologies": used},
	items.code_fact(item),
)) if {
	some i in _annex_1_made_abroad
	item := input.items[i]
	used := sort([t | some t in item.produced_with_cn_technologies; t in _clause.technologies])
	count(used) > 0
}

findings contains result.needs(rego.metadata.chain(), input.items[i].id, [{
	"field": "produced_with_cn_technologies",
	"why": "an Annex 1 item made abroad needs a licence if Chinese-origin rare-earth technology was used anywhere in producing it: declare the technologies used, or [] for none",
}]) if {
	some i in _annex_1_made_abroad
	not "produced_with_cn_technologies" in object.keys(input.items[i])
}

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": "the item cannot be classified, so it may be an Annex 1 item: give its control_code or material",
}]) if {
	transfer.overseas
	some i in annex1.unknown_item
	item := input.items[i]
	items.goods(item)
	item.origin != "CN"
}

# Not known to be an Annex 1 item, but possibly an assembly of a magnet: with Chinese technology
# declared, or undeclared, the lines that decide it must be classified.
findings contains result.needs(rego.metadata.chain(), item.id, array.concat(
	annex1.assembly_facts(i),
	[{"field": "produced_with_cn_technologies", "why": "declare the Chinese-origin rare-earth technologies used, or [] for none"} |
		not "produced_with_cn_technologies" in object.keys(item)
	],
)) if {
	transfer.overseas
	some i in annex1.possibly_part_2_item
	item := input.items[i]
	items.goods(item)
	item.origin != "CN"
	_technology_possible(item)
}

_technology_possible(item) if not "produced_with_cn_technologies" in object.keys(item)

_technology_possible(item) if {
	some t in item.produced_with_cn_technologies
	t in _clause.technologies
}

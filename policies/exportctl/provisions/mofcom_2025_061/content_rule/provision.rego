# METADATA
# title: Foreign-made magnets and targets with 0.1 % or more Chinese-origin rare-earth content need a licence
# description: >-
#   An Annex 1 Part II item made outside China (Sm-Co, Tb- or Dy-containing NdFeB magnet material,
#   parts, components and assemblies containing it, rare-earth targets) that contains Chinese-origin
#   Annex 1 Part I items (Sm, Dy, Gd, Tb, Lu, Sc, Y metals; Sm-Co, Tb-Fe, Dy-Fe, Tb-Dy-Fe alloys;
#   Dy and Tb oxide) worth 0.1 % or more of its value needs a MOFCOM licence before an overseas
#   transferor exports it to any country other than China.
# related_resources:
#   - description: MOFCOM Announcement No. 61 of 2025, Art. 1(1), Chinese text (S21)
#     ref: https://politics.neamco.com/2025-10/09/content_38329670.htm
#   - description: English summary (S20)
#     ref: http://www.sscollege.cn/en/news/44800.html
# custom:
#   id: mofcom_2025_061/content_rule
#   aliases:
#     - CN-REE-0061-01
#     - cn_no61_content
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.content_rule

import data.exportctl.lib.annex1
import data.exportctl.lib.items
import data.exportctl.lib.no61
import data.exportctl.lib.result

findings contains result.finding(rego.metadata.chain(), input.items[i].id, "license_required", facts) if {
	some i, facts in no61.content
}

findings contains result.needs(rego.metadata.chain(), input.items[i].id, [m | some m in annex1.missing[i]]) if {
	some i in no61.made_abroad
	i in annex1.part_2_item
	annex1.missing[i]
}

# Below the threshold on what is known, facts that could add content decide the answer.
findings contains result.needs(rego.metadata.chain(), input.items[i].id, [m | some m in annex1.may_add_content[i]]) if {
	some i in no61.made_abroad
	i in annex1.part_2_item
	not annex1.content[i].reaches_threshold
	annex1.may_add_content[i]
}

# Not known to be a Part II item, but possibly an assembly of a magnet: what it contains must be
# known, and, unless the content found already reaches the threshold, what the content is worth.
findings contains result.needs(rego.metadata.chain(), input.items[i].id, sort([m |
	some m in ({f | some f in annex1.assembly_facts(i)} | _content_facts(i))
])) if {
	some i in no61.made_abroad
	i in annex1.possibly_part_2_item
}

_content_facts(i) := set() if {
	annex1.content[i].reaches_threshold
} else := object.get(annex1.missing, i, set()) | object.get(annex1.may_add_content, i, set())

findings contains f if {
	some f in no61.unclassified(
		rego.metadata.chain(), no61.made_abroad,
		"the item cannot be classified, so it may be an Annex 1 Part II item: give its control_code, material or bill of materials",
	)
}

# METADATA
# description: The contract's de_minimis object for each Part II item made abroad whose content was computed.
item_reports[input.items[i].id] := {"de_minimis": object.remove(annex1.content[i], ["reaches_threshold"])} if {
	some i in no61.made_abroad
	i in annex1.part_2_item
	annex1.content[i]
}

# Where the cautious reading of a GAP decided the requirement, the decision says so.
warnings contains result.warning(rego.metadata.chain(), sprintf(
	"item %s: the Chinese-origin content ratio (%v) was computed as the %s; no source gives the valuation basis of Art. 1(1) (config content_valuation)",
	[input.items[i].id, annex1.content[i].ratio, annex1.content[i].basis],
)) if {
	some i in no61.made_abroad
	i in annex1.part_2_item
	annex1.content[i].reaches_threshold
}

warnings contains result.warning(rego.metadata.chain(), sprintf("item %s: %s %s", [input.items[i].id, code, annex1.part_2_record.interpretation_warning.text])) if {
	some i in no61.made_abroad
	i in annex1.part_2_item
	not _below_threshold(i)
	some code in items.classification(input.items[i]).codes
	some widened in annex1.part_2_record.interpretation_warning.codes
	items.within(code, widened)
}

_below_threshold(i) if not annex1.content[i].reaches_threshold

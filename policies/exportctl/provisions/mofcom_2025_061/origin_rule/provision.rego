# METADATA
# title: Chinese-origin Annex 1 items re-exported by overseas transferors need a licence
# description: >-
#   An overseas transferor needs a MOFCOM licence before exporting Chinese-origin Annex 1 items
#   (the Part I metals, alloys and oxides, and the Part II magnet materials, parts, components,
#   assemblies and targets) to any country other than China.
# related_resources:
#   - description: MOFCOM Announcement No. 61 of 2025, Art. 1(3), Chinese text (S21)
#     ref: https://politics.neamco.com/2025-10/09/content_38329670.htm
#   - description: Effective dates of the limbs (S23)
#     ref: https://www.chemradar.com/en/news/detail/f1la2toi5p1c
# custom:
#   id: mofcom_2025_061/origin_rule
#   aliases:
#     - CN-REE-0061-03
#     - cn_no61_origin
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_2025_061.origin_rule

import data.exportctl.lib.annex1
import data.exportctl.lib.no61
import data.exportctl.lib.result

findings contains result.finding(rego.metadata.chain(), input.items[i].id, "license_required", facts) if {
	some i, facts in no61.origin
}

findings contains f if {
	some f in no61.unclassified(
		rego.metadata.chain(), no61.chinese_origin,
		"a Chinese-origin item that cannot be classified may be an Annex 1 item: give its control_code or material",
	)
}

findings contains result.needs(rego.metadata.chain(), input.items[i].id, annex1.assembly_facts(i)) if {
	some i in no61.chinese_origin
	i in annex1.possibly_part_2_item
	not i in annex1.unknown_item
}

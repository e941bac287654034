# METADATA
# title: Export from China of listed medium and heavy rare-earth items needs a licence
# description: >-
#   An exporter in China needs a MOFCOM dual-use export licence to export the listed samarium,
#   gadolinium, terbium, dysprosium, lutetium, scandium and yttrium items (1C902-1C908): metals,
#   alloys, targets, Sm-Co and Tb-/Dy-containing NdFeB permanent-magnet material, oxides, compounds
#   and their mixtures.
# related_resources:
#   - description: MOFCOM/GAC Announcement No. 18 of 2025 (official page)
#     ref: http://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_9c2108ccaf754f22a34abab2fedaa944.html
#   - description: Secondary summary with the item list (S1)
#     ref: https://osencmagnet.com/export-controls-on-rare-earth-elements/
# custom:
#   id: mofcom_gac_2025_018/items_licence
#   aliases:
#     - CN-REE-0018-01
#     - cn_export_no18
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2025_018.items_licence

import data.exportctl.catalogue
import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.listed_export
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := result.clause_of(rego.metadata.chain())

_deep_processed := clauses.clause("mofcom_faq_2025_05/deep_processed").categories

_exported_from_china if {
	transfer.from_china
}

# Items the provision must classify: goods leaving China, except those the FAQ No. 5 category
# already places outside No. 18 and that carry no control code of their own.
_in_scope contains item if {
	_exported_from_china
	some item in input.items
	items.goods(item)
	not _faq_category_only(item)
}

_faq_category_only(item) if {
	item.category in _deep_processed
	not item.control_code
}

findings contains listed_export.by_group_finding(rego.metadata.chain(), item, cls.basis, codes) if {
	some item in _in_scope
	cls := items.classification(item)
	cls.status == "listed"
	codes := sort([code | some code in cls.codes; substring(code, 0, 5) in _clause.covers_groups])
	count(codes) > 0
}

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": _why_unclassified(item),
}]) if {
	some item in _in_scope
	items.classification(item).status == "unknown"
	_may_be_listed_here(item)
}

# Unknown from its material only matters here when the material holds one of this clause's elements.
_may_be_listed_here(item) if not item.material

_may_be_listed_here(item) if {
	some element in item.material.elements
	some group in _clause.covers_groups
	catalogue.groups[group].element == element
}

_why_unclassified(item) := sprintf(
	"HS code %s is a reference code of listed items %s; an HS code alone never clears an item: give the control-list classification (control_code, or not_listed)",
	[item.hs_code, concat(", ", sort(items.hs_matches(item)))],
) if {
	count(items.hs_matches(item)) > 0
} else := sprintf(
	"the declared material (%s, form %s) contains a listed rare earth but matches no listed entry: give the control-list classification (control_code, or not_listed)",
	[concat("-", item.material.elements), item.material.form],
) if {
	item.material
} else := "neither control_code nor material is given, so the item cannot be classified against items 1C902-1C908"

warnings contains result.warning(rego.metadata.chain(), sprintf(
	"item %s: declared not_listed, but its material (%s, form %s) matches listed entries %s; check the classification (customs penalised false declarations of this kind)",
	[item.id, concat("-", item.material.elements), item.material.form, concat(", ", sort(cls.codes))],
)) if {
	some item in _in_scope
	item.control_code == "not_listed"
	item.material
	cls := items.classification({"material": item.material})
	cls.status == "listed"
}

# Where the cautious reading of a GAP decided the classification, the decision says so.
warnings contains result.warning(rego.metadata.chain(), sprintf("item %s: %s %s", [item.id, code, _clause.interpretation_warning.text])) if {
	some item in _in_scope
	cls := items.classification(item)
	cls.basis == "material"
	some code in cls.codes
	code in _clause.interpretation_warning.codes
}

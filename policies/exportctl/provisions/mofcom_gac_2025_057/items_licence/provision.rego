# METADATA
# title: Export from China of listed holmium, erbium, thulium, europium and ytterbium items needs a licence
# description: >-
#   MOFCOM/GAC Announcement No. 57 of 2025 requires a dual-use export licence for holmium, erbium,
#   thulium, europium and ytterbium items (1C909-1C913): metals, alloys, targets, the listed functional
#   materials (Eu luminescent material including phosphor powder), oxides and compounds. It was due on
#   8 November 2025 and suspended by No. 70 of 2025 before it began.
# related_resources:
#   - description: Stored copy of the item list (S12)
#     ref: https://gubaposthk.eastmoney.com/news,cjpl,1608530642.html
#   - description: Secondary summary with the dates (S13)
#     ref: https://www.siliconexpert.com/blog/china-expands-export-controls-on-middle-and-heavy-rare-earth-elements
# custom:
#   id: mofcom_gac_2025_057/items_licence
#   aliases:
#     - CN-REE-0057-01
#     - cn_export_no57
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_gac_2025_057.items_licence

import data.exportctl.catalogue
import data.exportctl.lib.items
import data.exportctl.lib.listed_export
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := result.clause_of(rego.metadata.chain())

_elements := {catalogue.groups[group].element | some group in _clause.covers_groups}

_in_scope contains item if {
	transfer.from_china
	some item in input.items
	items.goods(item)
}

# No. 57 lists Eu luminescent material "including phosphor powder": a product category names the
# entry directly. FAQ No. 5's phosphor carve-out interprets No. 18 and is not applied here.
_category_codes(item) := {code |
	item.category
	some group in _clause.covers_groups
	some code, entry in catalogue.groups[group].entries
	item.category in object.get(entry, "categories", [])
	every element in entry.elements {
		element in item.material.elements
	}
}

_classified(item) := {"basis": "category", "codes": codes} if {
	not item.control_code
	codes := _category_codes(item)
	count(codes) > 0
} else := {"basis": cls.basis, "codes": {code | some code in cls.codes; substring(code, 0, 5) in _clause.covers_groups}} if {
	cls := items.classification(item)
}

findings contains listed_export.by_group_finding(rego.metadata.chain(), item, cls.basis, codes) if {
	some item in _in_scope
	cls := _classified(item)
	codes := sort(cls.codes)
	count(codes) > 0
}

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": sprintf(
		"the declared material (%s, form %s) contains %s but matches no entry of %s: give the control-list classification (control_code, or not_listed)",
		[concat("-", item.material.elements), object.get(item.material, "form", "not given"), concat(", ", sort(elements)), concat(", ", _clause.covers_groups)],
	),
}]) if {
	some item in _in_scope
	items.classification(item).status == "unknown"
	count(_classified(item).codes) == 0
	elements := {e | some e in item.material.elements; e in _elements}
	count(elements) > 0
}

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": sprintf(
		"category %s names listed entries %s when the item bears their element, and no material is declared: give the control-list classification (control_code, or not_listed) or the material",
		[item.category, concat(", ", sort(codes))],
	),
}]) if {
	some item in _in_scope
	not item.control_code
	not item.material
	codes := {code |
		some group in _clause.covers_groups
		some code, entry in catalogue.groups[group].entries
		item.category in object.get(entry, "categories", [])
	}
	count(codes) > 0
}

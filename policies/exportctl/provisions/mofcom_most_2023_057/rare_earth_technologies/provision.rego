# METADATA
# title: Rare-earth technologies in the Catalogue of Technologies Prohibited or Restricted from Export
# description: >-
#   The 2023 Catalogue of Technologies Prohibited or Restricted from Export prohibits exporting
#   rare-earth extraction and separation, metal and alloy production and Sm-Co, NdFeB and cerium magnet
#   manufacturing technologies, and restricts other rare-earth technologies (a technology export
#   licence is needed). No. 70 of 2025 suspended No. 62, not the Catalogue.
# related_resources:
#   - description: Stored copy of MOFCOM/MOST Announcement No. 57 of 2023
#     ref: http://m.jizihe.com/page/2024/0315/23751946.shtml
#   - description: News report of the revision
#     ref: http://etnet.com.hk/www/tc/news/home_categorized_news_detail.php?newsid=ETN331222845
#   - description: Spokesperson on the Catalogue and No. 62 (S27)
#     ref: http://www.sscollege.cn/en/news/45003.html
# custom:
#   id: mofcom_most_2023_057/rare_earth_technologies
#   aliases:
#     - CN-TECH-2023-01
#     - cn_technology_catalogue
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.mofcom_most_2023_057.rare_earth_technologies

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.technology
import data.exportctl.lib.transfer

_clause := result.clause_of(rego.metadata.chain())

# The Catalogue predates 1E902: the code only recognises a rare-earth technology, its areas decide.
_rare_earth_technology contains item if {
	some item in technology.exported_technology
	some group in items.classification(item).groups
	group in _clause.covers_groups
}

_areas(item) := object.get(item, "technology_areas", [])

# A technology of prohibited areas is prohibited; one of other areas needs a licence.
findings contains result.finding(rego.metadata.chain(), item.id, outcome, object.union(
	{"classified_as": item.control_code, "technology_areas": sort(areas)},
	transfer.facts,
)) if {
	some item in _rare_earth_technology
	some outcome in ["prohibited", "license_required"]
	areas := {a | some a in _areas(item); _outcome(a) == outcome}
	count(areas) > 0
}

_outcome(area) := "prohibited" if {
	area in _clause.prohibited_areas
} else := "license_required"

findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "technology_areas",
	"why": sprintf(
		"%s is a rare-earth technology: give the areas it serves (technology_areas: %s) to tell a prohibited technology from a restricted one",
		[item.control_code, "mining, smelting_separation, metal_smelting, magnet_manufacturing, recycling"],
	),
}]) if {
	some item in _rare_earth_technology
	count(_areas(item)) == 0
}

# A technology leaving China with no classification may be a Catalogue technology, and No. 70
# did not suspend the Catalogue: the classification is needed to clear it.
findings contains f if {
	some f in technology.questions(
		rego.metadata.chain(),
		"a technology exported from China without a control-list classification may be a rare-earth technology of the Catalogue of Technologies Prohibited or Restricted from Export: give its control_code, or not_listed",
	)
}

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

import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

_clause := clauses.clause(result.provision(rego.metadata.chain()).custom.id)

_exported if {
	transfer.from_china
}

_exported if {
	input.transferor.country == "CN"
	some party in object.get(input, "parties", [])
	party.country != "CN"
}

# The Catalogue predates 1E902: the code only recognises a rare-earth technology, its areas decide.
_rare_earth_technology contains item if {
	_exported
	some item in input.items
	item.kind == "technology"
	some group in items.classification(item).groups
	group in _clause.covers_groups
}

_areas(item) := object.get(item, "technology_areas", [])

findings contains result.finding(rego.metadata.chain(), item.id, "prohibited", {
	"classified_as": item.control_code,
	"technology_areas": sort(areas),
	"transferor_country": input.transferor.country,
	"destination": input.destination,
}) if {
	some item in _rare_earth_technology
	areas := {a | some a in _areas(item); a in _clause.prohibited_areas}
	count(areas) > 0
}

findings contains result.finding(rego.metadata.chain(), item.id, "license_required", {
	"classified_as": item.control_code,
	"technology_areas": sort(areas),
	"transferor_country": input.transferor.country,
	"destination": input.destination,
}) if {
	some item in _rare_earth_technology
	areas := {a | some a in _areas(item); not a in _clause.prohibited_areas}
	count(areas) > 0
}

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
findings contains result.needs(rego.metadata.chain(), item.id, [{
	"field": "control_code",
	"why": "a technology exported from China without a control-list classification may be a rare-earth technology of the Catalogue of Technologies Prohibited or Restricted from Export: give its control_code, or not_listed",
}]) if {
	_exported
	some item in input.items
	item.kind == "technology"
	not item.control_code
}

# A technology sent without its kind reads as goods: where its code or areas say it may be a
# technology, the kind is asked for.
findings contains result.depends(rego.metadata.chain(), item.id, items.kind_facts(i, _clause.covers_groups)) if {
	_exported
	some i, item in input.items
}

# METADATA
# title: Military users and uses of one country
# description: >-
#   The prohibitions on dual-use items for one country's military users (a party of that country
#   marked military) and military uses (end use military with that destination), as a clause
#   record states them (`country`, `binds_overseas_transferors`, `dual_use_elements_from`). Each
#   such provision package passes its own METADATA chain.
package exportctl.lib.military_ban

import data.exportctl.lib.dual_use
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

# METADATA
# description: The prohibited findings, and the classifications to ask for, under the provision's clause.
findings(chain) := _findings(chain, result.clause_of(chain))

_findings(chain, record) := ({result.finding(chain, item.id, "prohibited", object.union(limb, object.union(
	{"control_codes": sort(items.classification(item).codes)},
	transfer.facts,
))) |
	some limb in _limbs(record)
	some item in input.items
	dual_use.reaches(record, item)
	dual_use.item(item, dual_use.elements(record))
} | {result.needs(chain, item.id, [{
	"field": "control_code",
	"why": sprintf(
		"the transfer goes to a %s (%s): give the item's control-list classification (control_code, or not_listed) to tell whether it is a dual-use item",
		[concat(", ", sort({l.limb | some l in _limbs(record)})), record.country],
	),
}]) |
	count(_limbs(record)) > 0
	some item in input.items
	dual_use.reaches(record, item)
	dual_use.undetermined(item, dual_use.elements(record))
}) | {f |
	some item in input.items
	dual_use.reaches(record, item)
	dual_use.possible(item, dual_use.elements(record))
	f := result.depends(chain, item.id, _needed(record))
}

# Who the users are and what the use is: absent, they are asked for, never read as "not military".
_needed(record) := array.concat(
	[{
		"field": "parties",
		"path": ["parties"],
		"why": sprintf("a dual-use item may not go to a %s military user: name the consignee and end user", [record.country]),
	}],
	array.concat(
		[{
			"field": sprintf("parties[%d].military", [i]),
			"path": ["parties", i, "military"],
			"why": sprintf("party %s is in %s: say whether it is a military user (true or false)", [party.name, record.country]),
		} |
			some i, party in object.get(input, "parties", [])
			party.country == record.country
		],
		[{
			"field": "end_use.categories",
			"path": ["end_use", "categories"],
			"why": sprintf("a dual-use item may not go to a military use in %s: declare the end use", [record.country]),
		} |
			input.destination == record.country
		],
	),
)

_limbs(record) := {{"limb": "military_user", "party": party.name, "role": party.role} |
	some party in object.get(input, "parties", [])
	party.country == record.country
	party.military == true
} | {{"limb": "military_use", "end_use": "military"} |
	input.destination == record.country
	"military" in object.get(input, ["end_use", "categories"], [])
}

# METADATA
# title: Export of a technology from China
# description: >-
#   The transfers the technology export provisions (the Catalogue of Technologies Prohibited or
#   Restricted from Export, Announcement No. 62 of 2025) reach, and the questions both ask of a
#   technology they cannot place.
package exportctl.lib.technology

import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

# METADATA
# description: The transfer exports technology from China.
exported if transfer.from_china

# "Export" of a technology includes its provision to a foreign organisation or individual inside
# China (Technology Import and Export Administration Regulations Art. 2, as the Catalogue applies it).
exported if {
	input.transferor.country == "CN"
	some party in object.get(input, "parties", [])
	party.country != "CN"
}

# METADATA
# description: The items declared as technology that the transfer exports.
exported_technology contains item if {
	exported
	some item in input.items
	item.kind == "technology"
}

# METADATA
# description: >-
#   The questions of a technology provision: a declared technology with no control code is asked
#   for it (`why` says what the code decides), and an item sent without its kind, whose code or
#   areas say it may be one of the clause's technologies, is asked for its kind (kind defaults to
#   goods).
questions(chain, why) := {result.needs(chain, item.id, [{"field": "control_code", "why": why}]) |
	some item in exported_technology
	not item.control_code
} | {f |
	exported
	some i, _ in input.items
	f := result.depends(chain, input.items[i].id, items.kind_facts(i, result.clause_of(chain).covers_groups))
}

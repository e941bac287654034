# METADATA
# title: Announcement No. 61 licence requirements in force
# description: >-
#   The items that a licence requirement of Announcement No. 61 Art. 1 matches. Its licensing-policy
#   clauses and its humanitarian exemption attach to these requirements.
package exportctl.lib.no61

import data.exportctl.lib.items
import data.exportctl.provisions.mofcom_2025_061.content_rule
import data.exportctl.provisions.mofcom_2025_061.origin_rule
import data.exportctl.provisions.mofcom_2025_061.technology_rule

# METADATA
# description: >-
#   Item id -> {requires, facts}: the clauses of the Art. 1 licence requirements that matched the
#   item (in force or not), and the facts to carry over ({control_code} when the item's code is
#   known). The licensing-policy clauses and the exemption attach to these requirements: a finding
#   of theirs names them in `requires_any`, and applies only while one of them is in force.
required[id] := {"requires": sort(refs), "facts": items.code_fact(item)} if {
	some item in input.items
	id := item.id
	refs := {f.clause |
		some f in ((content_rule.findings | technology_rule.findings) | origin_rule.findings)
		f.item == id
		f.outcome == "license_required"
	}
	count(refs) > 0
}

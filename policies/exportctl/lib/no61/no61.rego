# METADATA
# title: Announcement No. 61 licence requirements in force
# description: >-
#   The items for which a licence requirement of Announcement No. 61 Art. 1 is in force on the
#   transaction's date. Its licensing-policy clauses and its humanitarian exemption attach to these.
package exportctl.lib.no61

import data.exportctl.lib.clauses
import data.exportctl.provisions.cn_no61_content
import data.exportctl.provisions.cn_no61_origin
import data.exportctl.provisions.cn_no61_technology

# METADATA
# description: True when the transfer is by an overseas transferor to a country other than China.
overseas_transfer if {
	input.transferor.country != "CN"
	input.destination != "CN"
}

# METADATA
# description: Item id -> facts to carry over ({control_code} when the item's code is known, else {}).
required[f.item] := object.filter(f.facts, ["control_code"]) if {
	some f in ((cn_no61_content.findings | cn_no61_technology.findings) | cn_no61_origin.findings)
	f.outcome == "license_required"
	clauses.status(f.clause, input.date).in_force
}

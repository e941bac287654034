# METADATA
# title: Announcement No. 61 Art. 1 licence requirements, and the clauses that qualify them
# description: >-
#   What each licence requirement of Announcement No. 61 Art. 1 matches, per item index: the
#   content rule (a Part II item made abroad with Chinese-origin Part I content at the threshold),
#   the technology rule (an Annex 1 item made abroad with Chinese rare-earth technology) and the
#   origin rule (a Chinese-origin Annex 1 item re-exported). The clauses come from config
#   `no61_requirements`. Its licensing-policy clauses and humanitarian exemption attach to these
#   requirements through `required`, and `by_end_use` is the shape of an end-use policy clause.
package exportctl.lib.no61

import data.exportctl.config
import data.exportctl.lib.annex1
import data.exportctl.lib.clauses
import data.exportctl.lib.items
import data.exportctl.lib.result
import data.exportctl.lib.transfer

# METADATA
# description: Indexes of the goods an overseas transferor sends that were made outside China.
made_abroad contains i if {
	transfer.overseas
	some i, item in input.items
	items.goods(item)
	item.origin != "CN"
}

# METADATA
# description: Indexes of the Chinese-origin goods an overseas transferor sends on.
chinese_origin contains i if {
	transfer.overseas
	some i, item in input.items
	items.goods(item)
	item.origin == "CN"
}

# METADATA
# description: Item index -> the facts of the content rule's requirement, where it is met.
content[i] := object.union(object.remove(annex1.content[i], ["reaches_threshold"]), items.code_fact(input.items[i])) if {
	some i in made_abroad
	i in annex1.part_2_item
	annex1.content[i].reaches_threshold
}

# METADATA
# description: The Chinese-origin rare-earth technologies the technology rule lists.
technologies := clauses.clause(config.no61_requirements.technology).technologies

# METADATA
# description: Item index -> the facts of the technology rule's requirement, where it is met.
technology[i] := object.union({"technologies": used}, items.code_fact(input.items[i])) if {
	some i in made_abroad
	i in annex1.annex_1_item
	used := sort([t | some t in input.items[i].produced_with_cn_technologies; t in technologies])
	count(used) > 0
}

# METADATA
# description: Item index -> the facts of the origin rule's requirement, where it is met.
origin[i] := object.union({"origin": "CN", "annex_1_part": _part(i)}, items.code_fact(input.items[i])) if {
	some i in chinese_origin
	i in annex1.annex_1_item
}

# METADATA
# description: >-
#   The question a requirement asks of each item among `indexes` that cannot be classified: it may
#   be an Annex 1 item, so its classification is needed (`why` says which).
unclassified(chain, indexes, why) := {result.needs(chain, input.items[i].id, [{"field": "control_code", "why": why}]) |
	some i in indexes
	i in annex1.unknown_item
}

_part(i) := "part_2" if i in annex1.part_2_item

_part(i) := "part_1" if not i in annex1.part_2_item

_matched[i] contains config.no61_requirements.content if content[i]

_matched[i] contains config.no61_requirements.technology if technology[i]

_matched[i] contains config.no61_requirements.origin if origin[i]

# METADATA
# description: >-
#   Item id -> {requires, facts}: the clauses of the Art. 1 licence requirements that matched the
#   item (in force or not), and the facts to carry over ({control_code} when the item's code is
#   known). The licensing-policy clauses and the exemption attach to these requirements: a finding
#   of theirs names them in `requires_any`, and applies only while one of them is in force.
required[input.items[i].id] := {"requires": sort(refs), "facts": items.code_fact(input.items[i])} if {
	some i, refs in _matched
}

# METADATA
# description: True when a requirement that matched some item is in force on the transaction's date.
requirement_in_force if {
	some required_item in required
	some ref in required_item.requires
	clauses.in_force(ref)
}

# METADATA
# description: >-
#   Findings of a licensing-policy clause decided by the end use: for every item a requirement
#   matched, license_required with the declared end uses the clause's `end_uses` list.
by_end_use(chain) := {result.attached_finding(
	chain, item, "license_required",
	object.union({"end_uses": end_uses}, required_item.facts), required_item.requires,
) |
	end_uses := sort([c | some c in input.end_use.categories; c in result.clause_of(chain).end_uses])
	count(end_uses) > 0
	some item, required_item in required
}

# METADATA
# title: Dual-use items and who a prohibition reaches
# description: >-
#   Shared by the prohibitions (control list, military users and uses): whether an item is a
#   dual-use item, whether that cannot be told from the transaction, and whether a prohibition
#   reaches the transferor. A missing classification is never read as "not dual-use".
package exportctl.lib.dual_use

import data.exportctl.lib.clauses
import data.exportctl.lib.items

# METADATA
# description: >-
#   Elements listed by element in the instruments a prohibition's record names in
#   `dual_use_elements_from` (gallium, germanium, antimony).
elements(record) := {e |
	some ref in object.get(record, "dual_use_elements_from", [])
	some e in clauses.clause(ref).elements
}

# METADATA
# description: True for a dual-use item - listed in the catalogue, any control code but not_listed, or a listed element.
item(thing, _) if items.classification(thing).status == "listed"

item(thing, _) if {
	thing.control_code
	thing.control_code != "not_listed"
}

item(thing, listed_elements) if {
	object.get(thing, "control_code", "") != "not_listed"
	some element in thing.material.elements
	element in listed_elements
}

# METADATA
# description: True when the transaction cannot tell whether the item is a dual-use item.
undetermined(thing, listed_elements) if {
	not thing.control_code
	not item(thing, listed_elements)
}

# METADATA
# description: True when the item is, or may be, a dual-use item.
possible(thing, listed_elements) if item(thing, listed_elements)

possible(thing, listed_elements) if undetermined(thing, listed_elements)

# METADATA
# description: >-
#   True when a prohibition recorded in `record` reaches the item: an exporter in China always;
#   an overseas transferor only for Chinese-origin items, and only where the record binds them.
reaches(_, _) if input.transferor.country == "CN"

reaches(record, thing) if {
	input.transferor.country != "CN"
	record.binds_overseas_transferors
	thing.origin == "CN"
}

# METADATA
# title: Parties against the control and watch lists
# description: >-
#   Matches the transaction's parties against the entities recorded in listing clauses (a clause with
#   `entities`), by normalised name or alias, and through owners holding at least the configured share
#   (the 50 % rule). Each match names the listing clause, so its date is applied by the clause calendar.
package exportctl.lib.parties

import data.exportctl.config
import data.exportctl.instruments

# METADATA
# description: A name compared case- and punctuation-insensitively, with runs of spaces collapsed.
normalise(name) := concat(" ", regex.find_n(`[\p{L}\p{N}]+`, lower(name), -1))

# Each entity record carries its normalised names (`match_keys`, checked against `normalise` by the
# tests), so matching costs one normalisation per party, none per entity.
_entities[key] contains {"entity": entity.name, "clause": concat("/", [id, name]), "list": clause.list} if {
	some id, instrument in instruments
	some name, clause in instrument.clauses
	some entity in clause.entities
	some key in entity.match_keys
}

# METADATA
# description: >-
#   The listings that reach a party: {party, role, entity, clause, list, via (name | owner), share?}.
matches(party) := {object.union(e, {"party": party.name, "role": party.role, "via": "name"}) |
	some e in _entities[normalise(party.name)]
} | {object.union(e, {"party": party.name, "role": party.role, "via": "owner", "owner": owner.name, "share": owner.share}) |
	some owner in object.get(party, "owners", [])
	owner.share >= config.affiliate_share.threshold
	some e in _entities[normalise(owner.name)]
}

# METADATA
# description: Every listing match over the transaction's parties.
all_matches(tx) := {m |
	some party in object.get(tx, "parties", [])
	some m in matches(party)
}

# METADATA
# description: >-
#   Listings whose name begins the party's name word for word ("MP Materials Corporation",
#   "Hensoldt Sensors GmbH"): not proven to be the listed entity, so the identity must be confirmed.
possible_matches(party) := {object.union(e, {"party": party.name, "role": party.role, "via": "name begins with a listed name"}) |
	name := normalise(party.name)
	not _entities[name]
	words := split(name, " ")
	some k in numbers.range(1, count(words) - 1)
	some e in _entities[concat(" ", array.slice(words, 0, k))]
}

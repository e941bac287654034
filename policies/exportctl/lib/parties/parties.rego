# METADATA
# title: Parties against the control and watch lists
# description: >-
#   Matches the transaction's parties against the entities recorded in listing clauses (a clause with
#   `entities`), by normalised name or alias, and through owners holding at least the configured share
#   (the 50 % rule of No. 61 Art. 2 only). Each match names the listing clause, so its date is applied
#   by the clause calendar.
package exportctl.lib.parties

import data.exportctl.config
import data.exportctl.lib.clauses

# METADATA
# description: A name compared case- and punctuation-insensitively, with runs of spaces collapsed.
normalise(name) := concat(" ", regex.find_n(`[\p{L}\p{N}]+`, lower(name), -1))

# METADATA
# description: Every listing clause (a clause with `entities`), by reference "instrument/clause".
listings := data.exportctl.derived.listings

listings := listings_from_records if not data.exportctl.derived.listings

# METADATA
# description: The listing clauses as the instrument records state them, as the rules read them (clauses.lean).
listings_from_records := {ref: clauses.lean(clause) |
	some ref, clause in clauses.all
	clause.entities
}

# Each entity record carries its normalised names (`match_keys`, checked against `normalise` by the
# tests), so matching costs one normalisation per party, none per entity. The map is derived when
# the bundle is built (exportctl.derive); an entity index absent from the bundle is computed here.
_index := data.exportctl.derived.parties

_index := entities_from_records if not data.exportctl.derived.parties

# METADATA
# description: >-
#   Normalised name -> the listings that record it, {entity, clause, list}: the entity index, as
#   the instrument records state it.
entities_from_records[key] contains {"entity": entity.name, "clause": ref, "list": clause.list} if {
	some ref, clause in clauses.all
	clause.entities
	some entity in clause.entities
	some key in entity.match_keys
}

# METADATA
# description: >-
#   The listings that name the party itself, under any recorded form of the entity's name:
#   {party, role, entity, clause, list, via: name}. The control-list prohibition and the
#   watch-list consequences reach these.
name_matches(party) := {object.union(e, {"party": party.name, "role": party.role, "via": "name"}) |
	some e in _index[normalise(party.name)]
}

# METADATA
# description: >-
#   The listings that name an owner holding at least the configured share of the party:
#   {party, role, entity, clause, list, via: owner, owner, share}. Only No. 61 Art. 2 reaches these.
owner_matches(party) := {object.union(e, {"party": party.name, "role": party.role, "via": "owner", "owner": owner.name, "share": owner.share}) |
	some owner in object.get(party, "owners", [])
	owner.share >= config.affiliate_share.threshold
	some e in _index[normalise(owner.name)]
}

# METADATA
# description: Both kinds of match, the reach of No. 61 Art. 2 (listed parties and units they hold 50 % or more).
matches(party) := name_matches(party) | owner_matches(party)

# METADATA
# description: Every listing that names one of the transaction's parties itself.
all_name_matches(tx) := {m |
	some party in object.get(tx, "parties", [])
	some m in name_matches(party)
}

# METADATA
# description: >-
#   Listings whose name begins the party's name word for word ("MP Materials Corporation",
#   "Hensoldt Sensors GmbH"): not proven to be the listed entity, so the identity must be confirmed.
possible_matches(party) := {object.union(e, {"party": party.name, "role": party.role, "via": "name begins with a listed name"}) |
	name := normalise(party.name)
	not _index[name]
	words := split(name, " ")
	some k in numbers.range(1, count(words) - 1)
	some e in _index[concat(" ", array.slice(words, 0, k))]
}

# METADATA
# description: >-
#   The watch-list matches in force on the transaction's date whose listing bars general licences
#   (`bars_general_licences`): while any exists, a general licence held does not cover the transfer.
general_licence_bars(tx) := {m |
	some m in all_name_matches(tx)
	listings[m.clause].bars_general_licences
	clauses.status(m.clause, tx.date).in_force
}

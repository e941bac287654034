# METADATA
# title: Licences held
# description: >-
#   Whether a licence the transferor holds covers an item classified to a control code: issued by an
#   authority named in config.licence_issuers, valid on the transaction date (both ends inclusive),
#   one of its control codes equal to or a dot-boundary prefix of the item's code, the destination
#   among its destinations and every end user among its end users (an empty or absent list means any);
#   a general licence does not cover a transfer to a party on a watch list that bars general licences.
package exportctl.lib.licences

import data.exportctl.config
import data.exportctl.lib.parties

# METADATA
# description: The ids of the licences in `tx` that cover control code `code`, sorted.
covering(tx, code) := sort([licence.id |
	some licence in object.get(tx, "licenses", [])
	_issued_by_authority(licence)
	_type_allowed(licence, tx)
	licence.valid_from <= tx.date
	tx.date <= licence.valid_until
	_covers_code(licence, code)
	_covers_destination(licence, tx)
	_covers_end_users(licence, tx)
])

# A party on a watch list that bars general licences leaves only individual licences usable.
_type_allowed(licence, _) if licence.type != "general"

_type_allowed(licence, tx) if {
	licence.type == "general"
	count(parties.general_licence_bars(tx)) == 0
}

_issued_by_authority(licence) if upper(licence.issuer) in {upper(i) | some i in config.licence_issuers}

_covers_code(licence, code) if {
	some prefix in licence.control_codes
	_code_within(code, prefix)
}

_code_within(code, prefix) if code == prefix

_code_within(code, prefix) if startswith(code, concat("", [prefix, "."]))

_covers_destination(licence, _) if count(object.get(licence, "destinations", [])) == 0

_covers_destination(licence, tx) if tx.destination in licence.destinations

_covers_end_users(licence, _) if count(object.get(licence, "end_users", [])) == 0

_covers_end_users(licence, tx) if {
	count(licence.end_users) > 0
	end_users := [p | some p in object.get(tx, "parties", []); p.role == "end_user"]
	count(end_users) > 0
	named := {parties.normalise(n) | some n in licence.end_users}
	every party in end_users {
		parties.normalise(party.name) in named
	}
}

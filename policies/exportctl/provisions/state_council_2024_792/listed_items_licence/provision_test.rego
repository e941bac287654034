package exportctl.provisions.state_council_2024_792.listed_items_licence_test

import data.exportctl
import data.exportctl.lib.items
import data.exportctl.provisions.state_council_2024_792.listed_items_licence
import data.exportctl.testing

_id := "state_council_2024_792/listed_items_licence"

_base := testing.transaction({"date": "2026-03-02"}, {})

_licence(code) := testing.finding(_id, "1", "license_required", {"control_code": code, "destination": "DE", "transferor_country": "CN"})

test_fires_on_a_code_the_bundle_does_not_encode[note] if {
	some note, item in {
		"a code no record lists": {"control_code": "3A001"},
		"a heading above encoded sub-items": {"control_code": "1C117"},
		"an unconfirmed code of an encoded announcement": {"control_code": "1C117.b"},
		"the reported No. 56 raw materials": {"control_code": "1C914.a"},
		"a sibling of an encoded code": {"control_code": "3C901.b.2"},
		"technology": {"kind": "technology", "control_code": "1E004"},
		"material from an encoded announcement": {"control_code": "9A012.a.1", "material": {"elements": ["W"], "form": "metal"}},
	}
	testing.results(listed_items_licence.findings) == {_licence(item.control_code)} with input as testing.transaction_from(_base, {}, item)
}

test_does_not_fire[note] if {
	some note, tc in {
		"a catalogue entry": {"patch": {}, "item": {"control_code": "1C904.a.4"}},
		"a catalogue group heading": {"patch": {}, "item": {"control_code": "2B902"}},
		"a code a record lists": {"patch": {}, "item": {"control_code": "1C117.c"}},
		"a code under one a record lists": {"patch": {}, "item": {"control_code": "1C117.d.1"}},
		"declared not listed": {"patch": {}, "item": {"control_code": "not_listed"}},
		"no code": {"patch": {}, "item": {"material": {"elements": ["Cu"], "form": "metal"}}},
		"transfer inside China": {"patch": {"destination": "CN"}, "item": {"control_code": "3A001"}},
		"overseas transferor": {"patch": {"transferor": {"name": "X", "country": "JP"}}, "item": {"control_code": "3A001"}},
	}
	count(listed_items_licence.findings) == 0 with input as testing.transaction_from(_base, tc.patch, tc.item)
}

test_within[note] if {
	some note, tc in {
		"the code itself": {"code": "1C117.d", "listed": "1C117.d", "want": true},
		"a sub-item": {"code": "1C117.d.1", "listed": "1C117.d", "want": true},
		"the heading above": {"code": "1C117", "listed": "1C117.d", "want": false},
		"a longer sibling": {"code": "1C117.dx", "listed": "1C117.d", "want": false},
		"a sibling": {"code": "2B005.a", "listed": "2B005.b", "want": false},
	}
	_within(tc.code, tc.listed) == tc.want
}

_within(code, listed) if items.within(code, listed)

else := false

# The encoded codes come from the instrument records: one more record's `codes` are encoded, its
# `codes_unconfirmed` are not.
test_encoded_codes_come_from_the_records if {
	record := {"clauses": {"c": {"codes": [{"code": "5A992.c"}], "codes_unconfirmed": [{"code": "5A992.d"}]}}}
	items.encoded("5A992.c") with data.exportctl.instruments.test_record as record with data.exportctl.derived as {}
	not items.encoded("5A992.d") with data.exportctl.instruments.test_record as record with data.exportctl.derived as {}
	not items.encoded("5A992.c")
}

# No code is encoded without a provision that matches it: a record's `codes` entry that no provision
# reads would clear the item silently. One transaction carries every encoded code as an item.
test_every_encoded_code_is_matched_by_a_provision if {
	codes := items.encoded_codes
	count(codes) > 0
	tx := object.union(_base, {"items": [{"id": code, "origin": "CN", "control_code": code} | some code in codes]})
	fired := {[f.item, f.provision] | some f in data.exportctl.provisions[_][_].findings} with input as tx
	every code in codes {
		some pair in fired
		pair[0] == code
	}
	every pair in fired {
		pair[1] != "state_council_2024_792/listed_items_licence"
	}
}

test_decision_with_its_warning if {
	d := exportctl.decision with input as testing.transaction_from(_base, {}, {"control_code": "3A001"})
	d.outcome == "license_required"
	d.licensing_policy == "standard"
	testing.reasons(d, _id) == {_licence("3A001")}
	{r.citation | some r in d.reasons; r.provision == _id} == {{
		"article": "Export Control Law Art. 12 (licence for items on the control list), applied by the Regulation's licensing chapter (the Regulation's own article number was not seen verbatim)",
		"effective_from": "2024-12-01",
		"instrument": "Dual-use Items Export Control Regulation (State Council Decree No. 792)",
		"url": "http://www.digipub.cc/dy/article/KC2J701I05562JTQ.html?spss=dy_author",
		"read": {"url": "http://www.digipub.cc/dy/article/KC2J701I05562JTQ.html?spss=dy_author", "publisher": "digipub.cc, news report"},
		"rests_on": "secondary",
		"official": {
			"url": "http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/gzjgfxwj/202410/1057.html",
			"title": "中华人民共和国两用物项出口管制条例 (Dual-use Items Export Control Regulation, as published on MOFCOM's export-control site)",
		},
	}}
	d.warnings == ["item 1: control code 3A001 is a Dual-use Items Export Control List code that this bundle does not encode; the licence requirement shown is the Regulation's own, and the announcement that listed the item (its scope, dates, suspensions and licensing policy) is not encoded: check it"]
}

test_before_the_regulation_took_effect if {
	d := exportctl.decision with input as testing.transaction_from(_base, {"date": "2024-11-30"}, {"control_code": "3A001"})
	testing.reasons(d, _id) == set()
	testing.not_applied(d, _id) == {testing.not_yet_in_force(_id, "2024-12-01")}
	every w in d.warnings {
		not contains(w, "does not encode")
	}
}

_entries(field) := [entry |
	some instrument in data.exportctl.instruments
	some clause in object.get(instrument, "clauses", {})
	some entry in object.get(clause, field, [])
]

_well_formed(entry) if {
	regex.match(`^[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*$`, entry.code)
	entry.note != ""
	count(entry.sources) > 0
}

# Every recorded code carries its confidence, a note and its sources; a matched code is not low,
# an unconfirmed one is low and matched nowhere; a catalogue group is not recorded twice.
test_recorded_codes_are_well_formed if {
	count(_entries("codes")) > 0
	every entry in _entries("codes") {
		_well_formed(entry)
		entry.confidence in {"high", "medium"}
		not data.exportctl.catalogue.groups[substring(entry.code, 0, 5)]
	}
	every entry in _entries("codes_unconfirmed") {
		_well_formed(entry)
		entry.confidence == "low"
		not items.encoded(entry.code)
	}
}

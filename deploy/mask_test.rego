package system.log_test

import data.system.log

transaction := {
	"id": "SO-2026-00417",
	"date": "2026-03-02",
	"transferor": {"name": "Ningbo Example Magnetics Co.", "country": "CN"},
	"destination": "DE",
	"parties": [{
		"role": "end_user", "name": "Beispiel Antriebe GmbH", "country": "DE", "military": false,
		"owners": [{"name": "Beispiel Holding AG", "share": 0.6}],
	}],
	"end_use": {"categories": ["civil"], "description": "industrial servo motors"},
	"items": [
		{
			"id": "1",
			"description": "Sintered NdFeB magnet blocks",
			"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"},
			"value": {"amount": 48000, "currency": "USD"},
			"quantity": {"amount": 400, "unit": "kg"},
		},
		{"id": "2", "control_code": "1C904.b", "value": {"amount": 91000, "currency": "USD"}},
	],
	"licenses": [{"id": "LIC-1", "issuer": "MOFCOM", "end_users": ["Beispiel Antriebe GmbH"]}],
}

reason := {
	"provision": "mofcom_gac_2025_018/items_licence",
	"title": "Export from China of listed medium and heavy rare-earth items needs a licence",
	"item": "1",
	"outcome": "license_required",
	"citation": {"instrument": "MOFCOM/GAC Announcement No. 18 of 2025"},
	"facts": {"control_code": "1C904.a.4", "destination": "DE", "party": "Beispiel Antriebe GmbH"},
	"licence": {"id": "LIC-1", "issuer": "MOFCOM"},
}

decision := {
	"transaction_id": "SO-2026-00417",
	"date": "2026-03-02",
	"outcome": "license_required",
	"licensing_policy": "standard",
	"items": [
		{"id": "1", "outcome": "license_required", "reasons": [reason]},
		{"id": "2", "outcome": "insufficient_information", "reasons": []},
	],
	"reasons": [reason],
	"not_applied": [{"provision": "mofcom_2025_061/content_rule", "item": "1", "because": "suspended"}],
	"missing_facts": [{"provision": "mofcom_2024_046/military_users", "item": "*", "field": "parties", "why": "who"}],
	"warnings": ["Beispiel Antriebe GmbH was not screened"],
	"policy": {"revision": "sha256:d785a6cc722cff65", "data_reviewed_on": "2026-11-28"},
}

kept_transaction := {
	"id": "SO-2026-00417",
	"date": "2026-03-02",
	"items": [{"id": "1"}, {"id": "2", "control_code": "1C904.b"}],
}

kept_decision := {
	"transaction_id": "SO-2026-00417",
	"date": "2026-03-02",
	"outcome": "license_required",
	"licensing_policy": "standard",
	"items": [{"id": "1", "outcome": "license_required"}, {"id": "2", "outcome": "insufficient_information"}],
	"reasons": [{
		"provision": "mofcom_gac_2025_018/items_licence", "item": "1", "outcome": "license_required",
		"control_code": "1C904.a.4",
	}],
	"not_applied": [{"provision": "mofcom_2025_061/content_rule", "item": "1"}],
	"missing_facts": [{"provision": "mofcom_2024_046/military_users", "item": "*"}],
	"policy": {"revision": "sha256:d785a6cc722cff65", "data_reviewed_on": "2026-11-28"},
}

event(path, input_document, result) := {
	"decision_id": "4ca636c1-55e4-417a-b1d8-4aceb67960d1",
	"bundles": {"exportctl": {"revision": "sha256:d785a6cc722cff65"}},
	"path": path,
	"input": input_document,
	"result": result,
}

upserts(input_document, result) := {
	"/nd_builtin_cache",
	{"op": "upsert", "path": "/input", "value": input_document},
	{"op": "upsert", "path": "/result", "value": result},
}

test_a_decision_keeps_ids_date_control_codes_outcome_provisions_and_revision if {
	log.mask == upserts(kept_transaction, kept_decision) with input as event("exportctl/decision", transaction, decision)
}

test_fields_the_schema_gains_later_are_not_kept if {
	extended := object.union(transaction, {
		"buyer_address": "Musterstrasse 1, Berlin",
		"items": [object.union(item, {"unit_price": 120}) | some item in transaction.items],
	})
	extended_decision := object.union(decision, {"notes": "for Beispiel Antriebe GmbH"})
	log.mask == upserts(kept_transaction, kept_decision) with input as event("exportctl/decision", extended, extended_decision)
}

test_a_control_code_or_date_that_is_not_one_is_not_kept if {
	odd := object.union(transaction, {
		"date": "Beispiel Antriebe GmbH",
		"items": [{"id": "1", "control_code": "Beispiel Antriebe GmbH"}, {"id": 2, "control_code": 1}],
	})
	odd_reason := object.union(reason, {"facts": {"control_code": "48000 USD"}})
	odd_decision := object.union(decision, {"date": null, "reasons": [odd_reason], "policy": {"data_reviewed_on": "x"}})
	kept_odd := {
		"transaction_id": "SO-2026-00417",
		"outcome": "license_required",
		"licensing_policy": "standard",
		"items": kept_decision.items,
		"reasons": [{"provision": "mofcom_gac_2025_018/items_licence", "item": "1", "outcome": "license_required"}],
		"not_applied": kept_decision.not_applied,
		"missing_facts": kept_decision.missing_facts,
		"policy": {"revision": "sha256:d785a6cc722cff65"},
	}
	log.mask == upserts({"id": "SO-2026-00417", "items": [{"id": "1"}, {}]}, kept_odd) with input as event("exportctl/decision", odd, odd_decision)
}

test_a_batch_keeps_each_transaction_in_its_place if {
	other := object.union(transaction, {"id": "JP-TRD-5521", "items": [{"id": "1", "control_code": "1C904.b"}]})
	batch := {"transactions": [transaction, other, transaction]}
	kept_other := {"id": "JP-TRD-5521", "date": "2026-03-02", "items": [{"id": "1", "control_code": "1C904.b"}]}
	log.mask == upserts({"transactions": [kept_transaction, kept_other, kept_transaction]}, [kept_decision, null, kept_decision]) with input as event("exportctl/batch/decisions", batch, [decision, null, decision])
}

test_an_input_or_answer_of_another_shape_keeps_nothing_of_it if {
	log.mask == upserts({"items": []}, null) with input as event("exportctl/decision", "Beispiel Antriebe GmbH", "x")
	log.mask == upserts({"id": "SO-1", "items": []}, null) with input as object.remove(event("exportctl/decision", {"id": "SO-1", "items": {"a": {"id": "x"}}}, null), ["result"])
	log.mask == upserts({"transactions": []}, []) with input as event("exportctl/batch/decisions", {"transactions": {"a": transaction}}, {"a": decision})
	log.mask == upserts({"transactions": []}, []) with input as event("exportctl/batch/decisions", [transaction], null)
	empty := {"items": [], "reasons": [], "missing_facts": [], "not_applied": [], "policy": {}}
	log.mask == upserts({"items": []}, empty) with input as event("exportctl/decision", {}, {"items": "1", "policy": "x"})
}

test_other_documents_keep_neither_input_nor_result if {
	every path in ["", "exportctl", "exportctl/calendar/timeline", "system/main", "exportctl/decision/items"] {
		log.mask == {"/nd_builtin_cache", "/input", "/result"} with input as event(path, transaction, decision)
	}
}

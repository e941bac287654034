package exportctl.batch_test

import data.exportctl
import data.exportctl.batch

_tx(id, date) := {
	"id": id,
	"date": date,
	"transferor": {"name": "Exporter", "country": "CN"},
	"destination": "DE",
	"parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": false}],
	"end_use": {"categories": ["civil"]},
	"items": [{"id": "1", "origin": "CN", "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}],
}

test_one_decision_per_transaction_in_order if {
	ds := batch.decisions with input as {"transactions": [_tx("A", "2026-03-02"), _tx("B", "2025-04-03")]}
	[[d.transaction_id, d.outcome] | some d in ds] == [["A", "license_required"], ["B", "not_required"]]
}

test_each_decision_is_the_single_decision if {
	txs := [_tx("A", "2026-03-02"), _tx("B", "2025-04-03")]
	ds := batch.decisions with input as {"transactions": txs}
	every i, tx in txs {
		ds[i] == exportctl.decision with input as tx
	}
}

test_an_invalid_transaction_keeps_its_place if {
	ds := batch.decisions with input as {"transactions": [_tx("A", "2026-03-02"), "not a transaction", _tx("C", "2026-03-02")]}
	count(ds) == 3
	ds[0].transaction_id == "A"
	ds[1].outcome == "insufficient_information"
	ds[2].transaction_id == "C"
}

test_no_decision_is_null if {
	batch._only([]) == null
}

test_no_transactions_no_decisions if {
	batch.decisions == [] with input as {"transactions": []}
}

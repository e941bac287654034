package exportctl.batch_test

import data.exportctl.batch

_tx(id, date) := {
	"id": id,
	"date": date,
	"transferor": {"name": "Exporter", "country": "CN"},
	"destination": "DE",
	"items": [{"id": "1", "origin": "CN", "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}}],
}

test_one_decision_per_transaction_in_order if {
	ds := batch.decisions with input as {"transactions": [_tx("A", "2026-03-02"), _tx("B", "2025-04-03")]}
	[[d.transaction_id, d.outcome] | some d in ds] == [["A", "license_required"], ["B", "not_required"]]
}

test_no_transactions_no_decisions if {
	batch.decisions == [] with input as {"transactions": []}
}

package exportctl.batch_test

import data.exportctl
import data.exportctl.batch
import data.exportctl.testing

# Transaction `id`: an export from China of a Tb magnet to a civil German buyer on `date`.
_magnet_export(id, date) := testing.transaction(
	{
		"id": id, "date": date,
		"parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": false}],
		"end_use": {"categories": ["civil"]},
	},
	{"material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"}},
)

test_one_decision_per_transaction_in_order if {
	ds := batch.decisions with input as {"transactions": [_magnet_export("A", "2026-03-02"), _magnet_export("B", "2025-04-03")]}
	[[d.transaction_id, d.outcome] | some d in ds] == [["A", "license_required"], ["B", "not_required"]]
}

test_each_decision_is_the_single_decision if {
	txs := [_magnet_export("A", "2026-03-02"), _magnet_export("B", "2025-04-03")]
	ds := batch.decisions with input as {"transactions": txs}
	every i, tx in txs {
		ds[i] == exportctl.decision with input as tx
	}
}

test_an_invalid_transaction_keeps_its_place if {
	ds := batch.decisions with input as {"transactions": [_magnet_export("A", "2026-03-02"), "not a transaction", _magnet_export("C", "2026-03-02")]}
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

# METADATA
# title: Batch decisions
# description: >-
#   The decision for each transaction of input.transactions, in order: the same rule as
#   data.exportctl.decision, evaluated once per transaction. Open-source OPA has no batch
#   endpoint; posting a chunk of a few hundred transactions here saves one HTTP round trip and
#   one input parse per transaction.
package exportctl.batch

import data.exportctl

# METADATA
# title: Decisions
# description: One decision per transaction of input.transactions, in the same order.
# entrypoint: true
decisions := [d |
	some tx in input.transactions
	d := exportctl.decision with input as tx
]

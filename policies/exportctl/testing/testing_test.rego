# METADATA
# title: Helpers for the Rego unit tests
# description: >-
#   A transaction builder and whole-result helpers shared by the provisions' tests. The file ends in
#   _test.rego, so the bundle build leaves it out. A finding or reason is compared whole, but for the
#   prose it copies from the provision's METADATA (title, description) and from its clause record
#   (citation, confidence): lib/result, lib/clauses and the decision build those, and their own
#   tests check them.
package exportctl.testing

# METADATA
# description: >-
#   The base transaction: an export from China (exporter in China, destination Germany) on
#   2026-05-01 of one item of Chinese origin, id "1", that says nothing else about itself.
base := {
	"id": "T",
	"date": "2026-05-01",
	"transferor": {"name": "Exporter", "country": "CN"},
	"destination": "DE",
	"items": [{"id": "1", "origin": "CN"}],
}

# METADATA
# description: >-
#   An overseas transfer (No. 61): the base transaction, but sent by a transferor in Japan to
#   Viet Nam.
overseas := object.union(base, {"transferor": {"name": "T", "country": "JP"}, "destination": "VN"})

# METADATA
# description: >-
#   Transaction `tx` with `item` merged into its first item, then `patch` merged into the whole
#   (object.union: objects merge key by key, arrays such as `parties` or `items` are replaced).
transaction_from(tx, patch, item) := object.union(object.union(tx, {"items": [object.union(tx.items[0], item)]}), patch)

# METADATA
# description: The base transaction with `item` merged into its item and `patch` into the whole.
transaction(patch, item) := transaction_from(base, patch, item)

# METADATA
# description: >-
#   The expected finding (or decision reason) of provision `id` applying its own clause: item
#   `item`, outcome `outcome`, facts `facts`.
finding(id, item, outcome, facts) := {"provision": id, "clause": id, "item": item, "outcome": outcome, "facts": facts}

# METADATA
# description: The expected finding of provision `id` that it cannot decide item `item` without `missing`.
needs(id, item, missing) := object.union(finding(id, item, "insufficient_information", {}), {"missing": missing})

# METADATA
# description: >-
#   The expected finding `f` of a provision that qualifies others (a licensing policy, an
#   exemption): it applies only while one of the clauses in `requires_any` is in force.
qualifying(f, requires_any) := object.union(f, {"requires_any": requires_any})

# METADATA
# description: >-
#   Findings as `finding` and `needs` build them, without their METADATA title and description.
results(findings) := {object.remove(f, ["title", "description"]) | some f in findings}

# METADATA
# description: >-
#   The reasons of decision `d` given by provision `id`, without METADATA prose and what they copy
#   from the clause record (citation, confidence).
reasons(d, id) := {object.remove(r, ["title", "description", "citation", "confidence"]) | some r in d.reasons; r.provision == id}

# METADATA
# description: The entries of decision `d`'s not_applied for provision `id`, without their title.
not_applied(d, id) := {object.remove(n, ["title"]) | some n in d.not_applied; n.provision == id}

# METADATA
# description: >-
#   The expected not_applied entry of provision `id` (own clause) for item `item`: it would apply
#   from `from`, `because`.
not_applied_entry(id, item, from, because) := {"provision": id, "clause": id, "item": item, "would_apply_from": from, "because": because}

# METADATA
# description: >-
#   The expected not_applied entry of provision `id` for item "1" on a day before its clause
#   takes effect on `from`.
not_yet_in_force(id, from) := not_applied_entry(id, "1", from, sprintf("not yet in force: %s applies from %s", [id, from]))

# METADATA
# title: Findings built from provision METADATA
# description: >-
#   Every provision reports findings through these helpers, passing rego.metadata.chain(). The
#   provision's id, title, description and clause reference come from its package METADATA, so
#   the decision, the generated docs and the Rego cannot drift apart.
package exportctl.lib.result

import data.exportctl.lib.clauses
import data.exportctl.lib.facts

# METADATA
# description: >-
#   The provision's package annotations: the last of the chain, which runs from the rule to its
#   package; a provision's package METADATA carries custom.id.
provision(chain) := a if {
	a := chain[count(chain) - 1].annotations
	a.custom.id
}

# METADATA
# description: The clause record the provision applies (its `custom.id`, "instrument/clause").
clause_of(chain) := clauses.clause(provision(chain).custom.id)

# METADATA
# description: A finding that a provision gives `outcome` for item `item`, with the facts it used.
finding(chain, item, outcome, facts) := {
	"provision": meta.custom.id,
	"title": meta.title,
	"description": meta.description,
	"clause": meta.custom.id,
	"item": item,
	"outcome": outcome,
	"facts": facts,
} if {
	meta := provision(chain)
}

# METADATA
# description: >-
#   A finding that the provision cannot decide item `item` without the facts in `missing`
#   (each {field, why}, optionally line). It yields insufficient_information while the clause is in force.
needs(chain, item, missing) := object.union(
	finding(chain, item, "insufficient_information", {}),
	{"missing": missing},
)

# METADATA
# description: A warning sentence of the provision, shown while its clause is in force.
warning(chain, message) := {"clause": provision(chain).custom.id, "message": message}

# METADATA
# description: >-
#   A finding like `finding` that cites the clause `clause_ref` ("instrument/clause") instead of the
#   provision's own: for a provision that applies one of several records, e.g. the listing that matched.
finding_for(chain, clause_ref, item, outcome, facts) := object.union(finding(chain, item, outcome, facts), {"clause": clause_ref})

# METADATA
# description: >-
#   A finding that qualifies other findings (a licensing policy, an exemption): it applies only while
#   its own clause and at least one of the clauses in `requires_any` are in force.
attached_finding(chain, item, outcome, facts, requires_any) := object.union(
	finding(chain, item, outcome, facts),
	{"requires_any": requires_any},
)

# METADATA
# description: >-
#   The finding that the provision depends, for item `item`, on the facts in `needed` (each
#   {field, path, why}; see lib/facts): insufficient_information naming those the transaction
#   lacks, while the clause is in force. Undefined when every one is known.
depends(chain, item, needed) := needs(chain, item, missing) if {
	missing := facts.unknown(needed)
	count(missing) > 0
}

# METADATA
# description: >-
#   Like `depends`, for a qualifying provision: it asks only while its own clause and one of the
#   clauses in `requires_any` are in force.
attached_depends(chain, item, needed, requires_any) := object.union(
	depends(chain, item, needed),
	{"requires_any": requires_any},
)

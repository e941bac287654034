"""OPA's allocations per decision stay within the budget recorded in bench/allocs-budget.json.

`opa bench` allocs/op is deterministic where wall time is not, so this is a test and not a timed
one: it fails when a contract example's allocs/op grows more than 20 % over its recorded budget.
A change that lowers the figures lowers the budget with it (`make bench` prints the new values).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from exportctl._bench import opa_bench

ROOT = Path(__file__).resolve().parents[1]
BUDGET = orjson.loads((ROOT / "bench" / "allocs-budget.json").read_bytes())
GROWTH = 1.20


@pytest.mark.parametrize("example", sorted(BUDGET["allocs_per_decision"]))
def test_allocs_per_decision_within_budget(example: str) -> None:
    budget = BUDGET["allocs_per_decision"][example]
    measured = opa_bench(ROOT / "policies", ROOT / "examples" / example)
    assert measured.allocs_per_op <= budget * GROWTH, (
        f"{example}: {measured.allocs_per_op} allocs/op, budget {budget} (+20 %)"
    )


def test_the_budget_covers_every_contract_example() -> None:
    examples = {p.name for p in (ROOT / "examples").glob("*.json")}
    assert set(BUDGET["allocs_per_decision"]) == examples

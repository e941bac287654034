"""`opa bench` of the decision, as `make bench` and the allocation budget test read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from exportctl._paths import opa_binary
from exportctl._sidecar import TEST_FILES, run_opa
from exportctl.errors import EngineError

DECISION_QUERY = "data.exportctl.decision"


@dataclass(frozen=True)
class OpaBench:
    """One `opa bench` run of a query on one input."""

    ns_per_op: float
    allocs_per_op: int
    bytes_per_op: int


def opa_bench(policies: Path, input_file: Path, query: str = DECISION_QUERY) -> OpaBench:
    """Run `opa bench --benchmem` of `query` over the bundle `policies` with `input_file`.

    The store is optimised for read speed, as the sidecars run it.
    """
    done = run_opa(
        [
            opa_binary(),
            "bench",
            "--benchmem",
            "--optimize-store-for-read-speed",
            "--count",
            "1",
            "--format",
            "json",
            "--bundle",
            str(policies),
            "--ignore",
            TEST_FILES,
            "--input",
            str(input_file),
            query,
        ],
        separate_errors=True,
    )
    if done.returncode != 0:
        raise EngineError(f"opa bench {input_file.name} failed: {done.stderr.strip()}")
    result = orjson.loads(done.stdout)
    runs = result["N"]
    return OpaBench(
        ns_per_op=result["T"] / runs,
        allocs_per_op=round(result["MemAllocs"] / runs),
        bytes_per_op=round(result["MemBytes"] / runs),
    )

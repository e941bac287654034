"""`make bench`, second part: batch throughput against one request per transaction.

Side by side in one run, against one warm sidecar, with transactions of a 20-line bill of
materials each (in the shapes of `examples/`), in decisions per second:

- one request per transaction: the client's `decide`, schema validation on (jsonschema-rs);
- the same with the pure-Python jsonschema validating instead, as the client did before: for
  reference;
- `exportctl batch`'s engine (`run_batch`: read JSON Lines, validate, post chunks to
  `data.exportctl.batch.decisions` with two requests in flight, write JSON Lines), validation
  on, then off;
- OPA's own evaluation time per transaction inside a batch request (`?metrics=true`): the
  ceiling that the engine, not the client, sets.

Targets: batch (validation on) >= 2,000 decisions/s and >= 10 x one request per transaction
(`decide`, validation on); exits 1 when either is missed. The batch rate is bounded by OPA's
evaluation time of the policy, reported on the last lines.
"""

from __future__ import annotations

import copy
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from exportctl import decide
from exportctl._batch import BATCH_PATH
from exportctl._batch_file import run_batch
from exportctl._client import OpaClient
from exportctl._sidecar import Sidecar

ROOT = Path(__file__).resolve().parents[1]
BOM_LINES = 20
SINGLE = 300
BATCH = 4_000
TARGET_RATE = 2_000
TARGET_RATIO = 10


def transactions(n: int) -> list[dict[str, Any]]:
    """`n` transactions in the shapes of the four examples, each item with a 20-line BOM."""
    shapes = [orjson.loads(p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.json"))]
    out = []
    for i in range(n):
        tx = copy.deepcopy(shapes[i % len(shapes)])
        tx["id"] = f"BENCH-{i:06d}"
        item = tx["items"][0]
        currency = item.get("value", {}).get("currency", "USD")
        item["bom"] = [
            {
                "id": f"{item['id']}.{k}",
                "description": "rare-earth part" if k % 4 == 0 else "steel part",
                "origin": "CN" if k % 4 == 0 else "KR",
                "material": {
                    "elements": ["Dy"] if k % 4 == 0 else ["Fe"],
                    "form": "metal" if k % 4 == 0 else "other",
                },
                "value": {"amount": 1.5 + k, "currency": currency},
            }
            for k in range(BOM_LINES)
        ]
        out.append(tx)
    return out


def rate_single(url: str, txs: list[dict[str, Any]]) -> float:
    decide(txs[0], opa_url=url)
    start = time.perf_counter()
    for tx in txs:
        decide(tx, opa_url=url)
    return len(txs) / (time.perf_counter() - start)


def rate_single_jsonschema(url: str, txs: list[dict[str, Any]]) -> float:
    from jsonschema.exceptions import best_match

    from exportctl._schema import _validator

    validator = _validator()
    start = time.perf_counter()
    for tx in txs:
        if best_match(validator.iter_errors(tx)) is not None:
            raise SystemExit(f"{tx['id']} is not a valid transaction")
        decide(tx, opa_url=url, validate=False)
    return len(txs) / (time.perf_counter() - start)


def rate_batch(url: str, jsonl: bytes, n: int, *, validate: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "out.jsonl"
        start = time.perf_counter()
        summary = run_batch(io.BytesIO(jsonl), output, opa_url=url, validate=validate)
        elapsed = time.perf_counter() - start
    decided = sum(summary.outcomes.values())
    if decided != n or summary.exit_code != 0:
        raise SystemExit(f"batch decided {decided} of {n} (exit code {summary.exit_code})")
    return n / elapsed


def opa_eval_ms(url: str, txs: list[dict[str, Any]]) -> float:
    """OPA's evaluation time per transaction in one batch request of 250."""
    client = OpaClient(url)
    try:
        answer = client.query(BATCH_PATH, {"transactions": txs[:250]}, {"metrics": "true"})
    finally:
        client.close()
    return answer["metrics"]["timer_rego_query_eval_ns"] / 250 / 1e6


def main() -> int:
    txs = transactions(BATCH)
    jsonl = b"".join(orjson.dumps(tx) + b"\n" for tx in txs)
    print(
        f"exportctl bench: batch throughput, {BOM_LINES}-line BOMs, {os.cpu_count()} cores",
        file=sys.stderr,
    )
    with Sidecar() as opa:
        run_batch(io.BytesIO(jsonl[: len(jsonl) // 8]), Path(os.devnull), opa_url=opa.url)
        single = rate_single(opa.url, txs[:SINGLE])
        single_jsonschema = rate_single_jsonschema(opa.url, txs[:100])
        validated = rate_batch(opa.url, jsonl, BATCH, validate=True)
        unvalidated = rate_batch(opa.url, jsonl, BATCH, validate=False)
        eval_ms = statistics.median(opa_eval_ms(opa.url, txs) for _ in range(3))

    print("## Batch throughput (decisions/s, one run, side by side)\n")
    print("| path | decisions/s | x one per request |\n|---|---:|---:|")
    for name, rate in (
        (f"one request per transaction (`decide`, validation on, {SINGLE} tx)", single),
        ("the same, validated by the pure-Python jsonschema as before (100 tx)", single_jsonschema),
        (f"`exportctl batch`, validation on ({BATCH} tx)", validated),
        (f"`exportctl batch`, validation off ({BATCH} tx)", unvalidated),
    ):
        print(f"| {name} | {rate:,.0f} | {rate / single:.1f} |")
    ceiling = (os.cpu_count() or 1) * 1000 / eval_ms
    print(
        f"\nOPA evaluation alone: {eval_ms:.2f} ms per transaction in a batch request, so at "
        f"most {ceiling:,.0f} decisions/s on {os.cpu_count()} cores whatever the client does."
    )
    ratio_met = validated >= TARGET_RATIO * single
    print(
        f"Targets: >= {TARGET_RATE:,}/s: {'met' if validated >= TARGET_RATE else 'MISSED'}; "
        f">= {TARGET_RATIO} x one request per transaction: {'met' if ratio_met else 'MISSED'}."
    )
    return 0 if ratio_met and validated >= TARGET_RATE else 1


if __name__ == "__main__":
    sys.exit(main())

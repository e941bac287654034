"""Batch throughput against one request per transaction (part of `make bench`).

Transactions of a 20-line bill of materials each, in the shapes of `examples/`, against one warm
sidecar: one request per transaction (the client's `decide`, validation on), `exportctl batch`'s
engine (`run_batch`: read JSON Lines, validate, post chunks to `data.exportctl.batch.decisions`,
write JSON Lines) with validation on and off, and OPA's own evaluation time per transaction
inside a batch request (`?metrics=true`): the ceiling that the engine, not the client, sets.
"""

from __future__ import annotations

import copy
import io
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from exportctl import decide
from exportctl._batch import BATCH_PATH
from exportctl._batch_file import run_batch
from exportctl._client import OpaClient

ROOT = Path(__file__).resolve().parents[1]
BOM_LINES = 20
SINGLE = 300
BATCH = 4_000


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


def rate_batch(url: str | Sequence[str], jsonl: bytes, n: int, *, validate: bool = True) -> float:
    """Decisions per second of `run_batch` over the OPA server(s) `url`."""
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

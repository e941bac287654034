"""How decision time grows with the size of a bill of materials (part of `make bench`).

Grows one transferred item's BOM over 100 ... 20,000 lines and measures the p50 of: the whole
client call (schema validation + HTTP + JSON), the client call without validation, OPA's server
handler time and OPA's own evaluation time (`?metrics=true`). Linearity is checked on the marginal
cost per line between consecutive sizes: the last interval may cost at most 15 % more per line
than the first. A deliberately quadratic control policy runs through the same check, which must
flag it.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from exportctl import decide

SIZES = (100, 1_000, 5_000, 10_000, 20_000)
CONTROL_SIZES = (100, 200, 400, 600, 800)
LINEAR_TOLERANCE = 1.15
CONTROL_POLICIES = Path(__file__).parent / "quadratic_control"


def bom_transaction(lines: int) -> dict[str, Any]:
    """A Korean magnet assembly whose BOM has `lines` lines in groups of ten, two levels deep."""
    groups = []
    for g in range(max(1, lines // 10)):
        children = [
            {
                "id": f"A.{g}.1",
                "origin": "CN",
                "material": {"elements": ["Dy"], "form": "metal"},
                "value": {"amount": 0.01, "currency": "USD"},
            },
            {
                "id": f"A.{g}.2",
                "origin": "CN",
                "material": {"elements": ["Nd"], "form": "metal"},
                "value": {"amount": 0.5, "currency": "USD"},
            },
            {
                "id": f"A.{g}.3",
                "origin": "JP",
                "material": {"elements": ["Dy", "Fe"], "form": "alloy"},
                "value": {"amount": 0.2, "currency": "EUR"},
                "bom": [
                    {
                        "id": f"A.{g}.3.1",
                        "origin": "CN",
                        "material": {"elements": ["Dy"], "form": "metal"},
                        "value": {"amount": 0.05, "currency": "EUR"},
                    }
                ],
            },
        ]
        children += [
            {
                "id": f"A.{g}.{k}",
                "origin": "KR",
                "material": {"elements": ["Fe"], "form": "other"},
                "value": {"amount": 0.3, "currency": "USD"},
            }
            for k in range(4, 9)
        ]
        groups.append(
            {
                "id": f"A.{g}",
                "origin": "KR",
                "material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"},
                "value": {"amount": 4, "currency": "USD"},
                "bom": children,
            }
        )
    return {
        "id": f"BENCH-{lines}",
        "date": "2026-12-15",
        "transferor": {"name": "Bench Motors Korea", "country": "KR"},
        "destination": "US",
        "parties": [{"role": "end_user", "name": "Bench Robotics", "country": "US"}],
        "end_use": {"categories": ["civil"]},
        "fx_rates": {"EUR": {"USD": 1.08}},
        "items": [
            {
                "id": "A",
                "origin": "KR",
                "produced_with_cn_technologies": [],
                "value": {"amount": 5.0 * lines, "currency": "USD"},
                "bom": groups,
            }
        ],
    }


def p50_ms(run: Callable[[], Any], repeats: int) -> tuple[float, list[Any]]:
    """Median wall time of `run` in milliseconds, after one warm-up call; also the results."""
    run()
    times, results = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        results.append(run())
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), results


def repeats_for(lines: int) -> int:
    return 21 if lines <= 1_000 else 9 if lines <= 10_000 else 5


def measure(url: str, sizes: tuple[int, ...], *, with_validation: bool) -> list[dict[str, float]]:
    rows = []
    for lines in sizes:
        tx = bom_transaction(lines)
        n = repeats_for(lines)
        row: dict[str, float] = {"lines": lines}
        if with_validation:
            row["client_ms"], _ = p50_ms(partial(decide, tx, opa_url=url), n)
        row["client_no_validation_ms"], decisions = p50_ms(
            partial(decide, tx, opa_url=url, validate=False, metrics=True), n
        )
        metrics = [d.metrics or {} for d in decisions]
        row["opa_handler_ms"] = (
            statistics.median(m["timer_server_handler_ns"] for m in metrics) / 1e6
        )
        row["opa_eval_ms"] = statistics.median(m["timer_rego_query_eval_ns"] for m in metrics) / 1e6
        rows.append(row)
        print(
            f"  {lines:>6} lines: "
            + ", ".join(f"{k} {v:.1f}" for k, v in row.items() if k != "lines"),
            file=sys.stderr,
        )
    return rows


def marginal_ratio(rows: list[dict[str, float]], column: str) -> float:
    """Cost per added line over the last interval / over the first (from the 2nd size on)."""

    def per_line(a: dict[str, float], b: dict[str, float]) -> float:
        return (b[column] - a[column]) / (b["lines"] - a["lines"])

    first = per_line(rows[1], rows[2])
    last = per_line(rows[-2], rows[-1])
    return last / first if first > 0 else float("inf")


def table(rows: list[dict[str, float]], columns: list[str]) -> str:
    head = "| lines | " + " | ".join(columns) + " |\n|---:|" + "---:|" * len(columns) + "\n"
    return head + "".join(
        f"| {int(r['lines'])} | " + " | ".join(f"{r[c]:.1f}" for c in columns) + " |\n"
        for r in rows
    )

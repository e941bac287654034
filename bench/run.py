"""`make bench`: every speed target of the project, measured side by side in one run.

Prints the detail of each measure, then one table: measure, now, target, met. The machine is
shared and noisy: read wall times as ratios; `opa bench` allocs/op are deterministic.

1. OPA evaluation of one small transaction: `opa bench` ns/op and allocs/op of each example.
2. The clients' overhead over a raw keep-alive `http.client` POST of the same body to the same
   running sidecar (plain TCP, as in production), calls interleaved: the project's `OpaClient`
   and `AsyncClient`, and opa-python-client's `query_rule` (bench/fleet.py).
3. `exportctl decide FILE --opa-url` against that sidecar, wall, beside `curl` posting the file.
4. `exportctl batch`'s engine against one request per transaction (bench/batch.py).
5. A 5,000-line BOM end to end, and the growth t(20k)/t(5k) with the linearity check and its
   quadratic control policy, which the check must flag (bench/bom.py).
6. `exportctl batch` over two sidecars against one (bench/fleet.py).

Exits 1 when a guard fails (decision time not linear in the BOM size, or the quadratic control
not flagged); a missed target is reported as MISSED in the table, not as a failure.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson
from batch import BATCH, BOM_LINES, SINGLE, opa_eval_ms, rate_batch, rate_single, transactions
from bom import (
    CONTROL_POLICIES,
    CONTROL_SIZES,
    LINEAR_TOLERANCE,
    SIZES,
    marginal_ratio,
    measure,
    p50_ms,
    table,
)
from fleet import CHEAP_PATH, FLEET_BATCH, client_paths_us, fleet_throughput

from exportctl import OpaClient, build_bundle
from exportctl._batch_file import run_batch
from exportctl._bench import opa_bench
from exportctl._client import DECISION_PATH
from exportctl._paths import opa_binary, policies_dir
from exportctl._sidecar import Sidecar, opa_environment

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
CONTRACT_EXAMPLE = ROOT / "examples" / "cn-export-tb-magnet.json"
CLIENT_NAMES = {
    "opa_client": "client (`OpaClient.decide`)",
    "async_client": "`AsyncClient.decide`",
    "opa_python_client": "opa-python-client 3 `query_rule`",
}
CLI_RUNS = 9


@dataclass(frozen=True)
class Row:
    measure: str
    now: str
    target: str
    met: bool | None  # None: reported beside a target, not itself one


@contextmanager
def tcp_sidecar(workdir: Path) -> Iterator[str]:
    """A plain OPA server on a loopback port serving the project's bundle, as in production."""
    bundle = workdir / "bundle.tar.gz"
    build_bundle(policies_dir(), bundle)
    with socket_port() as port:
        address = f"127.0.0.1:{port}"
    opa = subprocess.Popen(
        [
            opa_binary(),
            "run",
            "--server",
            "--addr",
            address,
            "--optimize-store-for-read-speed",
            "--log-level",
            "error",
            "--bundle",
            str(bundle),
        ],
        env=opa_environment(),
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"http://{address}"
        client = OpaClient(url)
        deadline = time.monotonic() + 30
        while not client.healthy():
            if time.monotonic() > deadline or opa.poll() is not None:
                raise SystemExit("the benchmark's OPA did not start")
            time.sleep(0.05)
        client.close()
        yield url
    finally:
        opa.terminate()
        opa.wait()


@contextmanager
def socket_port() -> Iterator[int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def opa_eval_rows() -> tuple[list[Row], str]:
    lines = ["## OPA evaluation, one transaction (`opa bench --benchmem`, optimised store)\n"]
    lines.append("| example | µs/op | allocs/op |\n|---|---:|---:|")
    rows = []
    for example in EXAMPLES:
        result = opa_bench(policies_dir(), example)
        lines.append(
            f"| {example.name} | {result.ns_per_op / 1e3:,.0f} | {result.allocs_per_op:,} |"
        )
        if example == CONTRACT_EXAMPLE:
            rows.append(
                Row(
                    f"OPA eval, contract example (`opa bench`, {example.name})",
                    f"{result.ns_per_op / 1e6:.2f} ms, {result.allocs_per_op:,} allocs/op",
                    "≤ 0.5 ms, ≤ 1,000 allocs/op",
                    result.ns_per_op <= 0.5e6 and result.allocs_per_op <= 1_000,
                )
            )
    return rows, "\n".join(lines)


def clients_detail(url: str) -> tuple[dict[str, float], str]:
    """The clients side by side on the decision path and on a rule that evaluates next to
    nothing; the decision-path medians and the detail table."""
    lines = []
    decision_path: dict[str, float] = {}
    for path in (DECISION_PATH, CHEAP_PATH):
        medians = client_paths_us(url, path=path)
        decision_path = decision_path or medians
        lines.append(f"## Clients, POST {path} (median µs per call, interleaved)\n")
        lines.append("| client | µs | over raw `http.client` |\n|---|---:|---:|")
        for name, us in medians.items():
            if not name.endswith("_overhead"):
                over = medians.get(f"{name}_overhead")
                lines.append(f"| {name} | {us:,.0f} | {'' if over is None else f'{over:+,.0f}'} |")
        lines.append("")
    return decision_path, "\n".join(lines)


def fleet_rows() -> tuple[list[Row], str]:
    figures = fleet_throughput()
    detail = (
        f"## Batch over a fleet ({FLEET_BATCH:,} tx, {BOM_LINES}-line BOMs, "
        f"{figures['cores']:.0f} cores shared by the sidecars)\n\n"
        f"one sidecar {figures['one_sidecar']:,.0f}/s, two sidecars "
        f"{figures['two_sidecars']:,.0f}/s: × {figures['ratio']:.2f}"
    )
    row = Row(
        "`exportctl batch` over two sidecars against one (same 2 cores)",
        f"{figures['two_sidecars']:,.0f}/s against {figures['one_sidecar']:,.0f}/s: "
        f"× {figures['ratio']:.2f}",
        "",
        None,
    )
    return [row], detail


def cli_wall_ms(url: str) -> tuple[float, float]:
    """Median ms of `exportctl decide FILE --opa-url URL` and of `curl` posting the same file."""
    exportctl = str(Path(sys.executable).with_name("exportctl"))
    with tempfile.NamedTemporaryFile(suffix=".json") as body:
        body.write(orjson.dumps({"input": orjson.loads(CONTRACT_EXAMPLE.read_bytes())}))
        body.flush()
        curl = ["curl", "-sS", "-o", os.devnull, "--data-binary", f"@{body.name}"]
        curl += ["-H", "Content-Type: application/json", url + DECISION_PATH]
        decide = [exportctl, "decide", str(CONTRACT_EXAMPLE), "--opa-url", url]

        def run(command: list[str]) -> Callable[[], None]:
            def once() -> None:
                done = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
                if done.returncode not in (0, 1, 4):
                    raise SystemExit(f"{command[0]} exited with {done.returncode}")

            return once

        return p50_ms(run(decide), CLI_RUNS)[0], p50_ms(run(curl), CLI_RUNS)[0]


def batch_rows(url: str) -> tuple[list[Row], str]:
    txs = transactions(BATCH)
    jsonl = b"".join(orjson.dumps(tx) + b"\n" for tx in txs)
    run_batch(io.BytesIO(jsonl[: len(jsonl) // 8]), Path(os.devnull), opa_url=url)
    single = rate_single(url, txs[:SINGLE])
    validated = rate_batch(url, jsonl, BATCH, validate=True)
    unvalidated = rate_batch(url, jsonl, BATCH, validate=False)
    eval_ms = statistics.median(opa_eval_ms(url, txs) for _ in range(3))
    ceiling = (os.cpu_count() or 1) * 1000 / eval_ms
    detail = "\n".join(
        [
            f"## Batch throughput, {BOM_LINES}-line BOMs (decisions/s)\n",
            "| path | decisions/s | × one per request |\n|---|---:|---:|",
            f"| one request per transaction (`decide`, validation on, {SINGLE} tx) "
            f"| {single:,.0f} | 1.0 |",
            f"| `exportctl batch`, validation on ({BATCH} tx) "
            f"| {validated:,.0f} | {validated / single:.1f} |",
            f"| `exportctl batch`, validation off ({BATCH} tx) "
            f"| {unvalidated:,.0f} | {unvalidated / single:.1f} |",
            f"\nOPA evaluation alone: {eval_ms:.2f} ms per transaction inside a batch request, "
            f"so at most {ceiling:,.0f} decisions/s on {os.cpu_count()} cores whatever the "
            "client does.",
        ]
    )
    rows = [
        Row(
            f"`exportctl batch`, {BOM_LINES}-line BOMs",
            f"{validated:,.0f}/s, {validated / single:.1f}× one-by-one",
            "≥ 2,000/s and ≥ 10×",
            validated >= 2_000 and validated >= 10 * single,
        ),
        Row(
            "ceiling set by OPA eval per transaction in a batch",
            f"{eval_ms:.2f} ms → {ceiling:,.0f}/s on {os.cpu_count()} cores",
            "",
            None,
        ),
    ]
    return rows, detail


def bom_rows(url: str) -> tuple[list[Row], str, bool]:
    rows = measure(url, SIZES, with_validation=True)
    with Sidecar(CONTROL_POLICIES) as control:
        control_rows = measure(control.url, CONTROL_SIZES, with_validation=False)
    columns = ["client_ms", "client_no_validation_ms", "opa_handler_ms", "opa_eval_ms"]
    by_size = {int(r["lines"]): r for r in rows}
    growth = by_size[20_000]["client_ms"] / by_size[5_000]["client_ms"]
    eval_ratio = marginal_ratio(rows, "opa_eval_ms")
    control_ratio = marginal_ratio(control_rows, "opa_eval_ms")
    linear = eval_ratio <= LINEAR_TOLERANCE
    flagged = control_ratio > LINEAR_TOLERANCE
    detail = "\n".join(
        [
            "## Decision time against BOM size (p50 ms, one warm sidecar)\n",
            table(rows, columns),
            "## Quadratic control policy (p50 ms)\n",
            table(control_rows, ["client_no_validation_ms", "opa_eval_ms"]),
        ]
    )
    five_k = by_size[5_000]["client_ms"]
    summary = [
        Row(
            "5,000-line BOM, end to end (client p50)",
            f"{five_k:.0f} ms",
            "≤ 100 ms",
            five_k <= 100,
        ),
        Row("growth t(20k)/t(5k), client p50", f"{growth:.2f}", "≤ 4.4", growth <= 4.4),
        Row(
            "linearity guard: OPA eval marginal cost per line, last/first interval",
            f"{eval_ratio:.2f}",
            f"≤ {LINEAR_TOLERANCE}",
            linear,
        ),
        Row(
            "the same on the quadratic control policy (must be flagged)",
            f"{control_ratio:.2f}",
            f"> {LINEAR_TOLERANCE}",
            flagged,
        ),
    ]
    return summary, detail, linear and flagged


def main() -> int:
    print(f"exportctl bench: one run, {os.cpu_count()} cores", file=sys.stderr)
    details: list[str] = []
    summary: list[Row] = []
    rows, detail = opa_eval_rows()
    summary += rows
    details.append(detail)
    with (
        tempfile.TemporaryDirectory(prefix="exportctl-bench-") as tmp,
        tcp_sidecar(Path(tmp)) as url,
    ):
        clients, detail = clients_detail(url)
        details.append(detail)
        for name in ("opa_client", "async_client", "opa_python_client"):
            overhead = clients[f"{name}_overhead"]
            summary.append(
                Row(
                    f"{CLIENT_NAMES[name]} overhead over a raw keep-alive `http.client` POST",
                    f"{overhead:+,.0f} µs (raw {clients['raw_http_client']:,.0f})",
                    "≤ 150 µs",
                    overhead <= 150,
                )
            )
        decide_ms, curl_ms = cli_wall_ms(url)
        summary.append(
            Row(
                "`exportctl decide FILE --opa-url` (running sidecar), wall",
                f"{decide_ms:.0f} ms (curl: {curl_ms:.0f} ms)",
                "≤ 150 ms",
                decide_ms <= 150,
            )
        )
        rows, detail = batch_rows(url)
        summary += rows
        details.append(detail)
        rows, detail, guards_hold = bom_rows(url)
        summary += rows
        details.append(detail)
    rows, detail = fleet_rows()
    summary += rows
    details.append(detail)
    print("\n\n".join(details))
    print("\n## Targets (this run)\n")
    print("| measure | now | target | met |\n|---|---|---|---|")
    for row in summary:
        met = "" if row.met is None else "yes" if row.met else "MISSED"
        print(f"| {row.measure} | {row.now} | {row.target} | {met} |")
    return 0 if guards_hold else 1


if __name__ == "__main__":
    sys.exit(main())

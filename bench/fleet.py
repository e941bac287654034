"""The fleet's measures (part of `make bench`): decision throughput of `exportctl batch` over
two sidecars against one, and the clients on the decision path side by side (raw `http.client`,
the project's `OpaClient` and `AsyncClient`, opa-python-client's `query_rule`).
"""

from __future__ import annotations

import asyncio
import http.client
import inspect
import os
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from batch import rate_batch, transactions

from exportctl import AsyncClient, OpaClient
from exportctl._client import DECISION_PATH
from exportctl._sidecar import Sidecar

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_EXAMPLE = ROOT / "examples" / "cn-export-tb-magnet.json"
FLEET_BATCH = 2_000
CLIENT_CALLS = 300
CHEAP_PATH = "/v1/data/exportctl/config/data_reviewed_on"
"""A rule of the bundle that reads one value: the clients' own cost stands out."""


def fleet_throughput(n: int = FLEET_BATCH) -> dict[str, float]:
    """Decision throughput of `exportctl batch`'s engine over one sidecar and over two.

    Starts two embedded sidecars on this machine (the project's bundle), warms both, then runs
    `n` transactions with a `BOM_LINES`-line BOM each, validation on, default chunk size and
    workers (per sidecar), over the first sidecar alone and over both. Returns decisions per
    second as `one_sidecar` and `two_sidecars`, their `ratio` (two / one), and `cores`: on a
    machine whose cores the two OPAs share, the ratio stays near 1, since OPA's evaluation is
    the bound; it grows with sidecars on machines of their own.
    """
    txs = transactions(n)
    jsonl = b"".join(orjson.dumps(tx) + b"\n" for tx in txs)
    with ExitStack() as stack:
        urls = [stack.enter_context(Sidecar()).url for _ in range(2)]
        warm = jsonl[: len(jsonl) // 10].rpartition(b"\n")[0] + b"\n"
        rate_batch(urls, warm, warm.count(b"\n"))
        one = rate_batch(urls[:1], jsonl, n)
        two = rate_batch(urls, jsonl, n)
    return {
        "one_sidecar": one,
        "two_sidecars": two,
        "ratio": two / one,
        "cores": float(os.cpu_count() or 1),
    }


def client_paths_us(
    url: str, calls: int = CLIENT_CALLS, path: str = DECISION_PATH
) -> dict[str, float]:
    """Median µs per decision of the contract example through each client, on one running OPA
    server at `url` (`http://HOST:PORT`, no token): calls interleaved, so that every client sees
    the same load. OPA's evaluation (milliseconds) is in every figure; to see the clients alone,
    give a `path` that evaluates next to nothing (`CHEAP_PATH`), which the project's clients then
    `post` to instead of `decide`.

    Returns `raw_http_client` (a kept-alive `http.client` POST of the body, JSON decoded),
    `opa_client` (the project's `OpaClient.decide`), `async_client` (`AsyncClient.decide`,
    awaited in one event loop that runs the whole measure), `opa_python_client`
    (opa-python-client 3's `OpaClient.query_rule` on requests, kept alive),
    `opa_python_async_client` (its `AsyncOpaClient.query_rule` on aiohttp, in the same loop),
    and each client's overhead over the raw POST as `<name>_overhead`.
    """
    from opa_client import AsyncOpaClient  # its import alone takes ~0.5 s
    from opa_client import OpaClient as OpaPythonClient

    transaction = orjson.loads(CONTRACT_EXAMPLE.read_bytes())
    body = orjson.dumps({"input": transaction})
    address = urlsplit(url)
    assert address.hostname and address.port, f"{url}: a http://HOST:PORT URL is needed"
    raw = http.client.HTTPConnection(address.hostname, address.port)
    ours = OpaClient(url)
    theirs = OpaPythonClient(host=address.hostname, port=address.port, timeout=30)
    rule = path.removeprefix("/v1/data/")
    decision = path == DECISION_PATH

    def raw_post() -> None:
        raw.request("POST", path, body, {"Content-Type": "application/json"})
        orjson.loads(raw.getresponse().read())

    async def measure() -> dict[str, list[float]]:
        # The sync clients block the loop while they run: every client is timed alone.
        async with (
            AsyncClient(url) as ours_async,
            AsyncOpaClient(host=address.hostname, port=address.port, timeout=30) as theirs_async,
        ):
            runs: dict[str, Callable[[], Any]] = {
                "raw_http_client": raw_post,
                "opa_client": lambda: (
                    ours.decide(transaction) if decision else ours.post(path, body)
                ),
                "async_client": lambda: (
                    ours_async.decide(transaction) if decision else ours_async.post(path, body)
                ),
                "opa_python_client": lambda: theirs.query_rule(transaction, rule),
                "opa_python_async_client": lambda: theirs_async.query_rule(transaction, rule),
            }
            times: dict[str, list[float]] = {name: [] for name in runs}
            for round_ in range(calls + 1):  # the first round warms up
                for name, run in runs.items():
                    start = time.perf_counter()
                    answer = run()
                    if inspect.isawaitable(answer):
                        await answer
                    if round_:
                        times[name].append(time.perf_counter() - start)
            return times

    try:
        times = asyncio.run(measure())
    finally:
        raw.close()
        ours.close()
        theirs.close_connection()
    medians = {name: statistics.median(t) * 1e6 for name, t in times.items()}
    raw_us = medians["raw_http_client"]
    return medians | {
        f"{name}_overhead": us - raw_us for name, us in medians.items() if name != "raw_http_client"
    }

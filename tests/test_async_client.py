"""`exportctl.AsyncClient` against the real OPA: the sync client's decisions, deadline, errors and
checks, and requests in flight together."""

from __future__ import annotations

import asyncio
import copy
import io
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

from exportctl import (
    AsyncClient,
    Decision,
    EngineError,
    EngineUnavailableError,
    Explain,
    OpaClient,
    UndefinedDecisionError,
)
from exportctl._async_client import _AsyncConnection
from exportctl._client import REFUSED, BrokenAnswerError, _read_response
from test_http import BROKEN_ANSWERS
from test_sidecar_lock import TB_MAGNET, forging, http_server, trickling_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [orjson.loads(p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.json"))]
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def contract(decision: Decision) -> dict[str, Any]:
    """The decision document without the audit fields that differ between two calls."""
    document = decision.document()
    audit = document.pop("audit")
    return {**document, "audit": {k: audit[k] for k in ("bundle_revision", "input_sha256")}}


async def decide_all(url: str, transactions: list[dict[str, Any]]) -> list[Decision]:
    async with AsyncClient(url) as client:
        return [await client.decide(tx) for tx in transactions]


def test_the_same_decisions_as_the_sync_client(opa_url: str) -> None:
    sync = OpaClient(opa_url)
    try:
        expected = [contract(sync.decide(tx)) for tx in EXAMPLES]
    finally:
        sync.close()

    decisions = run(decide_all(opa_url, EXAMPLES))

    assert [contract(d) for d in decisions] == expected
    assert {d.outcome for d in decisions} >= {"license_required", "not_required"}
    assert all(d.audit is not None and d.audit.decision_id for d in decisions)


def test_explanation_and_metrics_come_back_when_asked(opa_url: str) -> None:
    async def ask() -> Decision:
        async with AsyncClient(opa_url) as client:
            return await client.decide(TB_MAGNET, explain=Explain.notes, metrics=True)

    decision = run(ask())

    assert decision.explanation
    assert decision.metrics and "timer_rego_query_eval_ns" in decision.metrics


def test_requests_in_flight_together_each_get_their_own_decision(opa_url: str) -> None:
    transactions = []
    for i in range(24):
        tx = copy.deepcopy(EXAMPLES[i % len(EXAMPLES)])
        tx["id"] = f"ASYNC-{i:03d}"
        transactions.append(tx)

    async def decide_together() -> tuple[list[Decision], int]:
        async with AsyncClient(opa_url) as client:
            decisions = await asyncio.gather(*(client.decide(tx) for tx in transactions))
            return decisions, len(client._idle)

    decisions, connections = run(decide_together())

    assert [d.transaction_id for d in decisions] == [tx["id"] for tx in transactions]
    assert connections > 1  # they were in flight together, each on a connection of its own
    single = run(decide_all(opa_url, transactions[:4]))
    assert [contract(d) for d in decisions[:4]] == [contract(d) for d in single]


def test_a_wrong_token_is_the_sync_clients_error(opa_url: str) -> None:
    with pytest.raises(EngineError) as sync_error:
        OpaClient(opa_url, token="wrong").decide(TB_MAGNET)

    async def ask() -> None:
        async with AsyncClient(opa_url, token="wrong") as client:
            await client.decide(TB_MAGNET)

    with pytest.raises(EngineError) as async_error:
        run(ask())

    assert str(async_error.value) == str(sync_error.value) == REFUSED


def test_the_deadline_bounds_the_whole_answer() -> None:
    # A byte every 0.2 s: only a deadline over the whole answer ends it.
    async def ask(url: str) -> None:
        async with AsyncClient(url, timeout=1.5) as client:
            await client.decide(TB_MAGNET)

    with trickling_server(0.2) as url:
        start = time.monotonic()
        with pytest.raises(EngineUnavailableError, match=r"did not answer within 1.5 s$"):
            run(ask(url))
        elapsed = time.monotonic() - start

    assert 1.4 < elapsed < 3


def test_an_unreachable_engine_is_the_sync_clients_error(unused_url: str) -> None:
    with pytest.raises(EngineUnavailableError) as sync_error:
        OpaClient(unused_url).decide(TB_MAGNET)

    async def ask() -> bool:
        async with AsyncClient(unused_url) as client:
            healthy = await client.healthy()
            await client.decide(TB_MAGNET)
        return healthy

    with pytest.raises(EngineUnavailableError) as async_error:
        run(ask())

    assert str(async_error.value) == str(sync_error.value)
    with pytest.raises(EngineUnavailableError, match="expected http://HOST:PORT"):
        AsyncClient("localhost:8181")


def test_an_answer_for_another_transaction_or_revision_is_refused() -> None:
    async def ask(url: str, revision: str | None = None) -> None:
        async with AsyncClient(url, revision=revision) as client:
            await client.decide(TB_MAGNET)

    with (
        http_server(forging(transaction_id="SO-OTHER")) as (url, _),
        pytest.raises(EngineError, match="decision for 'SO-OTHER', not for 'SO-2026-00417'"),
    ):
        run(ask(url))
    with (
        http_server(forging(revision="sha256:forgedforgedforg")) as (url, _),
        pytest.raises(EngineError, match="revision 'sha256:forgedforgedforg'"),
    ):
        run(ask(url, "sha256:0123456789abcdef"))


def test_an_answer_without_a_result_is_undefined_and_a_redirect_is_not_followed() -> None:
    async def ask(url: str) -> None:
        async with AsyncClient(url) as client:
            await client.decide(TB_MAGNET)

    def no_result(path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, b"{}"

    def redirect(path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        return 307, {"Location": path}, b""

    with http_server(no_result) as (url, _), pytest.raises(UndefinedDecisionError):
        run(ask(url))
    with (
        http_server(redirect) as (url, seen),
        pytest.raises(EngineError, match="HTTP 307 .*not followed"),
    ):
        run(ask(url))
    assert len(seen.requests) == 1


def test_a_health_check_of_the_embedded_sidecar(opa_url: str) -> None:
    async def healthy() -> bool:
        async with AsyncClient(opa_url) as client:
            return await client.healthy()

    assert run(healthy())


@pytest.mark.parametrize(("raw", "broken"), BROKEN_ANSWERS)
def test_an_answer_is_read_as_the_sync_client_reads_it(raw: bytes, broken: str) -> None:
    async def read() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        await _AsyncConnection(reader, None).read_response()  # type: ignore[arg-type]

    with pytest.raises(BrokenAnswerError, match=broken):
        _read_response(io.BufferedReader(io.BytesIO(raw)))
    with pytest.raises(BrokenAnswerError, match=broken):
        run(read())

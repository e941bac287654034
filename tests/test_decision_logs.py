"""Decision logs: a locked sidecar started as deploy/ configures it (tests/fleet_support.py: the
signed bundle from nginx, deploy/opa-config.yaml, deploy/mask.rego) uploads to a collector on
loopback; the client's audit records and OPA's events name the same decisions, and what leaves
the sidecar holds no party name, description or amount."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

import fleet_support
from decision_log_collector import Collector, Event
from exportctl import AsyncClient, Decision, OpaClient
from exportctl._cli import app
from exportctl._paths import opa_binary, policies_dir

ROOT = Path(__file__).resolve().parents[1]
MASK = ROOT / "deploy" / "mask.rego"
EXAMPLE_FILES = sorted((ROOT / "examples").glob("*.json"))
EXAMPLES: list[dict[str, Any]] = [orjson.loads(p.read_bytes()) for p in EXAMPLE_FILES]
ORDERS = ROOT / "examples" / "orders.jsonl"
DECISION_PATH = "exportctl/decision"
BATCH_PATH = "exportctl/batch/decisions"
PATTERN_QUERY = "data.system.log.control_code_pattern"

runner = CliRunner()


@dataclass(frozen=True)
class LoggingSidecar:
    url: str
    token: str
    revision: str
    collector: Collector

    def client(self) -> OpaClient:
        return OpaClient(self.url, token=self.token)


@pytest.fixture(scope="module")
def sidecar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggingSidecar]:
    """A locked sidecar as deploy/ configures it (a signed bundle from nginx, deploy/mask.rego),
    uploading its decision logs to a collector every second."""
    workdir = tmp_path_factory.mktemp("decision-logs")
    key = fleet_support.make_key_pair(workdir / "keys", "exportctl")
    served = workdir / "served"
    with fleet_support.bundle_server(served) as bundles_url, Collector() as collector:
        revision = fleet_support.publish_signed_bundle(policies_dir(), served, key)
        with fleet_support.sidecar(bundles_url, key.public, collector_url=collector.url) as opa:
            yield LoggingSidecar(opa.url, opa.token, revision, collector)
            log = opa.log.read_text(errors="replace")
        assert not collector.refused
        for failure in ("Log event masking failed", "mask rule skipped", "Log upload failed"):
            assert failure not in log, log


def opa(sidecar: LoggingSidecar) -> list[str]:
    """The CLI's options for the sidecar."""
    return ["--opa-url", sidecar.url, "--opa-token", sidecar.token]


def audit_records(directory: Path) -> list[dict[str, Any]]:
    return [
        orjson.loads(line)
        for path in sorted(directory.glob("audit-*.jsonl"))
        for line in path.read_bytes().splitlines()
    ]


def events_by_id(sidecar: LoggingSidecar, ids: set[str]) -> dict[str, Event]:
    """The collector's events for `ids`, once it has them all; each id once."""
    events = sidecar.collector.wait_for(lambda got: ids <= {e["decision_id"] for e in got})
    logged = [e["decision_id"] for e in events]
    assert len(logged) == len(set(logged)), "an event was uploaded twice"
    return {e["decision_id"]: e for e in events if e["decision_id"] in ids}


def private(transaction: Any) -> tuple[set[str], set[float]]:
    """What must not leave the sidecar: every name and description, and every number."""
    texts: set[str] = set()
    numbers: set[float] = set()

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ("name", "description"):
            texts.add(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            numbers.add(value)

    walk(transaction, None)
    return texts, numbers


def numbers_in(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    return []


def assert_nothing_private(event: Event, transactions: list[dict[str, Any]]) -> None:
    text = orjson.dumps(event).decode()
    for transaction in transactions:
        names, amounts = private(transaction)
        assert names and amounts  # the examples do have them
        for name in names:
            assert name not in text
    assert numbers_in(event.get("input")) == []
    assert numbers_in(event.get("result")) == []
    for key in ('"amount"', '"value"', '"quantity"', '"parties"', '"owners"', '"transferor"'):
        assert key not in text


def kept_input(transaction: dict[str, Any]) -> dict[str, Any]:
    """What the mask keeps of a transaction, computed here from the contract's fields."""
    items = [
        {k: item[k] for k in ("id", "control_code") if k in item} for item in transaction["items"]
    ]
    return {"id": transaction["id"], "date": transaction["date"], "items": items}


def test_each_decision_is_logged_once_under_the_audit_records_id(
    sidecar: LoggingSidecar, tmp_path: Path
) -> None:
    audit = tmp_path / "audit"
    answers = []
    for path in EXAMPLE_FILES:
        result = runner.invoke(
            app,
            ["decide", "-f", "json", *opa(sidecar), "--record", str(audit), str(path)],
        )
        assert result.exit_code in (0, 1, 4), result.output
        answers.append(orjson.loads(result.stdout))
    records = audit_records(audit)
    assert [r["decision_id"] for r in records] == [a["audit"]["decision_id"] for a in answers]

    events = events_by_id(sidecar, {r["decision_id"] for r in records})

    assert len(events) == len(EXAMPLES)
    for transaction, record, answer in zip(EXAMPLES, records, answers, strict=True):
        event = events[record["decision_id"]]
        assert event["path"] == DECISION_PATH
        assert [b["revision"] for b in event["bundles"].values()] == [sidecar.revision]
        assert event["input"] == kept_input(transaction)
        logged = event["result"]
        assert logged["transaction_id"] == record["transaction_id"] == transaction["id"]
        assert logged["date"] == transaction["date"]
        assert logged["outcome"] == record["outcome"] == answer["outcome"]
        assert logged["policy"] == answer["policy"]
        assert logged["policy"]["revision"] == record["bundle_revision"] == sidecar.revision
        assert [r["provision"] for r in logged["reasons"]] == [
            r["provision"] for r in answer["reasons"]
        ]
        assert list(dict.fromkeys(r["provision"] for r in logged["reasons"])) == record["reasons"]
        assert logged["missing_facts"] == [
            {"provision": m["provision"], "item": m["item"]} for m in answer["missing_facts"]
        ]
        assert logged["items"] == [
            {"id": i["id"], "outcome": i["outcome"]} for i in answer["items"]
        ]
        assert sorted(event.get("masked", [])) == ["/input", "/result"]
        assert_nothing_private(event, [transaction])


def test_the_classified_control_code_is_logged(sidecar: LoggingSidecar) -> None:
    [tb_magnet] = [t for t in EXAMPLES if t["id"] == "SO-2026-00417"]  # no declared code
    decision = sidecar.client().decide(tb_magnet)
    assert decision.audit is not None

    event = events_by_id(sidecar, {decision.audit.decision_id})[decision.audit.decision_id]

    assert "control_code" not in tb_magnet["items"][0]
    assert [r.get("control_code") for r in event["result"]["reasons"]] == ["1C904.a.4"]


def test_async_client_decisions_in_flight_together_are_each_logged_under_their_id(
    sidecar: LoggingSidecar,
) -> None:
    async def decide_all() -> list[Decision]:
        async with AsyncClient(sidecar.url, token=sidecar.token) as opa:
            return await asyncio.gather(*(opa.decide(t) for t in EXAMPLES))

    decisions = asyncio.run(decide_all())
    ids = [d.audit.decision_id for d in decisions if d.audit is not None]
    assert len(set(ids)) == len(EXAMPLES)

    events = events_by_id(sidecar, set(ids))

    for transaction, decision, decision_id in zip(EXAMPLES, decisions, ids, strict=True):
        assert events[decision_id]["result"]["transaction_id"] == transaction["id"]
        assert events[decision_id]["result"]["outcome"] == decision.outcome
        assert events[decision_id]["input"] == kept_input(transaction)


def test_a_batch_is_one_event_per_chunk_and_each_record_names_its_place(
    sidecar: LoggingSidecar, tmp_path: Path
) -> None:
    orders = [orjson.loads(line) for line in ORDERS.read_bytes().splitlines()]
    audit, out = tmp_path / "audit", tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        ["batch", *opa(sidecar), "--record", str(audit), "--chunk-size", "2"]
        + ["--output", str(out), str(ORDERS)],
    )
    assert result.exit_code == 0, result.output
    records = audit_records(audit)
    assert [r["transaction_id"] for r in records] == [o["id"] for o in orders]
    places = [r["decision_id"].rsplit("/", 1) for r in records]
    chunk_ids = list(dict.fromkeys(opa_id for opa_id, _ in places))
    assert len(chunk_ids) == (len(orders) + 1) // 2

    events = events_by_id(sidecar, set(chunk_ids))

    for record, (opa_id, index), order in zip(records, places, orders, strict=True):
        event = events[opa_id]
        assert event["path"] == BATCH_PATH
        assert [b["revision"] for b in event["bundles"].values()] == [sidecar.revision]
        logged = event["result"][int(index)]
        assert event["input"]["transactions"][int(index)] == kept_input(order)
        assert logged["transaction_id"] == record["transaction_id"]
        assert logged["outcome"] == record["outcome"]
        assert list(dict.fromkeys(r["provision"] for r in logged["reasons"])) == record["reasons"]
        assert logged["policy"]["revision"] == record["bundle_revision"]
    for opa_id in chunk_ids:
        assert_nothing_private(events[opa_id], orders)


def test_a_field_the_schema_does_not_know_does_not_leave_the_sidecar(
    sidecar: LoggingSidecar,
) -> None:
    transaction = dict(EXAMPLES[0], buyer_address="Musterstrasse 1, 10115 Berlin")
    transaction["items"] = [dict(i, unit_price=123.45) for i in transaction["items"]]
    answer = sidecar.client().post(
        "/v1/data/exportctl/decision", orjson.dumps({"input": transaction})
    )
    assert answer["result"]["outcome"] == "insufficient_information"  # the schema refuses it

    event = events_by_id(sidecar, {answer["decision_id"]})[answer["decision_id"]]

    assert event["input"] == kept_input(transaction)
    assert "Musterstrasse" not in orjson.dumps(event).decode()
    assert_nothing_private(event, [transaction])


def test_the_mask_copies_control_codes_by_the_schemas_pattern() -> None:
    schema = orjson.loads((ROOT / "schemas" / "transaction.schema.json").read_bytes())
    done = subprocess.run(
        [opa_binary(), "eval", "-f", "raw", "-d", str(MASK), PATTERN_QUERY],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == schema["$defs"]["control_code"]["pattern"]


def test_the_mask_policys_own_tests_cover_all_of_it() -> None:
    done = subprocess.run(
        [opa_binary(), "test", "--coverage", str(MASK), str(MASK.with_name("mask_test.rego"))],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = orjson.loads(done.stdout)
    assert report["files"][str(MASK)]["coverage"] == 100, report["files"][str(MASK)]

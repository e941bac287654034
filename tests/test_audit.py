"""Audit fields on every decision, and the append-only audit log, through the real OPA."""

from __future__ import annotations

import copy
import datetime
import hashlib
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl import build_bundle, decide, decide_many
from exportctl._cli import app
from exportctl._paths import opa_binary, policies_dir
from exportctl._sidecar import _bundles_healthy, _free_port

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {
    p.stem: orjson.loads(p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.json"))
}
TB_MAGNET = EXAMPLES["cn-export-tb-magnet"]

runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def sha256_of(transaction: Any) -> str:
    """Recomputed independently: SHA-256 of the JSON with sorted keys and no whitespace."""
    return hashlib.sha256(orjson.dumps(transaction, option=orjson.OPT_SORT_KEYS)).hexdigest()


def reversed_keys(value: Any) -> Any:
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


def utc(timestamp: str) -> datetime.datetime:
    assert timestamp.endswith("Z")
    return datetime.datetime.fromisoformat(timestamp)


def test_every_decision_carries_its_audit_fields(opa_url: str) -> None:
    before = datetime.datetime.now(datetime.UTC)

    decision = decide(TB_MAGNET, opa_url=opa_url)

    audit = decision.audit
    assert audit is not None
    assert uuid.UUID(audit.decision_id).version == 4  # no decision logging: the client's own
    assert audit.bundle_revision == decision.policy.revision
    assert audit.bundle_revision.startswith("sha256:")
    assert audit.data_reviewed_on == decision.policy.data_reviewed_on
    assert audit.input_sha256 == sha256_of(TB_MAGNET)
    decided_at = utc(audit.decided_at)
    assert decided_at.utcoffset() == datetime.timedelta(0)
    assert before <= decided_at <= datetime.datetime.now(datetime.UTC)


def test_the_same_input_has_the_same_hash_whatever_its_key_order(opa_url: str) -> None:
    changed = copy.deepcopy(TB_MAGNET)
    changed["items"][0]["value"]["amount"] = 48001

    first = decide(TB_MAGNET, opa_url=opa_url).audit
    again = decide(reversed_keys(TB_MAGNET), opa_url=opa_url).audit
    other = decide(changed, opa_url=opa_url).audit

    assert first is not None and again is not None and other is not None
    assert orjson.dumps(reversed_keys(TB_MAGNET)) != orjson.dumps(TB_MAGNET)
    assert first.input_sha256 == again.input_sha256
    assert other.input_sha256 == sha256_of(changed) != first.input_sha256
    assert first.decision_id != again.decision_id


def test_decide_json_adds_the_audit_to_the_decision(
    opa_url: str, decision_schema: Draft202012Validator
) -> None:
    result = invoke(
        "decide", "-f", "json", "--opa-url", opa_url, "-", stdin=orjson.dumps(TB_MAGNET)
    )

    printed = orjson.loads(result.stdout)
    decision_schema.validate(printed)
    audit = printed.pop("audit")
    assert printed == decide(TB_MAGNET, opa_url=opa_url).raw
    assert audit["bundle_revision"] == printed["policy"]["revision"]
    assert audit["input_sha256"] == sha256_of(TB_MAGNET)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("input_sha256", "ABC"),
        ("decided_at", "2026-11-28 10:00:00"),
        ("decision_id", ""),
    ],
)
def test_the_decision_schema_describes_the_audit(
    field: str, value: str, opa_url: str, decision_schema: Draft202012Validator
) -> None:
    document = decide(TB_MAGNET, opa_url=opa_url).document()
    decision_schema.validate(document)
    document["audit"][field] = value

    assert not decision_schema.is_valid(document)


def audit_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("audit-*.jsonl"))


def check_record(record: dict[str, Any], transaction: dict[str, Any], opa_url: str) -> None:
    decision = decide(transaction, opa_url=opa_url)
    assert record["transaction_id"] == transaction["id"]
    assert record["outcome"] == decision.outcome
    assert record["reasons"] == list(dict.fromkeys(r.provision for r in decision.reasons))
    assert record["input"] == transaction
    assert record["input_sha256"] == sha256_of(record["input"]) == sha256_of(transaction)
    assert record["bundle_revision"] == decision.policy.revision
    assert record["data_reviewed_on"] == decision.policy.data_reviewed_on
    assert record["decision_id"]


def test_record_appends_one_line_per_decision_and_never_rewrites(
    tmp_path: Path, opa_url: str
) -> None:
    directory = tmp_path / "audit" / "log"  # created, parents and all
    source = tmp_path / "order.json"
    source.write_bytes(orjson.dumps(TB_MAGNET))

    first = invoke("decide", "--opa-url", opa_url, "--record", str(directory), str(source))
    [file] = audit_files(directory)
    before = file.read_bytes()
    second = invoke("decide", "--opa-url", opa_url, "--record", str(directory), str(source))

    assert first.exit_code == second.exit_code == 1  # license_required
    after = file.read_bytes()
    assert after.startswith(before)
    records = [orjson.loads(line) for line in after.splitlines()]
    assert len(records) == 2
    for record in records:
        check_record(record, TB_MAGNET, opa_url)
        assert file.name == f"audit-{record['decided_at'][:10]}.jsonl"
    assert records[0]["decision_id"] != records[1]["decision_id"]


def test_batch_records_every_decision_it_writes(tmp_path: Path, opa_url: str) -> None:
    transactions = list(EXAMPLES.values())
    source, out, directory = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "audit"
    source.write_bytes(b"".join(orjson.dumps(tx) + b"\n" for tx in transactions) + b"oops\n")

    result = invoke(
        "batch", str(source), "-o", str(out), "--opa-url", opa_url, "--record", str(directory)
    )

    assert result.exit_code == 2, result.output
    decisions = [r for r in map(orjson.loads, out.read_bytes().splitlines()) if "audit" in r]
    records = [
        orjson.loads(line) for f in audit_files(directory) for line in f.read_bytes().splitlines()
    ]
    assert len(records) == len(decisions) == len(transactions)
    for record, decision, transaction in zip(records, decisions, transactions, strict=True):
        check_record(record, transaction, opa_url)
        assert record["decision_id"] == decision["audit"]["decision_id"]
        assert decision["audit"]["input_sha256"] == sha256_of(transaction)
        assert decision["audit"]["bundle_revision"] == decision["policy"]["revision"]
        assert {k: record[k] for k in decision["audit"]} == decision["audit"]


def test_an_audit_directory_that_cannot_be_made_exits_2(tmp_path: Path, opa_url: str) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")

    result = invoke(
        "decide",
        "--opa-url",
        opa_url,
        "--record",
        str(blocker / "audit"),
        "-",
        stdin=orjson.dumps(TB_MAGNET),
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("exportctl: error: cannot create the audit directory")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.fixture(scope="module")
def logging_opa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real OPA with decision logging to its console: it returns a decision id per query."""
    workdir = tmp_path_factory.mktemp("logging-opa")
    bundle = workdir / "bundle.tar.gz"
    build_bundle(policies_dir(), bundle)
    log = workdir / "opa.log"
    address = f"127.0.0.1:{_free_port()}"
    command = [
        opa_binary(),
        "run",
        "--server",
        "--addr",
        address,
        "--set",
        "decision_logs.console=true",
        str(bundle),
    ]
    with log.open("wb") as console:
        process = subprocess.Popen(command, stdout=console, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not _bundles_healthy(address):
            assert time.monotonic() < deadline and process.poll() is None, log.read_text()
            time.sleep(0.05)
        yield f"http://{address}", log
    finally:
        process.terminate()
        process.wait(timeout=10)


def logged_decision_ids(log: Path) -> set[str]:
    ids = set()
    for line in log.read_bytes().splitlines():
        if line.startswith(b"{") and b'"decision_id"' in line:
            ids.add(orjson.loads(line)["decision_id"])
    return ids


def test_opas_own_decision_id_is_used_when_it_returns_one(logging_opa: tuple[str, Path]) -> None:
    url, log = logging_opa

    single = decide(TB_MAGNET, opa_url=url).audit
    batch = [d.audit for d in decide_many(list(EXAMPLES.values()), opa_url=url)]

    assert single is not None
    ids = [a.decision_id for a in batch if a is not None]
    [opa_id] = {i.rsplit("/", 1)[0] for i in ids}
    assert ids == [f"{opa_id}/{index}" for index in range(len(EXAMPLES))]
    deadline = time.monotonic() + 10  # OPA writes its decision log asynchronously
    while not {single.decision_id, opa_id} <= logged_decision_ids(log):
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)

"""Audit fields on every decision, and the append-only audit log, through the real OPA."""

from __future__ import annotations

import copy
import datetime
import errno
import hashlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl import OpaClient, build_bundle, decide, decide_many
from exportctl._cli import app
from exportctl._paths import opa_binary, policies_dir

ROOT = Path(__file__).resolve().parents[1]
OpaResult = Callable[[Mapping[str, Any]], Any]
"""The `opa_result` fixture: a transaction's decision exactly as OPA answers it."""
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
    opa_url: str, decision_schema: Draft202012Validator, opa_result: OpaResult
) -> None:
    result = invoke(
        "decide", "-f", "json", "--opa-url", opa_url, "-", stdin=orjson.dumps(TB_MAGNET)
    )

    printed = orjson.loads(result.stdout)
    decision_schema.validate(printed)
    audit = printed.pop("audit")
    assert printed == opa_result(TB_MAGNET)
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
        assert file.name >= f"audit-{record['decided_at'][:10]}.jsonl"  # the day recorded
    assert records[0]["decision_id"] != records[1]["decision_id"]
    first_line = after.splitlines()[0]
    assert records[0]["prev_sha256"] == "0" * 64  # the first record of the log
    assert records[1]["prev_sha256"] == hashlib.sha256(first_line).hexdigest()
    assert list(records[1])[0] == "prev_sha256"
    assert mode(directory) == 0o700
    assert mode(file) == 0o600


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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    command = [
        opa_binary(),
        "run",
        "--server",
        "--skip-version-check",
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
        health = OpaClient(f"http://{address}", timeout=1)
        while not health.healthy():
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


def mode(path: Path) -> int:
    return path.lstat().st_mode & 0o777


def record(directory: Path, opa_url: str, transaction: dict[str, Any] = TB_MAGNET) -> Result:
    return invoke(
        "decide",
        "--opa-url",
        opa_url,
        "--record",
        str(directory),
        "-",
        stdin=orjson.dumps(transaction),
    )


def verify(directory: Path) -> Result:
    return invoke("audit", "verify", str(directory))


@pytest.fixture
def three_records(tmp_path: Path, opa_url: str) -> Path:
    """An audit log of three decisions, in one file."""
    directory = tmp_path / "audit"
    for example in ("cn-export-tb-magnet", "kr-motor-de-minimis", "jp-reexport-during-suspension"):
        assert record(directory, opa_url, EXAMPLES[example]).exit_code in (0, 1, 4)
    [file] = audit_files(directory)
    assert file.read_bytes().count(b"\n") == 3
    return directory


def test_an_intact_log_passes_verify_with_the_hash_of_its_last_record(
    three_records: Path,
) -> None:
    [file] = audit_files(three_records)
    last = file.read_bytes().splitlines()[-1]

    result = verify(three_records)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"audit log {three_records} intact: 3 records in 1 files, "
        f"last record sha256:{hashlib.sha256(last).hexdigest()}\n"
    )
    assert result.stderr == ""


def edit_outcome(lines: list[bytes]) -> list[bytes]:
    lines[0] = lines[0].replace(b'"outcome":"license_required"', b'"outcome":"not_required"')
    return lines


def edit_last_input(lines: list[bytes]) -> list[bytes]:
    lines[2] = lines[2].replace(b'"destination":"', b'"destination":"X', 1)
    return lines


def edit_chain(lines: list[bytes]) -> list[bytes]:
    """Edit the first record and recompute the next one's prev_sha256 too: the next but one
    still names the original."""
    old = hashlib.sha256(lines[1]).hexdigest().encode()
    lines[0] = edit_outcome(lines)[0]
    lines[1] = lines[1].replace(lines[1][16:80], hashlib.sha256(lines[0]).hexdigest().encode())
    assert old in lines[2]
    return lines


TAMPERINGS = {
    "an edited outcome": (edit_outcome, 2, "prev_sha256 is not the hash of the record before"),
    "an edited input": (edit_last_input, 3, "input_sha256 is not the hash of its input"),
    "a re-chained edit": (edit_chain, 3, "prev_sha256 is not the hash of the record before"),
    "reordered records": (lambda ls: [ls[1], ls[0], ls[2]], 1, "prev_sha256 is not the hash"),
    "a removed record": (lambda ls: [ls[0], ls[2]], 2, "prev_sha256 is not the hash"),
    "a truncated record": (lambda ls: [*ls[:2], ls[2][:-40]], 3, "the last record is cut short"),
    "a torn last line": (lambda ls: [*ls, b"hello"], 4, "the last record is cut short"),
    "a garbage line": (lambda ls: [ls[0], b"hello", *ls[1:]], 2, "is not JSON"),
    "a record without its hash": (
        lambda ls: [ls[0], b'{"outcome":"not_required"}', *ls[1:]],
        2,
        "has no prev_sha256",
    ),
}


@pytest.mark.parametrize(("tamper", "line", "problem"), TAMPERINGS.values(), ids=TAMPERINGS)
def test_a_tampered_log_fails_verify_naming_the_line(
    tamper: Any, line: int, problem: str, three_records: Path
) -> None:
    [file] = audit_files(three_records)
    lines = [*file.read_bytes().splitlines()]
    tampered = tamper(lines)
    complete = tampered[-1].endswith(b"}") and not tampered[-1].startswith(b"hello")
    file.write_bytes(b"\n".join(tampered) + (b"\n" if complete else b""))

    result = verify(three_records)

    assert result.exit_code == 2, result.output
    problems = result.stderr.splitlines()
    assert problems, result.output
    assert problems[0].startswith(f"exportctl: error: {file}:{line}: {problem}"), problems
    assert "is broken" in result.stdout


def test_the_chain_runs_across_the_daily_files(three_records: Path) -> None:
    [file] = audit_files(three_records)
    lines = file.read_bytes().splitlines(keepends=True)
    day = datetime.date.fromisoformat(file.name[6:16])
    later = three_records / f"audit-{day + datetime.timedelta(days=1)}.jsonl"
    later.write_bytes(lines[2])  # as if recorded the next day
    later.chmod(0o600)
    file.write_bytes(b"".join(lines[:2]))

    intact = verify(three_records)
    file.write_bytes(lines[0])  # the earlier file lost its last record
    broken = verify(three_records)

    assert intact.exit_code == 0, intact.output
    assert "3 records in 2 files" in intact.stdout
    assert broken.exit_code == 2
    assert broken.stderr.startswith(f"exportctl: error: {later}:1: prev_sha256 is not the hash")


def test_a_torn_last_record_is_reported_and_cut_off_before_the_next(
    three_records: Path, opa_url: str
) -> None:
    [file] = audit_files(three_records)
    complete = file.read_bytes()
    with file.open("ab") as log:
        log.write(b'{"prev_sha256":"0123')  # an append cut short
    assert verify(three_records).exit_code == 2

    result = record(three_records, opa_url)

    assert result.exit_code == 1, result.output
    [warning] = result.stderr.splitlines()
    assert warning.startswith(f"exportctl: warning: the audit log {file} ended in a record cut")
    after = file.read_bytes()
    assert after.startswith(complete)
    new = orjson.loads(after[len(complete) :])
    assert new["prev_sha256"] == hashlib.sha256(complete.splitlines()[-1]).hexdigest()
    assert verify(three_records).exit_code == 0


def test_a_symbolic_link_is_refused_as_the_directory_or_a_file(
    tmp_path: Path, opa_url: str
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "other.jsonl").write_bytes(b"")
    linked_dir = tmp_path / "linked"
    linked_dir.symlink_to(target)
    directory = tmp_path / "audit"
    first = record(directory, opa_url)
    [file] = audit_files(directory)
    file.unlink()
    file.symlink_to(target / "other.jsonl")

    through_dir = record(linked_dir, opa_url)
    through_file = record(directory, opa_url)
    verified = verify(linked_dir)

    assert first.exit_code == 1
    for result, what in [(through_dir, "directory"), (through_file, "log")]:
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"exportctl: error: the audit {what} ")
        assert result.stderr.endswith("is a symbolic link: refused\n")
        assert result.stdout == ""
    assert (target / "other.jsonl").read_bytes() == b""
    assert sorted(p.name for p in target.iterdir()) == ["other.jsonl"]
    assert verified.exit_code == 2
    assert "symbolic link" in verified.stderr


def test_loose_modes_are_tightened_and_reported(tmp_path: Path, opa_url: str) -> None:
    directory = tmp_path / "audit"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    assert record(directory, opa_url).exit_code == 1
    [file] = audit_files(directory)
    file.chmod(0o644)

    loose = verify(directory)
    assert record(directory, opa_url).exit_code == 1

    assert loose.exit_code == 2
    assert loose.stderr == f"exportctl: error: {file}: has mode 0644, not 0600\n"
    assert mode(directory) == 0o700
    assert mode(file) == 0o600
    assert verify(directory).exit_code == 0


def test_verify_of_no_log_exits_2(tmp_path: Path) -> None:
    missing = verify(tmp_path / "missing")
    empty = verify(tmp_path)

    assert missing.exit_code == empty.exit_code == 2
    assert missing.stderr.startswith("exportctl: error: cannot open the audit directory")
    assert (
        empty.stderr
        == f"exportctl: error: {tmp_path} holds no audit file (audit-YYYY-MM-DD.jsonl)\n"
    )


def batch_input(tmp_path: Path, n: int) -> Path:
    source = tmp_path / "in.jsonl"
    lines = []
    for i in range(n):
        transaction = copy.deepcopy(list(EXAMPLES.values())[i % len(EXAMPLES)])
        transaction["id"] = f"T-{i:03d}"
        lines.append(orjson.dumps(transaction) + b"\n")
    source.write_bytes(b"".join(lines))
    return source


def full_disk_after(monkeypatch: pytest.MonkeyPatch, under: Path, writes: int) -> None:
    """Make `os.write` to files under `under` fail as on a full disk after `writes` writes: the
    next one writes half its bytes, and every later one fails with ENOSPC."""
    real_write = os.write
    calls = 0

    def write(fd: int, data: Any) -> int:
        nonlocal calls
        if not os.readlink(f"/proc/self/fd/{fd}").startswith(str(under)):
            return real_write(fd, data)
        calls += 1
        if calls <= writes:
            return real_write(fd, data)
        if calls == writes + 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)


def audit_records(directory: Path) -> list[dict[str, Any]]:
    return [
        orjson.loads(line) for f in audit_files(directory) for line in f.read_bytes().splitlines()
    ]


def out_decision_ids(out: Path) -> list[str]:
    return [orjson.loads(line)["audit"]["decision_id"] for line in out.read_bytes().splitlines()]


@pytest.mark.parametrize("full", ["audit log", "output"])
def test_a_resume_after_a_full_disk_records_every_decision_once(
    full: str, tmp_path: Path, opa_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, out, directory = batch_input(tmp_path, 10), tmp_path / "out.jsonl", tmp_path / "audit"
    args = [str(source), "-o", str(out), "--opa-url", opa_url, "--record", str(directory)]
    args += ["--chunk-size", "4", "--workers", "1"]
    # The audit log: 4 records of the first chunk and 1 of the second, then the disk is full.
    # The output: the first chunk's answers, then the disk is full.
    full_disk_after(
        monkeypatch, directory if full == "audit log" else out, 5 if full == "audit log" else 1
    )

    stopped = invoke("batch", *args)
    monkeypatch.undo()
    written = out.read_bytes()
    recorded = audit_records(directory)
    resumed = invoke("batch", *args)
    again = invoke("batch", *args)

    assert stopped.exit_code == 3, stopped.output
    [error] = stopped.stderr.splitlines()
    where = f"append to the audit log {directory}" if full == "audit log" else f"write {out}"
    assert error.startswith(f"exportctl: error: cannot {where}")
    assert error.endswith(": No space left on device") or "short write (" in error
    assert written.endswith(b"\n")  # what failed to go in was taken back: no torn line
    assert len(written.splitlines()) == (8 if full == "audit log" else 4)
    assert len(recorded) == (5 if full == "audit log" else 4)
    assert resumed.exit_code == again.exit_code == 0, resumed.output
    ids = out_decision_ids(out)
    assert len(ids) == len(set(ids)) == 10
    assert sorted(r["decision_id"] for r in audit_records(directory)) == sorted(ids)
    assert "decided 0, skipped 10" in again.stderr
    assert verify(directory).exit_code == 0


def test_concurrent_writers_keep_one_chain(tmp_path: Path, opa_url: str) -> None:
    source, directory = batch_input(tmp_path, 40), tmp_path / "audit"
    exportctl = Path(sys.executable).with_name("exportctl")
    runs = [
        subprocess.Popen(
            [str(exportctl), "batch", str(source), "-o", str(tmp_path / f"out{n}.jsonl")]
            + ["--opa-url", opa_url, "--record", str(directory), "--chunk-size", "3"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(3)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr

    result = verify(directory)

    assert result.exit_code == 0, result.output
    assert "120 records in 1 files" in result.stdout
    ids = [i for n in range(3) for i in out_decision_ids(tmp_path / f"out{n}.jsonl")]
    assert sorted(r["decision_id"] for r in audit_records(directory)) == sorted(ids)

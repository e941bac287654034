"""`exportctl batch` and `decide_many` through the real OPA: output, bad lines, resume, exits."""

from __future__ import annotations

import copy
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from rich.console import Console
from typer.testing import CliRunner, Result

from exportctl import InputError, Sidecar, decide, decide_many, validate_transaction
from exportctl._cli import app
from exportctl._paths import policies_dir
from exportctl._render.progress import progress
from exportctl._schema import _describe

ROOT = Path(__file__).resolve().parents[1]
OpaResult = Callable[[Mapping[str, Any]], Any]
"""The `opa_result` fixture: a transaction's decision exactly as OPA answers it."""
EXPORTCTL = Path(sys.executable).with_name("exportctl")
EXAMPLES = [orjson.loads(p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.json"))]

runner = CliRunner()


def transactions(n: int, bom_lines: int = 0) -> list[dict[str, Any]]:
    """`n` transactions in the shapes of the contract examples, ids T-00000 ..., each first item
    given a `bom_lines`-line bill of materials when asked."""
    out = []
    for i in range(n):
        tx = copy.deepcopy(EXAMPLES[i % len(EXAMPLES)])
        tx["id"] = f"T-{i:05d}"
        item = tx["items"][0]
        if bom_lines:
            currency = item.get("value", {}).get("currency", "USD")
            item["bom"] = [
                {
                    "id": f"{item['id']}.{k}",
                    "origin": "CN" if k % 4 == 0 else "KR",
                    "material": {"elements": ["Dy"] if k % 4 == 0 else ["Fe"], "form": "metal"},
                    "value": {"amount": 1 + k, "currency": currency},
                }
                for k in range(bom_lines)
            ]
        out.append(tx)
    return out


def jsonl(lines: Iterable[dict[str, Any] | bytes]) -> bytes:
    return b"".join(
        (line if isinstance(line, bytes) else orjson.dumps(line)) + b"\n" for line in lines
    )


def batch(*args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, ["batch", *args], input=stdin)


def read_out(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def without_audit(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "audit"}


def answers(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["transaction_id"], r["outcome"]) for r in records if "outcome" in r]


def test_every_line_is_decided_in_order_as_decide_would(
    tmp_path: Path, opa_url: str, decision_schema: Draft202012Validator, opa_result: OpaResult
) -> None:
    txs = transactions(12, bom_lines=5)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))

    result = batch(str(source), "--output", str(out), "--opa-url", opa_url)

    assert result.exit_code == 0, result.output
    records = read_out(out)
    assert [r["transaction_id"] for r in records] == [tx["id"] for tx in txs]
    for record in records:
        decision_schema.validate(record)
    for tx, record in zip(txs, records, strict=True):
        assert without_audit(record) == opa_result(tx)
    head, *rows = result.stderr.splitlines()
    assert head == "exportctl batch: decided 12, 0 bad lines"
    counts = {name: int(n.replace(",", "")) for name, n in (row.split() for row in rows)}
    assert counts == {**Counter(r["outcome"] for r in records), "errors": 0}
    assert len(counts) >= 4


def test_bad_lines_get_an_error_record_and_the_run_goes_on(
    tmp_path: Path, opa_url: str, decision_schema: Draft202012Validator
) -> None:
    good = transactions(4)
    negative = copy.deepcopy(good[1])
    negative["id"] = "NEGATIVE"
    negative["items"][0]["value"] = {"amount": -5, "currency": "USD"}
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(
        jsonl([good[0], b'{"id": "T-broken",', negative, b"  ", good[1], good[0], b"[1, 2]"])
        + jsonl([good[2], good[3]])
    )

    result = batch(str(source), "-o", str(out), "--opa-url", opa_url)

    assert result.exit_code == 2, result.output
    records = read_out(out)
    errors = {
        r["line"]: (r["transaction_id"], r["error"]["field"]) for r in records if "error" in r
    }
    assert errors == {
        2: (None, "(transaction)"),
        3: ("NEGATIVE", "items[0].value.amount"),
        6: ("T-00000", "id"),
        7: (None, "(transaction)"),
    }
    messages = {r["line"]: r["error"]["message"] for r in records if "error" in r}
    assert messages[2].startswith("is not valid JSON")
    assert messages[6] == "repeats the id of line 1"
    assert "\n" not in "".join(messages.values())
    assert answers(records) == [(tx["id"], decide(tx, opa_url=opa_url).outcome) for tx in good]
    for record in records:
        if "outcome" in record:
            decision_schema.validate(record)
    # Answers stay in input order, error records among them.
    assert [r.get("line") or r["transaction_id"] for r in records] == [
        "T-00000",
        2,
        3,
        "T-00001",
        6,
        7,
        "T-00002",
        "T-00003",
    ]
    assert "decided 4, 4 bad lines" in result.stderr


def test_standard_input_in_process_and_in_a_real_process(tmp_path: Path, opa_url: str) -> None:
    txs = transactions(6)
    out = tmp_path / "out.jsonl"

    in_process = batch("-", "-o", str(out), "--opa-url", opa_url, stdin=jsonl(txs))
    process = subprocess.run(
        [str(EXPORTCTL), "batch", "-", "-o", str(tmp_path / "out2.jsonl"), "--opa-url", opa_url],
        input=jsonl(txs),
        capture_output=True,
        check=False,
    )

    assert in_process.exit_code == 0, in_process.output
    assert process.returncode == 0, process.stderr
    assert answers(read_out(out)) == answers(read_out(tmp_path / "out2.jsonl"))
    assert [t for t, _ in answers(read_out(out))] == [tx["id"] for tx in txs]
    # Standard error is no terminal here: no progress bar, only the summary.
    assert process.stderr.decode().startswith("exportctl batch: decided 6, 0 bad lines\n")
    assert b"\x1b[" not in process.stderr


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path, opa_url: str) -> None:
    txs = transactions(2000, bom_lines=20)
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(txs))
    out, reference = tmp_path / "out.jsonl", tmp_path / "reference.jsonl"
    command = [str(EXPORTCTL), "batch", str(source), "-o", str(out), "--opa-url", opa_url]

    run = subprocess.Popen(
        [*command, "--chunk-size", "50"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 300:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    run.wait()
    assert run.stderr is not None
    run.stderr.close()
    assert run.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    written = out.read_bytes().count(b"\n")
    assert 300 <= written < len(txs)

    resumed = subprocess.run(command, capture_output=True, check=False)
    uninterrupted = batch(str(source), "-o", str(reference), "--opa-url", opa_url)

    assert resumed.returncode == 0, resumed.stderr
    assert uninterrupted.exit_code == 0, uninterrupted.output
    assert f"skipped {written} already in the output" in resumed.stderr.decode()
    got, want = answers(read_out(out)), answers(read_out(reference))
    assert len(got) == len(set(got)) == len(txs)
    assert set(got) == set(want)


def test_a_line_cut_short_is_dropped_and_written_again(tmp_path: Path, opa_url: str) -> None:
    txs = transactions(8)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))
    assert batch(str(source), "-o", str(out), "--opa-url", opa_url).exit_code == 0
    complete = out.read_bytes()
    lines = complete.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:5]) + lines[5][: len(lines[5]) // 2])

    result = batch(str(source), "-o", str(out), "--opa-url", opa_url)

    assert result.exit_code == 0, result.output
    assert "decided 3, skipped 5 already in the output" in result.stderr
    assert result.stderr.startswith(
        f"exportctl: warning: {out} line 6 was cut short ({len(lines[5]) // 2} bytes without a "
        "newline, from a run that stopped while writing): cut off, its transaction is decided "
        "again\n"
    )
    assert answers(read_out(out)) == answers([orjson.loads(line) for line in lines])


@pytest.mark.parametrize("kept", [1, 3])
def test_a_complete_last_line_without_its_newline_is_an_answer(
    kept: int, tmp_path: Path, opa_url: str
) -> None:
    txs = transactions(4)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))
    assert batch(str(source), "-o", str(out), "--opa-url", opa_url).exit_code == 0
    lines = out.read_bytes().splitlines(keepends=True)
    kept_bytes = b"".join(lines[:kept])[:-1]  # one line, or three, the last without "\n"
    out.write_bytes(kept_bytes)

    result = batch(str(source), "-o", str(out), "--opa-url", opa_url)

    assert result.exit_code == 0, result.output
    assert f"decided {4 - kept}, skipped {kept} already in the output" in result.stderr
    assert "warning" not in result.stderr
    assert out.read_bytes().startswith(kept_bytes + b"\n")
    assert [t for t, _ in answers(read_out(out))] == [tx["id"] for tx in txs]


def test_a_single_torn_line_is_reported_and_decided_again(tmp_path: Path, opa_url: str) -> None:
    txs = transactions(2)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))
    out.write_bytes(b'{"date":"2026-03-02","items":[{"id":"1"')

    result = batch(str(source), "-o", str(out), "--opa-url", opa_url)

    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"exportctl: warning: {out} line 1 was cut short (")
    assert [t for t, _ in answers(read_out(out))] == ["T-00000", "T-00001"]


@pytest.mark.parametrize("content", [b"hello", b"notes\nhello", b'{"id": "x"}'])
def test_an_output_that_is_not_a_batch_output_is_refused_and_left_alone(
    content: bytes, tmp_path: Path, opa_url: str
) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(transactions(2)))
    out.write_bytes(content)

    result = batch(str(source), "-o", str(out), "--opa-url", opa_url)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"exportctl: error: {out} line ")
    assert "not an exportctl batch output" in result.stderr
    assert result.stderr.count("\n") == 1
    assert out.read_bytes() == content


def test_a_rerun_of_a_finished_run_writes_nothing(tmp_path: Path, opa_url: str) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl([*transactions(3), b"not json"]))
    first = batch(str(source), "-o", str(out), "--opa-url", opa_url)
    before = out.read_bytes()

    again = batch(str(source), "-o", str(out), "--opa-url", opa_url)

    assert first.exit_code == again.exit_code == 2
    assert out.read_bytes() == before
    assert "decided 0, skipped 3 already in the output, 1 bad line" in again.stderr


def test_an_unreachable_engine_exits_3(tmp_path: Path, unused_url: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(transactions(3)))

    result = batch(str(source), "-o", str(tmp_path / "out.jsonl"), "--opa-url", unused_url)

    assert result.exit_code == 3
    assert result.stderr.startswith("exportctl: error: cannot connect to OPA")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["no-such.jsonl", "-o", "out.jsonl"],
            "cannot read no-such.jsonl: No such file or directory",
        ),
        (["in.jsonl"], "Missing option '--output'"),
        (["in.jsonl", "-o", "in.jsonl"], "in.jsonl line 1 is neither a decision nor an error"),
    ],
)
def test_bad_usage_exits_2(
    args: list[str], message: str, tmp_path: Path, opa_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_bytes(jsonl(transactions(1)))

    result = batch(*args, "--opa-url", opa_url)

    assert result.exit_code == 2
    assert message in result.stderr


def test_without_validation_a_line_needs_an_id_and_the_policy_fails_closed(
    tmp_path: Path, opa_url: str
) -> None:
    tx, undated, anonymous = transactions(3)
    del undated["date"]
    del anonymous["id"]
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl([tx, undated, anonymous]))

    result = batch(str(source), "-o", str(out), "--opa-url", opa_url, "--no-validate")

    assert result.exit_code == 2, result.output
    records = read_out(out)
    assert answers(records) == [
        (tx["id"], decide(tx, opa_url=opa_url).outcome),
        (undated["id"], "insufficient_information"),
    ]
    assert "date" in [fact["field"] for fact in records[1]["missing_facts"]]
    assert [r["error"] for r in records if "error" in r] == [
        {"field": "id", "message": "is required: a non-empty string"},
    ]


def write_exploding_bundle(directory: Path) -> Path:
    """A bundle whose decision fails in OPA (a conflict) for transactions marked `explode`."""
    (directory / "exportctl").mkdir(parents=True)
    (directory / ".manifest").write_text('{"roots": ["exportctl"], "rego_version": 1}')
    shutil.copy(policies_dir() / "exportctl" / "batch.rego", directory / "exportctl")
    (directory / "exportctl" / "decision.rego").write_text(
        "package exportctl\n\n"
        'decision := {"transaction_id": input.id, "date": input.date, "outcome": "not_required",'
        ' "items": [], "reasons": [], "not_applied": [], "missing_facts": [], "warnings": [],'
        ' "policy": {"data_reviewed_on": "2026-01-01",'
        ' "revision": concat("", [b.manifest.revision | some b in data.system.bundles])}}'
        " if not input.explode\n"
        "\ndecision := 1 if input.explode\n\ndecision := 2 if input.explode\n"
    )
    return directory


def test_an_engine_error_fails_only_its_transaction(tmp_path: Path) -> None:
    txs = transactions(5)
    txs[2]["explode"] = True
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))

    with Sidecar(write_exploding_bundle(tmp_path / "bundle")) as opa:
        # Not validated: the schema knows no `explode`.
        result = batch(str(source), "-o", str(out), "--opa-url", opa.url, "--no-validate")
        everything_fails = batch(
            "-",
            "-o",
            str(tmp_path / "out2.jsonl"),
            "--opa-url",
            opa.url,
            "--no-validate",
            stdin=jsonl(txs[2:3]),
        )

    assert result.exit_code == 3, result.output
    assert [t for t, _ in answers(read_out(out))] == ["T-00000", "T-00001", "T-00003", "T-00004"]
    assert result.stderr.startswith("exportctl: error: line 3 (T-00002): internal_error: ")
    assert "1 failed in the engine (rerun to retry)" in result.stderr
    assert everything_fails.exit_code == 3
    assert everything_fails.stderr.startswith("exportctl: error: internal_error: ")
    assert everything_fails.stderr.count("\n") == 1


def test_the_progress_bar_shows_on_a_terminal_only(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"{}\n{}\n{}")
    terminal = io.StringIO()

    with progress(Console(file=terminal, force_terminal=True, width=100), source) as advance:
        advance(2)
    with progress(Console(file=io.StringIO(), force_terminal=False), source) as silent:
        silent(2)

    assert "deciding" in terminal.getvalue()
    assert "2/3" in terminal.getvalue()


def test_decide_many_keeps_the_order_and_names_the_bad_transaction(
    opa_url: str, opa_result: OpaResult
) -> None:
    txs = transactions(7)
    bad = copy.deepcopy(txs)
    bad[4]["items"][0]["origin"] = "China"

    decisions = decide_many(txs, opa_url=opa_url, chunk_size=3)

    assert [d.transaction_id for d in decisions] == [tx["id"] for tx in txs]
    assert [without_audit(d.document()) for d in decisions] == [opa_result(tx) for tx in txs]
    assert all(d.audit is not None for d in decisions)
    with pytest.raises(InputError) as error:
        decide_many(bad, opa_url=opa_url)
    assert error.value.field == "[4].items[0].origin"
    with pytest.raises(InputError, match=r"^\[0\]: must be an object"):
        decide_many([[]], opa_url=opa_url, validate=False)  # type: ignore[list-item]
    assert decide_many([], opa_url=opa_url) == []


MUTATIONS = [
    ("date", "2026-13-45"),
    ("date", "2026-02-30"),
    ("date", "2026-3-2"),
    ("destination", "de"),
    ("destination", 49),
    ("items", []),
    ("transferor", {"name": "x"}),
    ("parties", [{"role": "buyer", "name": "x", "country": "DE"}]),
    ("fx_rates", {"EUR": {"USD": "1.08"}}),
]


@pytest.mark.parametrize(("field", "value"), MUTATIONS)
def test_the_fast_validator_names_the_field_jsonschema_names(field: str, value: Any) -> None:
    schema = orjson.loads((ROOT / "schemas" / "transaction.schema.json").read_bytes())
    reference = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    tx = copy.deepcopy(EXAMPLES[0])
    tx[field] = value

    with pytest.raises(InputError) as error:
        validate_transaction(tx)

    expected = best_match(reference.iter_errors(tx))
    assert expected is not None
    assert (error.value.field, error.value.message) == _describe(expected)
    assert error.value.field.startswith(field)


def test_the_fast_validator_accepts_what_jsonschema_accepts_and_is_stricter_on_newlines() -> None:
    for tx in transactions(8, bom_lines=3):
        validate_transaction(tx)
    tx = copy.deepcopy(EXAMPLES[0])
    tx["destination"] = "DE\n"  # Python's `re` lets `$` match before a final newline

    with pytest.raises(InputError) as error:
        validate_transaction(tx)

    assert error.value.field == "destination"
    assert "\n" not in error.value.message


def test_batch_runs_with_a_sidecar_of_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}

    run = subprocess.run(
        [str(EXPORTCTL), "batch", "-", "-o", str(out)],
        input=jsonl(transactions(2)),
        capture_output=True,
        env=env,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert [t for t, _ in answers(read_out(out))] == ["T-00000", "T-00001"]


def test_a_python_value_that_is_not_json_is_refused_naming_the_field(opa_url: str) -> None:
    tx = copy.deepcopy(EXAMPLES[0])
    tx["fx_rates"] = {1: {"USD": 1.0}}  # jsonschema-rs cannot take it: jsonschema decides

    with pytest.raises(InputError) as error:
        decide(tx, opa_url=opa_url)

    assert error.value.field == "fx_rates"

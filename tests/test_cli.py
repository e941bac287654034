"""The `exportctl` command line: exit codes, formats and errors, in-process and as a process."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl import Sidecar, decide
from exportctl._cli import app
from exportctl._render import parse_explanation

ROOT = Path(__file__).resolve().parents[1]
TB_MAGNET_FILE = ROOT / "examples" / "cn-export-tb-magnet.json"
TB_MAGNET = orjson.loads(TB_MAGNET_FILE.read_bytes())
EXPORTCTL = Path(sys.executable).with_name("exportctl")

# A German steel part the exporter has classified as not listed, made without Chinese technology.
NOT_LISTED = {
    "id": "DE-0001",
    "date": "2026-03-02",
    "transferor": {"name": "Beispiel Stahl GmbH", "country": "DE"},
    "destination": "US",
    "items": [
        {
            "id": "1",
            "description": "steel bracket",
            "control_code": "not_listed",
            "material": {"elements": ["Fe"], "form": "other"},
            "origin": "DE",
            "produced_with_cn_technologies": [],
            "value": {"amount": 100, "currency": "EUR"},
        }
    ],
}
# Chinese magnets known only by their HS code: the policy must ask for the classification.
HS_CODE_ONLY = {
    "id": "CN-0002",
    "date": "2026-03-02",
    "transferor": {"name": "Ningbo Example Magnetics Co.", "country": "CN"},
    "destination": "DE",
    "items": [{"id": "1", "description": "magnets", "hs_code": "8505111000", "origin": "CN"}],
}

runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def as_json(transaction: dict[str, Any]) -> bytes:
    return orjson.dumps(transaction)


@pytest.mark.parametrize(
    ("transaction", "outcome", "exit_code"),
    [
        (NOT_LISTED, "NOT REQUIRED", 0),
        (TB_MAGNET, "LICENSE REQUIRED", 1),
        (HS_CODE_ONLY, "INSUFFICIENT INFORMATION", 4),
    ],
    ids=["not_required", "license_required", "insufficient_information"],
)
def test_exit_code_follows_the_outcome(
    transaction: dict[str, Any], outcome: str, exit_code: int, opa_url: str
) -> None:
    result = invoke("decide", "--opa-url", opa_url, "-", stdin=as_json(transaction))

    assert result.exit_code == exit_code, result.output
    assert outcome in result.stdout
    assert result.stderr == ""


def test_insufficient_information_lists_the_missing_facts(opa_url: str) -> None:
    result = invoke("decide", "--opa-url", opa_url, "-", stdin=as_json(HS_CODE_ONLY))

    assert "Missing facts" in result.stdout
    assert "control_code" in result.stdout


def test_opa_url_comes_from_the_environment(opa_url: str) -> None:
    result = runner.invoke(app, ["decide", str(TB_MAGNET_FILE)], env={"EXPORTCTL_OPA_URL": opa_url})

    assert result.exit_code == 1, result.output


def test_engine_unreachable_exits_3_with_one_line(unused_url: str) -> None:
    result = invoke("decide", "--opa-url", unused_url, str(TB_MAGNET_FILE))

    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"exportctl: error: cannot connect to OPA at {unused_url}\n"


def test_bundle_without_the_decision_exits_3(tmp_path: Path) -> None:
    (tmp_path / ".manifest").write_text('{"roots": ["exportctl"]}')
    with Sidecar(tmp_path) as opa:
        result = invoke("decide", "--opa-url", opa.url, str(TB_MAGNET_FILE))

    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "no decision" in result.stderr


def test_table_shows_every_part_of_the_decision(opa_url: str) -> None:
    decision = decide(TB_MAGNET, opa_url=opa_url)

    result = invoke("decide", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    squeezed = "".join(result.stdout.split())
    assert "SO-2026-00417" in result.stdout
    assert "2026-03-02" in result.stdout
    for reason in decision.reasons:
        assert reason.provision in result.stdout
        assert "".join(reason.citation.url.split()) in squeezed
    assert f"policy revision {decision.policy.revision}" in result.stdout


def test_json_is_the_decision_as_opa_returned_it_with_its_audit(
    opa_url: str, decision_schema: Draft202012Validator
) -> None:
    result = invoke("decide", "-f", "json", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    printed = orjson.loads(result.stdout)
    decision_schema.validate(printed)
    audit = printed.pop("audit")
    assert audit["bundle_revision"] == printed["policy"]["revision"]
    assert printed == decide(TB_MAGNET, opa_url=opa_url).raw


def test_markdown_is_a_document_with_the_reasons(opa_url: str) -> None:
    decision = decide(TB_MAGNET, opa_url=opa_url)

    result = invoke("decide", "--format", "markdown", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    assert result.stdout.startswith("# Export decision for SO-2026-00417\n")
    assert "| Outcome | **license_required** |" in result.stdout
    for reason in decision.reasons:
        assert f"### {reason.provision}: " in result.stdout


def test_explain_fails_prints_opa_explanation_as_a_tree(opa_url: str) -> None:
    result = invoke("decide", "--explain", "fails", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    assert result.exit_code == 1, result.output
    tree = result.stdout.split("OPA explanation\n", 1)[1].splitlines()
    assert any(line.startswith("  ") and "Fail " in line for line in tree)
    assert any("/exportctl/decision.rego:" in line for line in tree)


def test_explain_notes_prints_trace_notes_under_their_rule(tmp_path: Path) -> None:
    (tmp_path / ".manifest").write_text('{"roots": ["exportctl"], "rego_version": 1}')
    (tmp_path / "exportctl").mkdir()
    (tmp_path / "exportctl" / "traced.rego").write_text(
        "package exportctl\n\n"
        "decision := {\n"
        '\t"transaction_id": input.id, "date": input.date, "outcome": "not_required",\n'
        '\t"items": [], "reasons": [],\n'
        '\t"policy": {"revision": "test", "data_reviewed_on": "2026-01-01"},\n'
        '} if trace(sprintf("deciding %s", [input.id]))\n'
    )
    with Sidecar(tmp_path) as opa:
        result = invoke("decide", "--explain", "notes", "--opa-url", opa.url, str(TB_MAGNET_FILE))

    assert result.exit_code == 0, result.output
    tree = result.stdout.split("OPA explanation\n", 1)[1].splitlines()
    assert tree[0].startswith("Enter data.exportctl.decision")
    assert any(line.startswith('    Note "deciding SO-2026-00417"') for line in tree)


def test_explain_full_warns_that_it_is_slow(opa_url: str) -> None:
    result = invoke(
        "decide",
        "--explain",
        "full",
        "-f",
        "json",
        "--opa-url",
        opa_url,
        "-",
        stdin=as_json(NOT_LISTED),
    )

    assert result.exit_code == 0
    assert "slow" in result.stderr.splitlines()[0]
    orjson.loads(result.stdout)


@given(
    depth=st.integers(0, 8),
    event=st.from_regex(r"[A-Za-z][ -~]{0,40}", fullmatch=True),
    location=st.from_regex(r"[a-z/_.]{1,30}:[0-9]{1,4}", fullmatch=True),
)
def test_explanation_lines_parse_into_depth_event_and_location(
    depth: int, event: str, location: str
) -> None:
    line = f"{location:<40} {'| ' * depth}{event}"

    assert parse_explanation([line]) == [(depth, event, location)]


def test_invalid_date_exits_2_naming_the_field() -> None:
    transaction = copy.deepcopy(TB_MAGNET)
    transaction["date"] = "2026-13-45"

    result = invoke("validate", "-", stdin=as_json(transaction))

    assert result.exit_code == 2
    assert result.stderr == (
        'exportctl: error: invalid transaction: date: "2026-13-45" is not a valid date\n'
    )


def test_decide_refuses_an_invalid_transaction_before_asking_opa(unused_url: str) -> None:
    transaction = copy.deepcopy(TB_MAGNET)
    transaction["items"][0]["value"]["amount"] = -5

    result = invoke("decide", "--opa-url", unused_url, "-", stdin=as_json(transaction))

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "items[0].value.amount" in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["validate", "-"], b'{"id": "x",', "standard input is not valid JSON"),
        (["decide", "no-such-file.json"], None, "cannot read no-such-file.json"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(
    args: list[str], stdin: bytes | None, message: str
) -> None:
    result = invoke(*args, stdin=stdin)

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


@pytest.mark.parametrize("args", [["decide"], ["decide", "--format", "xml", "x.json"]])
def test_bad_usage_exits_2(args: list[str]) -> None:
    assert invoke(*args).exit_code == 2


def test_validate_accepts_a_valid_transaction() -> None:
    result = invoke("validate", str(TB_MAGNET_FILE))

    assert result.exit_code == 0, result.output
    assert result.stdout == "valid transaction SO-2026-00417\n"


def test_help_documents_the_exit_codes() -> None:
    result = invoke("decide", "--help")

    assert result.exit_code == 0
    assert "insufficient_information" in result.stdout
    assert "EXPORTCTL_OPA_URL" in result.stdout


def test_bundle_command_writes_a_bundle(tmp_path: Path) -> None:
    output = tmp_path / "bundle.tar.gz"

    result = invoke("bundle", "--output", str(output))

    assert result.exit_code == 0, result.output
    assert output.is_file()
    assert "revision sha256:" in result.stdout


def run_exportctl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}
    return subprocess.run(
        [str(EXPORTCTL), *args], input=stdin, capture_output=True, env=environment, timeout=60
    )


def test_installed_command_starts_its_own_sidecar() -> None:
    process = run_exportctl("decide", str(TB_MAGNET_FILE))

    assert process.returncode == 1, process.stderr
    assert b"LICENSE REQUIRED" in process.stdout
    assert process.stderr == b""


def test_installed_command_reads_stdin(opa_url: str) -> None:
    process = run_exportctl(
        "decide", "-f", "json", "--opa-url", opa_url, "-", stdin=as_json(NOT_LISTED)
    )

    assert process.returncode == 0, process.stderr
    assert orjson.loads(process.stdout)["transaction_id"] == "DE-0001"


def test_installed_command_fails_in_one_line_without_a_traceback(unused_url: str) -> None:
    process = run_exportctl("decide", "--opa-url", unused_url, str(TB_MAGNET_FILE))

    assert process.returncode == 3
    assert process.stderr.decode().count("\n") == 1
    assert b"Traceback" not in process.stderr

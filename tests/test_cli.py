"""The `exportctl` command line: exit codes, formats and errors, in-process and as a process."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl import OUTCOMES, Sidecar, decide
from exportctl._cli import app
from exportctl._cli.decisions import EXIT_CODES
from exportctl._render import printable
from exportctl._render.decision import parse_explanation

ROOT = Path(__file__).resolve().parents[1]
OpaResult = Callable[[Mapping[str, Any]], Any]
"""The `opa_result` fixture: a transaction's decision exactly as OPA answers it."""
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
    opa_url: str, decision_schema: Draft202012Validator, opa_result: OpaResult
) -> None:
    result = invoke("decide", "-f", "json", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    printed = orjson.loads(result.stdout)
    decision_schema.validate(printed)
    audit = printed.pop("audit")
    assert audit["bundle_revision"] == printed["policy"]["revision"]
    assert printed == opa_result(TB_MAGNET)


def test_markdown_is_a_document_with_the_reasons(opa_url: str) -> None:
    decision = decide(TB_MAGNET, opa_url=opa_url)

    result = invoke("decide", "--format", "markdown", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    assert result.stdout.startswith("# Export decision for SO-2026-00417\n")
    assert "| Outcome | **license_required** |" in result.stdout
    for reason in decision.reasons:
        assert f"### {reason.provision}: " in result.stdout


def test_explain_fails_prints_what_failed_by_provision(opa_url: str) -> None:
    # tests/test_output.py checks that no compiler internals are left in it.
    result = invoke("decide", "--explain", "fails", "--opa-url", opa_url, str(TB_MAGNET_FILE))

    assert result.exit_code == 1, result.output
    lines = result.stdout.split("OPA explanation\n", 1)[1].splitlines()
    assert "mofcom_2024_046/military_users" in lines
    assert any(line.startswith("  lib/military_ban/military_ban.rego:") for line in lines)


def test_explain_notes_prints_trace_notes_with_their_location(tmp_path: Path) -> None:
    (tmp_path / ".manifest").write_text('{"roots": ["exportctl"], "rego_version": 1}')
    (tmp_path / "exportctl").mkdir()
    (tmp_path / "exportctl" / "traced.rego").write_text(
        "package exportctl\n\n"
        "decision := {\n"
        '\t"transaction_id": input.id, "date": input.date, "outcome": "not_required",\n'
        '\t"items": [], "reasons": [],\n'
        '\t"policy": {"data_reviewed_on": "2026-01-01",\n'
        '\t\t"revision": concat("", [b.manifest.revision | some b in data.system.bundles])},\n'
        '} if trace(sprintf("deciding %s", [input.id]))\n'
    )
    with Sidecar(tmp_path) as opa:
        result = invoke("decide", "--explain", "notes", "--opa-url", opa.url, str(TB_MAGNET_FILE))

    assert result.exit_code == 0, result.output
    notes = result.stdout.split("OPA explanation\n", 1)[1].splitlines()
    assert notes[0] == '"deciding SO-2026-00417"  (/exportctl/traced.rego:10)'


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


def deep_bom(levels: int) -> bytes:
    """The Tb magnet example with a bill of materials `levels` deep, one line per level, as JSON
    (written out: deeper than JSON encoders go)."""
    transaction = copy.deepcopy(TB_MAGNET)
    transaction["items"][0]["bom"] = "BOM"
    lines = '{"id": "L", "origin": "CN", "bom": [' * (levels - 1) + '{"id": "L", "origin": "CN"}'
    return as_json(transaction).replace(b'"BOM"', f"[{lines}{']}' * (levels - 1)}]".encode())


@pytest.mark.parametrize("command", ["validate", "decide"])
@pytest.mark.parametrize("levels", [9, 130, 500])
def test_a_bill_nested_too_deep_exits_2_naming_where(
    command: str, levels: int, unused_url: str
) -> None:
    args = [command, "-"] if command == "validate" else [command, "--opa-url", unused_url, "-"]

    result = invoke(*args, stdin=deep_bom(levels))

    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "exportctl: error: invalid transaction: items[0]" + ".bom[0]" * 8 + ".bom: "
        "bills of materials nest at most 8 levels\n"
    )


def test_a_document_too_deep_to_read_exits_2() -> None:
    result = invoke("validate", "-", stdin=deep_bom(5000))

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("exportctl: error: standard input is not valid JSON: ")
    assert result.stderr.count("\n") == 1


def test_a_bill_of_eight_levels_is_valid() -> None:
    assert orjson.loads(deep_bom(8))["items"][0]["bom"][0]["bom"][0]["id"] == "L"
    assert invoke("validate", "-", stdin=deep_bom(8)).exit_code == 0


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8181", "localhost", "://x", "ftp://x:1", "unix:///nonexistent/opa.sock"]
)
def test_an_opa_url_that_cannot_be_used_exits_3_with_one_line(url: str) -> None:
    result = invoke("decide", "--opa-url", url, str(TB_MAGNET_FILE))

    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("exportctl: error: ")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "environment", "named"),
    [
        (["--opa-url", "localhost:8181"], {}, "--opa-url"),
        ([], {"EXPORTCTL_OPA_URL": "localhost:8181"}, "EXPORTCTL_OPA_URL"),
    ],
)
@pytest.mark.parametrize("command", ["decide", "batch", "provisions", "timeline"])
def test_an_opa_url_without_a_scheme_exits_3_naming_it(
    command: str, args: list[str], environment: dict[str, str], named: str, tmp_path: Path
) -> None:
    rest = {
        "decide": [str(TB_MAGNET_FILE)],
        "batch": [str(TB_MAGNET_FILE), "-o", str(tmp_path / "out.jsonl")],
    }.get(command, [])
    process = subprocess.run(
        [str(EXPORTCTL), command, *args, *rest],
        capture_output=True,
        env={**os.environ, **environment},
        timeout=60,
    )

    assert process.returncode == 3, process.stderr
    assert process.stdout == b""
    assert (
        process.stderr
        == (
            f"exportctl: error: {named}: OPA URL 'localhost:8181': "
            "expected http://HOST:PORT or unix:///PATH/opa.sock\n"
        ).encode()
    )
    assert not (tmp_path / "out.jsonl").exists()


def write_bundle(directory: Path, decision: str) -> Path:
    """A bundle whose `decision` is the Rego expression `decision`."""
    (directory / "exportctl").mkdir(parents=True)
    (directory / ".manifest").write_text('{"roots": ["exportctl"], "rego_version": 1}')
    (directory / "exportctl" / "decision.rego").write_text(
        f"package exportctl\n\ndecision := {decision}\n"
    )
    return directory


GOOD_DECISION = (
    '{"transaction_id": input.id, "date": input.date, "outcome": "license_required",'
    ' "licensing_policy": "standard", "items": [{"id": "1", "outcome": "license_required"}],'
    ' "reasons": [REASON], "not_applied": [], "missing_facts": [], "warnings": [WARNING],'
    ' "policy": {"data_reviewed_on": "2026-01-01",'
    ' "revision": concat("", [b.manifest.revision | some b in data.system.bundles])}}'
)
REASON = (
    '{"provision": "CN-X-01", "title": "A title", "item": "1", "outcome": "license_required",'
    ' "citation": {"instrument": "No. 1", "article": "Art. 1", "url": "https://example.org"},'
    ' "facts": {"destination": "DE"}}'
)


@pytest.mark.parametrize(
    "decision",
    [
        GOOD_DECISION.replace(' "reasons": [REASON],', "").replace("WARNING", '"w"'),
        GOOD_DECISION.replace("REASON", REASON.replace('"A title"', "7")).replace("WARNING", '"w"'),
        GOOD_DECISION.replace("REASON", REASON).replace("WARNING", "{}"),
        GOOD_DECISION.replace("REASON", REASON.replace('{"destination": "DE"}', "[1]")).replace(
            "WARNING", '"w"'
        ),
        GOOD_DECISION.replace("REASON", '"not a reason"').replace("WARNING", '"w"'),
    ],
    ids=["no-reasons", "title-a-number", "warning-an-object", "facts-a-list", "reason-a-string"],
)
@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_a_malformed_decision_exits_3_with_one_line_and_prints_nothing(
    decision: str, output_format: str, tmp_path: Path
) -> None:
    with Sidecar(write_bundle(tmp_path, decision)) as opa:
        result = invoke("decide", "-f", output_format, "--opa-url", opa.url, str(TB_MAGNET_FILE))

    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("exportctl: error: the policy")
    assert any(why in result.stderr for why in ("cannot be shown", "lacks", "wrong type"))
    assert result.stderr.count("\n") == 1


def test_the_well_formed_decision_of_that_bundle_is_shown(tmp_path: Path) -> None:
    decision = GOOD_DECISION.replace("REASON", REASON).replace("WARNING", '"w"')
    with Sidecar(write_bundle(tmp_path, decision)) as opa:
        result = invoke("decide", "--opa-url", opa.url, str(TB_MAGNET_FILE))

    assert result.exit_code == 1, result.output
    assert "CN-X-01" in result.stdout


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NASTY = "\x1b[31mred\x1b[0m\x1b]0;title\x07\x9b2J\x07\x08\r\x7f\x85"


@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_control_characters_from_the_input_and_opa_are_not_printed(
    output_format: str, opa_url: str
) -> None:
    transaction = copy.deepcopy(TB_MAGNET)
    transaction["id"] = "SO" + NASTY
    transaction["items"][0]["id"] = "1" + NASTY

    result = invoke(
        "decide", "-f", output_format, "--opa-url", opa_url, "-", stdin=as_json(transaction)
    )

    assert result.exit_code == 1, result.output
    assert not CONTROL.search(result.stdout), repr(result.stdout)
    assert "SOred" in result.stdout
    assert "1red" in result.stdout  # the item id, as OPA echoed it in the decision


def test_control_characters_are_not_printed_in_errors() -> None:
    transaction = copy.deepcopy(TB_MAGNET)
    transaction["destination"] = NASTY

    result = invoke("validate", "-", stdin=as_json(transaction))

    assert result.exit_code == 2
    assert result.stderr.startswith("exportctl: error: invalid transaction: destination: ")
    assert not CONTROL.search(result.stderr.removesuffix("\n")), repr(result.stderr)


@given(st.text())
def test_printable_leaves_no_terminal_control(text: str) -> None:
    shown = printable(text)

    assert not CONTROL.search(shown)
    assert "\x1b" not in shown
    assert printable(shown) == shown
    assert all(c in text for c in shown)


def test_printable_keeps_text_tabs_and_newlines() -> None:
    assert printable("Müller\tGmbH\n北京 → 5 %") == "Müller\tGmbH\n北京 → 5 %"
    assert printable("a\x1b[1;31mb\x1b]8;;http://x\x1b\\c\x1bcd") == "abcd"


def test_an_interrupt_exits_130_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("exportctl._cli.decisions.decide", interrupted)

    result = invoke("decide", str(TB_MAGNET_FILE))

    assert result.exit_code == 130
    assert result.stderr == "exportctl: error: interrupted\n"


def test_an_unexpected_error_exits_3_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr("exportctl._cli.decisions.decide", broken)

    result = invoke("decide", str(TB_MAGNET_FILE))

    assert result.exit_code == 3
    assert result.stderr == "exportctl: error: internal error: RuntimeError: something broke\n"


@pytest.mark.parametrize("opa_bin", ["/nonexistent/opa", "/bin/false", "not-executable"])
def test_a_wrong_opa_bin_exits_3_with_one_line(opa_bin: str, tmp_path: Path) -> None:
    if opa_bin == "not-executable":
        opa_bin = str(tmp_path / "opa")
        Path(opa_bin).write_text("#!/bin/sh\nexit 0\n")
    environment = {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}

    process = subprocess.run(
        [str(EXPORTCTL), "decide", str(TB_MAGNET_FILE)],
        capture_output=True,
        env={**environment, "OPA_BIN": opa_bin},
        timeout=60,
    )

    assert process.returncode == 3, process.stderr
    assert process.stdout == b""
    assert process.stderr.startswith(b"exportctl: error: ")
    assert process.stderr.count(b"\n") == 1
    # The line names the binary it could not run, or says that OPA failed (`/bin/false` runs).
    assert opa_bin.encode() in process.stderr or b"opa" in process.stderr.lower()


@pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
def test_a_full_disk_as_output_exits_3_with_one_line(output_format: str, opa_url: str) -> None:
    with open("/dev/full", "wb") as full:
        process = subprocess.run(
            [str(EXPORTCTL), "decide", "-f", output_format, "--opa-url", opa_url, "-"],
            input=as_json(TB_MAGNET),
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )

    assert process.returncode == 3, process.stderr
    assert process.stderr == b"exportctl: error: cannot write the output: No space left on device\n"


def test_usage_errors_are_one_line() -> None:
    result = invoke("decide", "--format", "xml", str(TB_MAGNET_FILE))

    assert result.exit_code == 2
    assert result.stderr.startswith("exportctl: error: Invalid value for '--format'")
    assert result.stderr.endswith("(see `exportctl decide --help`)\n")
    assert result.stderr.count("\n") == 1


def run_without_token(
    *args: str, stdin: bytes | None = None, token: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The installed command with neither EXPORTCTL_OPA_URL nor EXPORTCTL_OPA_TOKEN set, unless
    `token` is given for the latter."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("EXPORTCTL_OPA_URL", "EXPORTCTL_OPA_TOKEN")
    }
    if token is not None:
        environment["EXPORTCTL_OPA_TOKEN"] = token
    return subprocess.run(
        [str(EXPORTCTL), *args], input=stdin, capture_output=True, env=environment, timeout=60
    )


def test_opa_token_is_sent_to_an_opa_that_requires_one(sidecar: Sidecar) -> None:
    # Another process: it does not know the sidecar's token unless told.
    decide_args = ["decide", "--opa-url", sidecar.url, str(TB_MAGNET_FILE)]
    without = run_without_token(*decide_args)
    wrong = run_without_token(*decide_args, "--opa-token", "not-the-token")
    with_option = run_without_token(*decide_args, "--opa-token", sidecar.token)
    with_variable = run_without_token(*decide_args, token=sidecar.token)

    assert without.returncode == wrong.returncode == 3
    assert b"token" in without.stderr and without.stderr.count(b"\n") == 1
    assert with_option.returncode == with_variable.returncode == 1, with_option.stderr
    assert b"LICENSE REQUIRED" in with_option.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "-", "-o", "OUT"],
        ["provisions", "--date", "2026-03-02", "-f", "json"],
        ["timeline", "--svg", "-"],
    ],
)
def test_every_command_that_asks_opa_takes_its_token(
    args: list[str], sidecar: Sidecar, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    args = [str(out) if arg == "OUT" else arg for arg in args]
    stdin = as_json(TB_MAGNET) + b"\n"

    refused = run_without_token(*args, "--opa-url", sidecar.url, stdin=stdin)
    out.unlink(missing_ok=True)
    allowed = run_without_token(
        *args, "--opa-url", sidecar.url, "--opa-token", sidecar.token, stdin=stdin
    )

    assert refused.returncode == 3, refused.stderr
    assert b"token" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith((b"[", b"<")) or b"SO-2026-00417" in out.read_bytes()


@pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
def test_a_closed_pipe_as_output_exits_3_with_one_line(output_format: str, opa_url: str) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `exportctl decide ... | head -0` would
    try:
        process = subprocess.run(
            [str(EXPORTCTL), "decide", "-f", output_format, "--opa-url", opa_url, "-"],
            input=as_json(TB_MAGNET),
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    finally:
        os.close(write_end)

    assert process.returncode == 3, process.stderr  # not rich's 1, "licence required"
    assert process.stderr == b"exportctl: error: cannot write the output: Broken pipe\n"


def test_every_outcome_of_the_contract_has_its_exit_code() -> None:
    # The client refuses any other outcome (EngineError): decide's exit code is one of these.
    assert set(EXIT_CODES) == set(OUTCOMES)

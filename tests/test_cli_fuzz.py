"""A bounded fuzz of the CLI (hypothesis), decisions from the real OPA.

Fed to `exportctl decide` and `exportctl validate`, and as lines to `exportctl batch`: mutations
of the examples (a key dropped, a value of the wrong type, null or empty, codes in lower case,
control characters and escape sequences in names, bills of materials nested up to 150 levels
deep), arbitrary JSON values, and bytes (JSON cut short, non-UTF-8 bytes, noise). Then junk for
`--opa-url`, `--format`, `--explain`, `--chunk-size` and `--workers`. The properties: no
traceback, every exit code in the contract (0, 1, 2, 3, 4), a failure on one line of standard
error, an input that fails the schema exits 2 (never a decision; in a batch, an error record), a
valid one gets a decision (never 3), and no terminal control character reaches a table or a
markdown document.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl._cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [orjson.loads(p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.json"))]
SCHEMA = orjson.loads((ROOT / "schemas" / "transaction.schema.json").read_bytes())
REFERENCE = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
EXPORTCTL = Path(sys.executable).with_name("exportctl")
CONTRACT_EXITS = {0, 1, 2, 3, 4}
DECISION_EXITS = {0, 1, 4}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NASTY = ["\x1b[31m", "\x1b]0;owned\x07", "\x9b2J", "\r", "\x08", "\x00", "\x7f", "\x85", "\n"]
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # `unused_url`: the same dead address will do
    ],
)

runner = CliRunner()

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def node_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside `value`, itself excepted."""
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    paths = []
    for key, child in children:
        paths.append((*prefix, key))
        paths += node_paths(child, (*prefix, key))
    return paths


def at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def deep_bom(levels: int) -> list[Any]:
    bom: list[Any] = []
    for level in reversed(range(levels)):
        line: dict[str, Any] = {"id": f"L{level}", "origin": "CN"}
        if bom:
            line["bom"] = bom
        bom = [line]
    return bom


def _empty(value: Any) -> Any:
    return type(value)() if isinstance(value, str | list | dict) else None


def _lowercase(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


@st.composite
def mutated_examples(draw: st.DrawFn) -> Any:
    """An example with one to three mutations."""
    document = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        paths = node_paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = at(document, path[:-1]), path[-1]
        mutation = draw(
            st.sampled_from(["drop", "wrong type", "null", "empty", "lower", "control", "nest"])
        )
        if mutation == "drop":
            del parent[key]
        elif mutation == "wrong type":
            parent[key] = draw(json_values)
        elif mutation == "null":
            parent[key] = None
        elif mutation == "empty":
            parent[key] = _empty(parent[key])
        elif mutation == "lower":
            parent[key] = _lowercase(parent[key])
        elif mutation == "control" and isinstance(parent[key], str):
            text: str = parent[key]
            where = draw(st.integers(0, len(text)))
            parent[key] = text[:where] + draw(st.sampled_from(NASTY)) + text[where:]
        elif mutation == "nest" and document.get("items"):
            item = draw(st.sampled_from(document["items"]))
            if isinstance(item, dict):
                item["bom"] = deep_bom(draw(st.integers(1, 150)))
    return document


documents = st.one_of(mutated_examples(), mutated_examples(), json_values)


@st.composite
def raw_inputs(draw: st.DrawFn) -> bytes:
    """Bytes that are not a JSON document, or just barely one."""
    text = _json(draw(mutated_examples()))
    where = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(["cut", "non-utf-8", "noise"]))
    if kind == "cut":
        return text[:where]
    if kind == "non-utf-8":
        bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80", b"\xfe"]))
        # inside a string value: still JSON but for the encoding
        quote = text.find(b'"', where)
        at_quote = quote + 1 if quote >= 0 else where
        return text[:at_quote] + bad + text[at_quote:]
    return draw(st.binary(max_size=64))


def invoke(*args: str, stdin: bytes) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def schema_valid(document: Any) -> bool:
    return REFERENCE.is_valid(document)


def check_contract(result: Result, *, lines_per_field: bool = False) -> None:
    """No traceback, an exit code of the contract, a failure in one line of standard error (with
    `lines_per_field`, as `validate`, one line for each invalid field)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.exit_code in CONTRACT_EXITS, result.output
    if result.exit_code in (2, 3):
        lines = result.stderr.splitlines(keepends=True)
        assert lines and all(line.startswith("exportctl: error: ") for line in lines), lines
        assert all(line.endswith("\n") for line in lines), lines
        if not lines_per_field:
            assert len(lines) == 1, result.stderr


@settings(FUZZ, max_examples=220)
@given(document=documents, output_format=st.sampled_from(["table", "markdown", "json"]))
def test_decide_of_any_document(document: Any, output_format: str, opa_url: str) -> None:
    result = invoke("decide", "-f", output_format, "--opa-url", opa_url, "-", stdin=_json(document))

    check_contract(result)
    event(f"exit {result.exit_code}")
    if not schema_valid(document):
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
    else:  # a decision; or exit 2 where the client's validator is the stricter one
        assert result.exit_code in DECISION_EXITS | {2}, result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("exportctl: error: invalid transaction: ")
    if output_format != "json":
        assert not CONTROL.search(result.stdout), repr(result.stdout)


@settings(FUZZ, max_examples=400)
@given(document=documents)
def test_validate_of_any_document(document: Any) -> None:
    result = invoke("validate", "-", stdin=_json(document))

    check_contract(result, lines_per_field=True)
    assert result.exit_code in (0, 2)
    if not schema_valid(document):
        assert result.exit_code == 2, result.output
    if result.exit_code == 0:
        assert result.stdout.startswith("valid transaction ")
        assert not CONTROL.search(result.stdout.removesuffix("\n"))


@settings(FUZZ, max_examples=150)
@given(data=raw_inputs(), command=st.sampled_from(["decide", "validate"]))
def test_bytes_that_are_no_transaction_exit_2(data: bytes, command: str, unused_url: str) -> None:
    args = [command, "-"] if command == "validate" else [command, "--opa-url", unused_url, "-"]
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        document = None
        parsed = False
    else:
        parsed = True

    result = invoke(*args, stdin=data)

    check_contract(result, lines_per_field=command == "validate")
    if not parsed or not schema_valid(document):
        assert result.exit_code == 2, result.output


LOCAL_URLS = [
    "localhost:8181",
    "127.0.0.1",
    "127.0.0.1:8181/v1",
    "http//127.0.0.1:1",
    "://127.0.0.1:1",
    "http://",
    "http://127.0.0.1:0",
    "http://127.0.0.1:99999",
    "http://[::1",
    "HTTP://127.0.0.1:1",
    "unix://",
    "unix:///nonexistent/opa.sock",
    "unix://relative/opa.sock",
    "ftp://127.0.0.1/",
    "https://127.0.0.1:1",
]


@settings(FUZZ, max_examples=60)
@given(
    url=st.sampled_from(LOCAL_URLS)
    | st.text(max_size=30).filter(lambda text: "://" not in text and text.strip())
)
def test_any_unusable_opa_url_exits_3_in_one_line(url: str) -> None:
    result = invoke("decide", f"--opa-url={url}", "-", stdin=orjson.dumps(EXAMPLES[0]))

    check_contract(result)
    assert result.exit_code == 3, result.output  # the engine cannot be reached, whatever the URL


@settings(FUZZ, max_examples=60)
@given(
    option=st.sampled_from(["--format", "-f", "--explain", "--chunk-size", "--workers"]),
    value=st.text(max_size=12),
)
def test_junk_option_values_exit_2_in_one_line(option: str, value: str, unused_url: str) -> None:
    if value in {"table", "json", "markdown", "notes", "fails", "full"} or _is_int(value):
        value += "?"
    command = "batch" if option in ("--chunk-size", "--workers") else "decide"
    extra = ["-o", os.devnull] if command == "batch" else []

    result = invoke(command, f"{option}={value}", *extra, "--opa-url", unused_url, "-", stdin=b"")

    check_contract(result)
    assert result.exit_code == 2, result.output


@settings(FUZZ, max_examples=8)
@given(document=mutated_examples())
def test_the_installed_command_on_mutated_documents(document: Any, sidecar: Any) -> None:
    process = subprocess.run(
        [str(EXPORTCTL), "decide", "--opa-url", sidecar.url, "-"],
        input=_json(document),
        capture_output=True,
        env={**os.environ, "EXPORTCTL_OPA_TOKEN": sidecar.token},
        timeout=60,
    )

    assert b"Traceback" not in process.stderr
    assert process.returncode in CONTRACT_EXITS, process.stderr
    if not schema_valid(document):
        assert process.returncode == 2, process.stderr
    if process.returncode in (2, 3):
        assert process.stderr.count(b"\n") == 1, process.stderr


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _json(document: Any) -> bytes:
    """`document` as JSON; the standard library's encoder, which goes deeper than orjson's."""
    return json.dumps(document).encode()


@pytest.mark.parametrize("levels", [9, 122, 150])
def test_the_deep_bill_that_once_crashed_exits_2(levels: int, unused_url: str) -> None:
    document = copy.deepcopy(EXAMPLES[0])
    document["items"][0]["bom"] = deep_bom(levels)

    result = invoke("decide", "--opa-url", unused_url, "-", stdin=_json(document))

    check_contract(result)
    assert result.exit_code == 2
    assert "bills of materials nest at most 8 levels" in result.stderr


@settings(FUZZ, max_examples=25)
@given(lines=st.lists(st.one_of(documents.map(_json), raw_inputs()), min_size=1, max_size=6))
def test_batch_of_any_lines(lines: list[bytes], opa_url: str, tmp_path_factory: Any) -> None:
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    out = tmp_path_factory.mktemp("batch") / "out.jsonl"

    result = invoke("batch", "-", "-o", str(out), "--opa-url", opa_url, stdin=b"\n".join(lines))

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    for number, line in enumerate(lines, 1):
        try:
            document = orjson.loads(line)
        except orjson.JSONDecodeError:
            document, valid = None, False
        else:
            valid = schema_valid(document)
        if not line.strip():
            continue
        if not valid:  # never a decision for it: an error record names its line
            assert any(r.get("line") == number and "error" in r for r in records), records
        else:  # its decision, or an error record (a repeated id, the stricter validator)
            assert any(
                r.get("line") == number
                or (r.get("transaction_id") == document["id"] and "outcome" in r)
                for r in records
            ), records
    assert len(records) == sum(1 for line in lines if line.strip())

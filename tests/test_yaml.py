"""Transactions in YAML: the same decision as the same transaction in JSON (a real OPA), and
every YAML trap refused with one line naming the field, never read as other facts."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from typer.testing import CliRunner, Result

from exportctl._audit import canonical_json
from exportctl._cli import app

ROOT = Path(__file__).resolve().parents[1]
EXPORTCTL = Path(sys.executable).with_name("exportctl")
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))

# examples/cn-export-tb-magnet.json as a person writes YAML: nothing quoted that need not be.
TB_MAGNET_YAML = b"""\
id: SO-2026-00417
date: 2026-03-02
transferor: {name: Ningbo Example Magnetics Co., country: CN}
destination: DE
parties:
  - {role: consignee, name: Beispiel Antriebe GmbH, country: DE}
  - role: end_user
    name: Beispiel Antriebe GmbH
    country: DE
    military: false
end_use:
  categories: [civil]
  description: industrial servo motors
items:
  - id: "1"
    description: Sintered NdFeB magnet blocks, Tb grain-boundary diffused
    material: {elements: [Nd, Fe, B, Tb], form: magnet}
    hs_code: "8505111000"
    origin: CN
    value: {amount: 48000, currency: USD}
    quantity: {amount: 400, unit: kg}
"""

runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}
    return subprocess.run(
        [str(EXPORTCTL), *args], input=stdin, capture_output=True, env=environment, timeout=120
    )


def decision_of(process: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """The decision `decide -f json` printed, without what differs from one call to the next."""
    decision: dict[str, Any] = orjson.loads(process.stdout)
    audit = decision.pop("audit")
    return {**decision, "input_sha256": audit["input_sha256"]}


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_yaml_and_json_of_a_transaction_get_the_same_decision(
    example: Path, opa_url: str, tmp_path: Path
) -> None:
    transaction = orjson.loads(example.read_bytes())
    as_yaml = tmp_path / f"{example.stem}.yaml"
    as_yaml.write_text(yaml.safe_dump(transaction, sort_keys=False))

    from_json = run("decide", "-f", "json", "--opa-url", opa_url, str(example))
    from_yaml = run("decide", "-f", "json", "--opa-url", opa_url, str(as_yaml))

    assert from_json.returncode in (0, 1, 4), from_json.stderr
    assert from_yaml.returncode == from_json.returncode, from_yaml.stderr
    assert decision_of(from_yaml) == decision_of(from_json)
    # The very bytes posted to OPA are the same.
    expected = hashlib.sha256(canonical_json(transaction)).hexdigest()
    assert decision_of(from_yaml)["input_sha256"] == expected


def test_hand_written_yaml_with_an_unquoted_date_decides_as_the_json(
    opa_url: str, tmp_path: Path
) -> None:
    as_yaml = tmp_path / "order.yaml"
    as_yaml.write_bytes(TB_MAGNET_YAML)
    example = ROOT / "examples" / "cn-export-tb-magnet.json"

    from_json = run("decide", "-f", "json", "--opa-url", opa_url, str(example))
    from_yaml = run("decide", "-f", "json", "--opa-url", opa_url, str(as_yaml))
    from_stdin = run("decide", "-f", "json", "--opa-url", opa_url, "-", stdin=TB_MAGNET_YAML)

    assert from_json.returncode == from_yaml.returncode == from_stdin.returncode == 1
    assert decision_of(from_yaml) == decision_of(from_json) == decision_of(from_stdin)
    assert decision_of(from_yaml)["date"] == "2026-03-02"


def test_a_yaml_file_is_validated_like_json() -> None:
    result = invoke("validate", "-", stdin=TB_MAGNET_YAML)

    assert result.exit_code == 0, result.output
    assert result.stdout == "valid transaction SO-2026-00417\n"


# (what replaces a line of TB_MAGNET_YAML, the line replaced, the field named, a fragment of the
# message): each is a value YAML 1.1 reads as something other than the text or number written.
TRAPS = [
    ("destination: NO", "destination: DE", "destination", 'write "NO" in quotes'),
    ("destination: no", "destination: DE", "destination", "yes/no value"),
    ("    military: no", "    military: false", "parties[1].military", "true or false"),
    ("    military: yes", "    military: false", "parties[1].military", "true or false"),
    ("    military: off", "    military: false", "parties[1].military", "true or false"),
    ("    military: False", "    military: false", "parties[1].military", "true or false"),
    ("date: 2026-03-02 10:00:00", "date: 2026-03-02", "date", "date and time"),
    ("date: 2026-03-02T10:00:00Z", "date: 2026-03-02", "date", "date and time"),
    ("id: 0417", "id: SO-2026-00417", "id", "octal"),
    ("id: 0x1F", "id: SO-2026-00417", "id", "hexadecimal"),
    ("id: 1_000", "id: SO-2026-00417", "id", "grouped"),
    (
        "    value: {amount: 1:20, currency: USD}",
        "    value: {amount: 48000, currency: USD}",
        "items[0].value.amount",
        "base 60",
    ),
    (
        "    value: {amount: .nan, currency: USD}",
        "    value: {amount: 48000, currency: USD}",
        "items[0].value.amount",
        "not a number",
    ),
    (
        "    value: {amount: .inf, currency: USD}",
        "    value: {amount: 48000, currency: USD}",
        "items[0].value.amount",
        "infinite",
    ),
    (
        "    value: {amount: 1.0e+400, currency: USD}",
        "    value: {amount: 48000, currency: USD}",
        "items[0].value.amount",
        "infinite",
    ),
    (
        "    value: {amount: 99999999999999999999999, currency: USD}",
        "    value: {amount: 48000, currency: USD}",
        "items[0].value.amount",
        "out of range",
    ),
    (
        "    hs_code: !!binary aGVsbG8=",
        '    hs_code: "8505111000"',
        "items[0].hs_code",
        "YAML type",
    ),
    (
        "end_use:\n  NO: 1",
        "end_use:",
        "end_use.NO",
        "key is read by YAML as false",
    ),
    ("end_use:\n  1: civil", "end_use:", "end_use", "key that is not text"),
]


@pytest.mark.parametrize("trap", TRAPS, ids=[trap[0].strip() for trap in TRAPS])
def test_a_yaml_trap_is_refused_with_one_line_naming_the_field(trap: tuple[str, ...]) -> None:
    replacement, line, field, fragment = trap
    document = TB_MAGNET_YAML.decode()
    assert document.count(f"{line}\n") == 1
    document = document.replace(f"{line}\n", f"{replacement}\n")

    # decide refuses it before it asks an OPA (nothing listens at the URL given)
    for args in (["validate", "-"], ["decide", "--opa-url", "http://127.0.0.1:9", "-"]):
        result = invoke(*args, stdin=document.encode())

        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr.startswith(f"exportctl: error: invalid transaction: {field}: ")
        assert fragment in result.stderr
        assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (b"id: a\nid: b\n", "duplicate key 'id' at line 2, column 1"),
        (b"base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys (<<) are not accepted"),
        (b"items: [1\n", "is not valid YAML: did not find expected ',' or ']' at line 2"),
        (b"id: !!python/object:os.system x\n", "is not valid YAML"),
        (b"a: 1\n---\nb: 2\n", "is not valid YAML"),
    ],
)
def test_yaml_that_is_not_one_plain_document_is_refused(document: bytes, fragment: str) -> None:
    result = invoke("validate", "-", stdin=document)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("exportctl: error: standard input ")
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_alias_of_a_part_is_refused_naming_where_it_repeats() -> None:
    document = TB_MAGNET_YAML.replace(
        b"  - {role: consignee, name: Beispiel Antriebe GmbH, country: DE}",
        b"  - &consignee {role: consignee, name: Beispiel Antriebe GmbH, country: DE}\n"
        b"  - *consignee",
    )

    result = invoke("validate", "-", stdin=document)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("exportctl: error: invalid transaction: parties[1]: ")
    assert "alias" in result.stderr


def test_deeply_nested_yaml_is_refused_in_one_line() -> None:
    result = invoke("validate", "-", stdin=b"a: " + b"[" * 100_000)

    assert result.exit_code == 2
    assert result.stderr.startswith("exportctl: error: standard input ")
    assert result.stderr.count("\n") == 1


def test_batch_reads_a_yaml_stream_as_its_json_lines(opa_url: str, tmp_path: Path) -> None:
    transactions = [orjson.loads(path.read_bytes()) for path in EXAMPLES]
    stream = tmp_path / "orders.yaml"
    stream.write_text(yaml.safe_dump_all(transactions, sort_keys=False))
    lines = tmp_path / "orders.jsonl"
    lines.write_bytes(b"".join(orjson.dumps(tx) + b"\n" for tx in transactions))

    from_yaml = run("batch", str(stream), "-o", str(tmp_path / "a.jsonl"), "--opa-url", opa_url)
    from_json = run("batch", str(lines), "-o", str(tmp_path / "b.jsonl"), "--opa-url", opa_url)

    assert from_yaml.returncode == from_json.returncode == 0, from_yaml.stderr
    answers = [
        [{**d, "audit": d["audit"]["input_sha256"]} for d in map(orjson.loads, out.open("rb"))]
        for out in (tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    ]
    assert answers[0] == answers[1]
    assert [d["transaction_id"] for d in answers[0]] == [tx["id"] for tx in transactions]


def test_batch_refuses_a_yaml_stream_with_a_trap_before_deciding_anything(
    opa_url: str, tmp_path: Path
) -> None:
    good = TB_MAGNET_YAML.decode()
    bad = good.replace("destination: DE", "destination: NO").replace("SO-2026-00417", "SO-2")
    stream = tmp_path / "orders.yml"
    stream.write_text(f"{good}---\n{bad}")
    out = tmp_path / "out.jsonl"

    process = run("batch", str(stream), "-o", str(out), "--opa-url", opa_url)

    assert process.returncode == 2, process.stderr
    assert process.stderr.startswith(
        b"exportctl: error: invalid transaction: document 2: destination: NO is read by YAML"
    )
    assert process.stderr.count(b"\n") == 1
    assert not out.exists()


def test_diff_reads_a_yaml_corpus_as_its_json(tmp_path: Path) -> None:
    transactions = [orjson.loads(path.read_bytes()) for path in EXAMPLES]
    (tmp_path / "orders.yaml").write_text(yaml.safe_dump_all(transactions, sort_keys=False))
    (tmp_path / "orders.jsonl").write_bytes(
        b"".join(orjson.dumps(tx) + b"\n" for tx in transactions)
    )
    dates = ["--date", "2026-11-10", "--date", "2026-11-11", "--format", "json"]

    reports = [
        run("diff", *dates, "--corpus", str(tmp_path / name))
        for name in ("orders.yaml", "orders.jsonl")
    ]

    assert reports[0].returncode == reports[1].returncode, reports[0].stderr
    assert reports[0].returncode in (0, 1), reports[0].stderr
    changes = [
        [{k: v for k, v in c.items() if k != "name"} for c in orjson.loads(r.stdout)["changes"]]
        for r in reports
    ]
    assert changes[0] == changes[1]
    assert changes[0], "the end of No. 61's suspension changes some example's decision"


def test_diff_refuses_a_yaml_corpus_with_a_trap_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "orders.yaml").write_bytes(
        TB_MAGNET_YAML.replace(b"destination: DE", b"destination: NO")
    )

    process = run("diff", "--date", "2026-01-01", "--date", "2026-01-02", "--corpus", str(tmp_path))

    assert process.returncode == 2, process.stderr
    assert process.stderr.startswith(
        b"exportctl: error: orders.yaml: invalid transaction: document 1: destination: NO is read"
    )

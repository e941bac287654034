"""`batch --format junit` and `diff --format junit`: JUnit XML in the shape CI systems read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
from typer.testing import CliRunner

from exportctl._cli import app
from exportctl._models import PASSING
from exportctl._render.junit import Case, Failure, batch_case, junit_document

ROOT = Path(__file__).resolve().parents[1]
ORDERS = ROOT / "examples" / "orders.jsonl"
NO61 = ROOT / "tests" / "scenarios" / "no61_content"
runner = CliRunner()

# The elements and attributes of the JUnit XML schema CI systems read (Jenkins, GitLab, the
# GitHub test reporters; windyroad/JUnit-Schema), with the children each element may hold.
CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "testcase": {"failure", "error", "skipped", "system-out", "system-err"},
    "failure": set(),
}
ATTRIBUTES = {
    "testsuites": {"name", "tests", "failures", "errors", "time", "disabled"},
    "testsuite": {
        "name",
        "tests",
        "failures",
        "errors",
        "skipped",
        "time",
        "timestamp",
        "hostname",
        "id",
        "package",
    },
    "testcase": {"name", "classname", "time", "assertions", "status"},
    "failure": {"message", "type"},
}


def check_junit(text: str) -> ET.Element:
    """Parse `text` and check it has the JUnit shape: testsuites > testsuite > testcase, counts
    that match, a name and classname on every test case, a message on every failure."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    for element in root.iter():
        assert element.tag in CHILDREN, element.tag
        assert set(element.attrib) <= ATTRIBUTES[element.tag], (element.tag, element.attrib)
        assert {child.tag for child in element} <= CHILDREN[element.tag], element.tag
    suites = root.findall("testsuite")
    assert suites
    for suite in suites:
        cases = suite.findall("testcase")
        failed = [case for case in cases if case.find("failure") is not None]
        assert suite.get("name")
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == len(failed)
        assert int(suite.get("errors", "-1")) == sum(
            1 for c in cases if c.find("error") is not None
        )
        assert int(suite.get("skipped", "0")) == sum(
            1 for c in cases if c.find("skipped") is not None
        )
        float(suite.get("time", "0"))
        for case in cases:
            assert case.get("name") and case.get("classname"), case.attrib
            float(case.get("time", "0"))
            assert len(case.findall("failure")) <= 1
            for failure in case.findall("failure"):
                assert failure.get("message"), case.get("name")
    for count in ("tests", "failures", "errors"):
        assert int(root.get(count, "-1")) == sum(int(s.get(count, "0")) for s in suites), count
    return root


def cases_by_name(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in root.iter("testcase")}


def test_batch_junit_fails_every_held_order_and_every_bad_line(
    opa_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "orders.jsonl"
    nasty_id = 'x]]></failure><testcase name="y"/>&\u0007"'
    source.write_bytes(
        ORDERS.read_bytes()
        + orjson.dumps({"id": nasty_id, "date": "not a date"})
        + b"\n"
        + b"<not json & not a transaction>\n"
    )
    out = tmp_path / "out.jsonl"

    result = runner.invoke(
        app, ["batch", str(source), "-o", str(out), "--opa-url", opa_url, "-f", "junit"]
    )

    assert result.exit_code == 2, result.output  # two bad lines
    root = check_junit(result.stdout)
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(records) == len(ORDERS.read_bytes().splitlines()) + 2
    outcomes = set()
    for record, case in zip(records, cases, strict=True):
        assert case.get("classname") == "exportctl.batch"
        failure = case.find("failure")
        if "error" in record:
            assert failure is not None and failure.get("type") == "error"
            assert failure.get("message", "").startswith(f"line {record['line']}: ")
            continue
        outcomes.add(record["outcome"])
        assert case.get("name") == record["transaction_id"]
        assert (failure is None) == (record["outcome"] in PASSING), record["transaction_id"]
        if failure is not None:
            assert failure.get("type") == record["outcome"]
            assert failure.get("message", "").startswith(record["outcome"])
            for reason in record["reasons"]:
                if reason["outcome"] not in PASSING:
                    assert reason["provision"] in failure.get("message", "")
    assert outcomes & PASSING and outcomes - PASSING  # both kinds were seen
    # The id came through escaped, less the character XML cannot hold.
    assert nasty_id.replace("\u0007", "") in cases_by_name(root)
    assert cases_by_name(root)["line 6"].find("failure") is not None

    # A rerun decides nothing new; its report still covers every line of OUT.
    again = runner.invoke(
        app, ["batch", str(source), "-o", str(out), "--opa-url", opa_url, "-f", "junit"]
    )
    assert again.exit_code == 2
    assert again.stdout == result.stdout


def test_batch_without_junit_prints_nothing(opa_url: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["batch", str(ORDERS), "-o", str(tmp_path / "out.jsonl"), "--opa-url", opa_url]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_an_outcome_this_client_does_not_know_fails_closed() -> None:
    for record in (
        {"transaction_id": "A", "outcome": "cleared_by_magic", "reasons": []},
        {"transaction_id": "B"},
        {"transaction_id": "C", "outcome": None},
    ):
        failure = batch_case(record).failure
        assert failure is not None, record
        assert failure.message
    assert batch_case({"transaction_id": "D", "outcome": "not_required"}).failure is None


def test_every_name_and_message_is_escaped() -> None:
    text = junit_document(
        "suite <&>",
        [
            Case('a"<b>&', "c.d"),
            Case("]]>", "c.d", Failure("it's <held> & \x01done\x1b[31m", 'x"y', "a\x00b\n</x>")),
        ],
    )

    root = check_junit(text)
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "it's <held> & done[31m"
    assert failure.text == "ab\n</x>"
    assert list(cases_by_name(root)) == ['a"<b>&', "]]>"]


def test_diff_junit_has_one_case_per_transaction_failing_when_it_changed() -> None:
    args = ["diff", "--date", "2026-11-10", "--date", "2026-11-11", "--corpus", str(NO61)]
    junit = runner.invoke(app, [*args, "-f", "junit"])
    report = orjson.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)

    assert junit.exit_code == 1, junit.output
    root = check_junit(junit.stdout)
    cases = cases_by_name(root)
    assert len(cases) == report["total"] == len(list(NO61.glob("*.json")))
    changed = {c["name"]: c for c in report["changes"]}
    assert 0 < len(changed) < report["total"]
    assert int(root.get("failures", "-1")) == len(changed)
    for name, case in cases.items():
        assert case.get("classname") == "exportctl.diff"
        failure = case.find("failure")
        assert (failure is not None) == (name in changed), name
        if failure is not None:
            assert failure.get("type") == "changed"
            change = changed[name]
            if change["outcome"]["base"] != change["outcome"]["head"]:
                expected = f"outcome {change['outcome']['base']} → {change['outcome']['head']}"
                assert failure.get("message", "").startswith(expected), failure.get("message")
            assert f"{change['transaction_id']}: date 2026-11-10 → date 2026-11-11" in (
                failure.text or ""
            )

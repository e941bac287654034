"""JUnit XML for CI systems (`batch --format junit`, `diff --format junit`), as conftest writes it.

The shape CI systems read: `<testsuites>` holding one `<testsuite>` (`name`, `tests`, `failures`,
`errors`, `skipped`, `time`), holding one `<testcase>` (`name`, `classname`, `time`) per
transaction, with a `<failure message="..." type="...">` (the details as its text) when it fails.
Written with xml.etree, so every name and message is escaped; characters XML 1.0 cannot carry are
dropped.

`batch`: a transaction passes only when its outcome is one of `PASSING` (nothing holds the order).
Every other outcome (`license_required`, `prohibited`, `insufficient_information`, and any
outcome this client does not know) fails, as does a line that got an error record or that the
engine failed on (`type="error"`): fail closed, so that an order no one may ship is never green.
`diff`: a transaction fails when its decision changed (`type="changed"`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from exportctl._diff import DiffReport
from exportctl._models import PASSING
from exportctl.errors import UsageError

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold, even escaped."""


@dataclass(frozen=True)
class Failure:
    """Why a test case failed."""

    message: str
    """One line."""
    type: str
    """`changed`, `error`, or the outcome that holds the order."""
    text: str = ""
    """The details."""


@dataclass(frozen=True)
class Case:
    """One test case: a transaction."""

    name: str
    classname: str
    failure: Failure | None = None


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def junit_document(suite: str, cases: Sequence[Case]) -> str:
    """The JUnit XML document of one suite of `cases`."""
    failures = sum(1 for case in cases if case.failure is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "time": "0"}
    root = ET.Element("testsuites", {"name": _xml(suite), **counts})
    element = ET.SubElement(root, "testsuite", {"name": _xml(suite), **counts, "skipped": "0"})
    for case in cases:
        testcase = ET.SubElement(
            element,
            "testcase",
            {"name": _xml(case.name), "classname": _xml(case.classname), "time": "0"},
        )
        if case.failure is not None:
            failure = ET.SubElement(
                testcase,
                "failure",
                {"message": _xml(case.failure.message), "type": _xml(case.failure.type)},
            )
            failure.text = _xml(case.failure.text)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


# --- diff --------------------------------------------------------------------------------------


def diff_suite(report: DiffReport) -> str:
    """One test case per transaction compared, failing when its decision changed."""
    from exportctl._render.diff import describe

    changes = {change.name: change for change in report.changes}
    cases = []
    for name, transaction_id in report.compared:
        change = changes.get(name)
        failure = None
        if change is not None:
            lines = [" ".join(describe(report, d).split()) for d in change.differences]
            more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
            failure = Failure(
                message=f"{lines[0]}{more}" if lines else "the decision changed",
                type="changed",
                text="\n".join(
                    [
                        f"{transaction_id}: {report.base.label} → {report.head.label}",
                        *lines,
                        f"provisions: {', '.join(change.provisions) or 'none'}",
                    ]
                ),
            )
        cases.append(Case(name, "exportctl.diff", failure))
    return junit_document("exportctl diff", cases)


# --- batch -------------------------------------------------------------------------------------


def batch_case(record: Mapping[str, Any]) -> Case:
    """The test case of one line of `batch`'s output: a decision or an error record."""
    transaction_id = record.get("transaction_id")
    error = record.get("error")
    if isinstance(error, dict):
        name = str(transaction_id) if transaction_id else f"line {record.get('line')}"
        message = f"line {record.get('line')}: {error.get('field')}: {error.get('message')}"
        return Case(name, "exportctl.batch", Failure(message, "error"))
    name = str(transaction_id)
    outcome = record.get("outcome")
    if isinstance(outcome, str) and outcome in PASSING:
        return Case(name, "exportctl.batch")
    reasons = [r for r in record.get("reasons") or () if isinstance(r, dict)]
    facts = [f for f in record.get("missing_facts") or () if isinstance(f, dict)]
    policy = record.get("licensing_policy")
    held_by = sorted({str(r.get("provision")) for r in reasons if r.get("outcome") not in PASSING})
    message = f"{outcome}" + (f" ({policy})" if policy else "")
    if held_by:
        message += f": {', '.join(held_by)}"
    elif facts:
        message += f": {len(facts)} missing fact{'' if len(facts) == 1 else 's'}"
    text = [
        f"{r.get('provision')} on item {r.get('item')}: {r.get('outcome')}: {r.get('title')}"
        for r in reasons
    ] + [f"missing item {f.get('item')}: {f.get('field')}: {f.get('why')}" for f in facts]
    return Case(name, "exportctl.batch", Failure(message, str(outcome), "\n".join(text)))


def _records(output: Path) -> Iterator[Mapping[str, Any]]:
    try:
        with output.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as e:
                    raise UsageError(f"{output} line {number} is not JSON ({e.msg})") from e
                yield record if isinstance(record, dict) else {"transaction_id": None}
    except FileNotFoundError:
        return
    except OSError as e:
        raise UsageError(f"cannot read {output}: {e.strerror or e}") from e


def batch_suite(output: Path, engine_failures: Iterable[str] = ()) -> str:
    """One test case per line of `batch`'s output file, and one per transaction the engine
    failed on (`engine_failures`, `line N (ID): message`, not in the output)."""
    cases = [batch_case(record) for record in _records(output)]
    cases += [
        Case(failure.split(": ", 1)[0], "exportctl.batch", Failure(failure, "error"))
        for failure in engine_failures
    ]
    return junit_document("exportctl batch", cases)

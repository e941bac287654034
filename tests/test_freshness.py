"""Freshness: the data never states what happens after the day it was last reviewed.

Every day on which a recorded clause's status turns must lie on or before
`config.data_reviewed_on`: the last day of a suspension window (`suspends[].through`) and a
clause's `effective_from` or `effective_until` (a listing's date included). A later day is allowed
only when a record says what happened then: another suspension or a repeal of the same clause that
covers that day (an extension, a repeal, a measure suspended before it began). Otherwise the bundle
would present a status after its review as known, and a reviewer has to read what happened and move
`data_reviewed_on`, or record it. The instrument records are read directly as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "policies" / "exportctl"

Records = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Measure:
    """A suspension or a repeal of one clause, as the imposing record states it."""

    by: str
    index: int
    kind: str  # "suspends" or "repeals"
    ref: str  # "instrument/clause"
    start: dt.date
    through: dt.date | None  # last suspended day; None for a repeal or an open-ended suspension

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.through is None or day <= self.through)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def load_records(instruments: Path) -> Records:
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(instruments.glob("*/data.json"))
    }


def measures(records: Records) -> list[Measure]:
    found = []
    for by, record in records.items():
        for kind in ("suspends", "repeals"):
            for index, m in enumerate(record.get(kind) or []):
                target = records.get(m["instrument"], {})
                names = m.get("clauses") or list((target.get("clauses") or {}).keys())
                through = _day(m["through"]) if kind == "suspends" and m.get("through") else None
                for name in names:
                    ref = f"{m['instrument']}/{name}"
                    found.append(Measure(by, index, kind, ref, _day(m["from"]), through))
    return found


def stale_dates(records: Records, reviewed_on: dt.date) -> list[str]:
    """Each recorded status change after `reviewed_on` that no other record accounts for."""
    all_measures = measures(records)

    def accounted(ref: str, day: dt.date, besides: Measure | None = None) -> bool:
        return any(m.ref == ref and m != besides and m.covers(day) for m in all_measures)

    problems = []
    for m in all_measures:
        if m.through is not None and m.through > reviewed_on:
            resumes = m.through + dt.timedelta(days=1)
            if not accounted(m.ref, resumes, besides=m):
                problems.append(
                    f"{m.by} suspends {m.ref} through {m.through}, after the review on "
                    f"{reviewed_on}, and no record says what happened on {resumes}"
                )
    for iid, record in records.items():
        for name, clause in (record.get("clauses") or {}).items():
            ref = f"{iid}/{name}"
            for field in ("effective_from", "effective_until"):
                day = _day(clause[field]) if clause.get(field) else None
                if day is not None and day > reviewed_on and not accounted(ref, day):
                    problems.append(
                        f"{ref} {field} {day} is after the review on {reviewed_on}, "
                        "and no record says what happened then"
                    )
    return problems


def test_no_recorded_date_lies_after_the_review() -> None:
    config = json.loads((BUNDLE / "config" / "data.json").read_text(encoding="utf-8"))
    records = load_records(BUNDLE / "instruments")
    assert stale_dates(records, _day(config["data_reviewed_on"])) == []


def test_the_bundle_has_windows_to_check() -> None:
    """The check reads real windows: without any, it would pass for nothing."""
    records = load_records(BUNDLE / "instruments")
    ends = {m.through for m in measures(records) if m.through is not None}
    assert ends, "no suspension with a recorded end was read from the instrument records"


def _record(clauses: dict[str, Any] | None = None, **measures_: Any) -> dict[str, Any]:
    return {"clauses": clauses or {}, **measures_}


REVIEWED = _day("2026-11-28")
MEASURE = _record(clauses={"c": {"effective_from": "2025-11-08"}})
WINDOW = {"instrument": "measure", "from": "2025-11-07", "through": "2026-12-31"}


@pytest.mark.parametrize(
    ("records", "stale"),
    [
        ({"measure": MEASURE, "pause": _record(suspends=[WINDOW])}, 1),
        (
            {
                "measure": MEASURE,
                "pause": _record(suspends=[WINDOW]),
                "extension": _record(suspends=[{"instrument": "measure", "from": "2027-01-01"}]),
            },
            0,
        ),
        (
            {
                "measure": MEASURE,
                "pause": _record(suspends=[WINDOW]),
                "repeal": _record(repeals=[{"instrument": "measure", "from": "2026-12-15"}]),
            },
            0,
        ),
        (
            {
                "measure": MEASURE,
                "pause": _record(suspends=[{**WINDOW, "through": "2026-11-27"}]),
            },
            0,
        ),
        (
            {
                "measure": MEASURE,
                "pause": _record(suspends=[WINDOW]),
                "extension": _record(
                    suspends=[{"instrument": "measure", "from": "2027-01-01", "clauses": ["other"]}]
                ),
            },
            1,
        ),
        ({"listing": _record(clauses={"entities": {"effective_from": "2026-12-01"}})}, 1),
        (
            {
                "listing": _record(clauses={"entities": {"effective_from": "2026-12-01"}}),
                "pause": _record(suspends=[{"instrument": "listing", "from": "2026-11-30"}]),
            },
            0,
        ),
        (
            {
                "rule": _record(
                    clauses={"c": {"effective_from": "2025-01-01", "effective_until": "2027-01-01"}}
                )
            },
            1,
        ),
    ],
    ids=[
        "window ends after the review",
        "extended by a later record",
        "repealed before the window ends",
        "window ends before the review",
        "extension of another clause",
        "listing dated after the review",
        "listing suspended before its date",
        "clause ends after the review",
    ],
)
def test_the_check_reports_what_no_record_accounts_for(records: Records, stale: int) -> None:
    assert len(stale_dates(records, REVIEWED)) == stale

"""Every instrument's life on one time axis, as data; `_render.timeline` draws it (terminal, SVG).

The spans come from the bundle's clause calendar (`data.exportctl.calendar.timeline`, evaluated
by OPA), so the picture shows exactly what the decisions apply: when each instrument was announced,
when each clause was pending, in force, suspended or lapsed, and the suspensions and repeals an
instrument without clauses of its own imposes on others. Provision ids come from METADATA.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exportctl._client import client_for
from exportctl._provisions import provision_metadata

TIMELINE_PATH = "/v1/data/exportctl/calendar/timeline"
REVIEWED_PATH = "/v1/data/exportctl/config/data_reviewed_on"

Day = datetime.date


SPAN_KINDS = ("pending", "in_force", "unconfirmed", "suspended", "lapsed", "imposes")
"""The states a span can be in: pending, in force, in force again after a suspension ended
(unconfirmed), suspended, lapsed or repealed, and a suspension or repeal imposed on others."""


@dataclass(frozen=True)
class Span:
    """A stretch of days in one state: `[start, until)`, open-ended when `until` is None."""

    kind: str
    """One of `SPAN_KINDS`."""
    start: Day
    until: Day | None
    note: str
    """What the calendar says about it, for tooltips."""

    def last_day(self) -> Day | None:
        """The last day of the span, None when open-ended."""
        return self.until - datetime.timedelta(days=1) if self.until else None


@dataclass(frozen=True)
class Row:
    """One line of the picture: a clause, or what an instrument without clauses imposes."""

    instrument: str
    """Instrument record id, e.g. `mofcom_2025_061`."""
    clause: str | None
    """Clause name, e.g. `content_rule`; None for an instrument without clauses."""
    label: str
    """What the row is called: the clause name, or the measures it imposes."""
    provisions: tuple[str, ...]
    """Provision ids (METADATA `custom.id`) that apply the clause."""
    spans: tuple[Span, ...]

    @property
    def ref(self) -> str:
        """`instrument/clause`, or the instrument id alone."""
        return f"{self.instrument}/{self.clause}" if self.clause else self.instrument


@dataclass(frozen=True)
class Instrument:
    """An instrument record and its rows."""

    id: str
    citation: str
    title: str
    published_on: Day
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Timeline:
    """Every instrument, sorted by publication, on one axis `[start, end)`."""

    instruments: tuple[Instrument, ...]
    data_reviewed_on: Day
    start: Day
    end: Day

    @property
    def rows(self) -> list[tuple[Instrument, Row]]:
        """Every row with its instrument, in drawing order."""
        return [(i, r) for i in self.instruments for r in i.rows]

    @property
    def days(self) -> int:
        """Length of the axis in days."""
        return (self.end - self.start).days


def load_timeline(opa_url: str | None = None) -> Timeline:
    """The bundle's timeline, read from OPA; provision ids from the local policies' METADATA."""
    client = client_for(opa_url)
    calendar = client.query(TIMELINE_PATH, {})["result"]
    reviewed = Day.fromisoformat(client.query(REVIEWED_PATH, {})["result"])
    by_clause: dict[str, list[str]] = defaultdict(list)
    for meta in provision_metadata():
        by_clause[meta["custom"]["id"]].append(meta["custom"]["id"])
    return build_timeline(calendar, reviewed, by_clause)


def build_timeline(
    calendar: Mapping[str, Any],
    data_reviewed_on: Day,
    provisions_by_clause: Mapping[str, Sequence[str]],
) -> Timeline:
    """A `Timeline` from the calendar's `timeline` object."""
    instruments = []
    for id_, record in calendar.items():
        rows = [
            Row(
                instrument=id_,
                clause=name,
                label=name,
                provisions=tuple(sorted(provisions_by_clause.get(f"{id_}/{name}", ()))),
                spans=tuple(_clause_span(s) for s in clause["segments"]),
            )
            for name, clause in sorted(
                record["clauses"].items(), key=lambda c: (c[1]["effective_from"], c[0])
            )
        ]
        if record["imposes"] or not rows:
            rows.append(
                Row(
                    instrument=id_,
                    clause=None,
                    label=_imposes_label(record["imposes"]),
                    provisions=(),
                    spans=_imposed_spans(record["imposes"]),
                )
            )
        instruments.append(
            Instrument(
                id=id_,
                citation=record["citation"],
                title=record["title"],
                published_on=Day.fromisoformat(record["published_on"]),
                rows=tuple(rows),
            )
        )
    instruments.sort(key=lambda i: (i.published_on, i.id))
    days = [data_reviewed_on] + [i.published_on for i in instruments]
    for instrument in instruments:
        for row in instrument.rows:
            for span in row.spans:
                days += [span.start] + ([span.until] if span.until else [])
    start = _quarter_start(min(days))
    # A quarter's room after the last date, so that open-ended spans visibly go on.
    end = _quarter_start(max(days) + datetime.timedelta(days=92 + 60))
    return Timeline(tuple(instruments), data_reviewed_on, start, end)


def _clause_span(segment: Mapping[str, Any]) -> Span:
    state = segment["state"]
    kind = {"not_yet_in_force": "pending"}.get(state, state)
    if state == "in_force" and segment.get("unconfirmed"):
        kind = "unconfirmed"
    if kind not in SPAN_KINDS:
        kind = "lapsed"
    note = "; ".join([segment.get("because", ""), *segment.get("warnings", ())]).strip("; ")
    until = segment.get("until")
    return Span(
        kind, Day.fromisoformat(segment["from"]), Day.fromisoformat(until) if until else None, note
    )


def _imposed_spans(measures: Iterable[Mapping[str, Any]]) -> tuple[Span, ...]:
    """The windows an instrument imposes, identical windows drawn once."""
    windows: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for m in measures:
        what = m["target"] + (f" ({', '.join(m['clauses'])})" if m.get("clauses") else "")
        windows[(m["from"], m.get("until"))].append(f"{m['kind']} of {what}")
    return tuple(
        Span(
            "imposes",
            Day.fromisoformat(start),
            Day.fromisoformat(until) if until else None,
            "; ".join(sorted(notes)),
        )
        for (start, until), notes in sorted(windows.items(), key=lambda w: (w[0][0], w[0][1] or ""))
    )


_NUMBERED = re.compile(r"No\. (\d+) of (\d{4})")


def _imposes_label(measures: Sequence[Mapping[str, Any]]) -> str:
    """`suspends Nos. 55, 56 of 2025`: what an instrument without clauses does to others."""
    if not measures:
        return "(no clauses)"
    parts = []
    for kind, verb in (("suspension", "suspends"), ("repeal", "repeals")):
        targets = sorted({m["target"] for m in measures if m["kind"] == kind})
        if targets:
            parts.append(f"{verb} {_short_targets(targets)}")
    return "; ".join(parts)


def _short_targets(citations: Sequence[str]) -> str:
    by_year: dict[str, list[int]] = defaultdict(list)
    others = []
    for citation in citations:
        if match := _NUMBERED.search(citation):
            by_year[match.group(2)].append(int(match.group(1)))
        else:
            others.append(citation)
    parts = []
    for year, numbers in sorted(by_year.items()):
        prefix = "No." if len(numbers) == 1 else "Nos."
        parts.append(f"{prefix} {_ranges(sorted(numbers))} of {year}")
    return ", ".join(parts + others)


def _ranges(numbers: Sequence[int]) -> str:
    """`55–58, 61, 62`: runs of three or more consecutive numbers as a range."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _quarter_start(day: Day) -> Day:
    return Day(day.year, 3 * ((day.month - 1) // 3) + 1, 1)

"""The provisions the bundle encodes, read from the bundle itself.

Titles, descriptions and sources come from each provision package's METADATA (`opa inspect`);
dates and the status on a day come from the bundle's clause calendar (`data.exportctl.calendar`),
evaluated by OPA, so this view states exactly what the decisions apply.
"""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from exportctl._client import client_for
from exportctl._paths import opa_binary, packaged_bundle, policies_dir
from exportctl.errors import EngineError

CALENDAR_PATH = "/v1/data/exportctl/calendar/clauses_on_date"


@dataclass(frozen=True)
class Provision:
    """One provision of the bundle and its status on a date."""

    id: str
    """Stable provision id, e.g. `mofcom_2025_061/content_rule` (METADATA `custom.id`)."""
    title: str
    """METADATA title."""
    description: str
    """METADATA description."""
    aliases: tuple[str, ...]
    """Earlier ids of the provision (METADATA `custom.aliases`), as older decisions carry them."""
    instrument: str
    """Citation of the instrument, e.g. `MOFCOM Announcement No. 61 of 2025`."""
    article: str
    """Article or part of the instrument."""
    source: str
    """URL of the copy of the text the clause record was read from (the citation's `url`)."""
    publisher: str
    """Who published that copy, as the record says (empty when it does not)."""
    rests_on: str
    """What the encoding rests on: `official` or `secondary`."""
    official: str | None
    """URL of the issuer's own text, where it was located (None: not located)."""
    official_title: str | None
    """Its title or release number as the issuer gives it."""
    published_on: str
    """When the instrument was published."""
    effective_from: str
    """First day the clause takes effect, before any suspension."""
    suspended: tuple[str, ...]
    """Its recorded suspension windows, e.g. `2025-11-07 to 2026-11-10 (… No. 70 of 2025)`."""
    state: str
    """On the date asked: `in_force`, `not_yet_in_force`, `suspended` or `lapsed`."""
    status: str
    """The state in words, with the day it applies again where one is known."""
    would_apply_from: str | None
    """First later day on which it applies, when not in force and one is known."""
    confidence: str
    """How sure the data record is: high, medium or low."""


def provision_metadata(policies: Path | None = None) -> list[dict[str, Any]]:
    """Package annotations of every provision (those with `custom.id`), in bundle order: of
    `policies`, else of the bundle an installed wheel ships, else of `policies_dir()`."""
    directory = policies or packaged_bundle() or policies_dir()
    # A directory is inspected from inside; a bundle tarball as it is.
    inspected_path, cwd = (".", directory) if directory.is_dir() else (str(directory), None)
    inspected = subprocess.run(
        [opa_binary(), "inspect", "--annotations", "--format", "json", inspected_path],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    if inspected.returncode != 0:
        raise EngineError(f"opa inspect {directory} failed: {inspected.stderr.decode().strip()}")
    annotations = orjson.loads(inspected.stdout).get("annotations") or []
    return [
        a["annotations"]
        for a in annotations
        if a.get("annotations", {}).get("scope") == "package"
        and "id" in a["annotations"].get("custom", {})
    ]


@dataclass(frozen=True)
class Reference:
    """A provision with everything the reference docs say about it."""

    provision: Provision
    """The provision and its status on the date asked."""
    related_resources: tuple[tuple[str, str], ...]
    """METADATA `related_resources`: (description, URL)."""
    summary: str
    """What the clause record says the law provides."""
    confidence_note: str
    """Why the record is as sure as it says, and its gaps."""
    interpretation: str
    """The reading chosen where the law is silent or sources conflict."""
    effective_from_note: str
    """Why the record's `effective_from` is what it is, when the law does not say."""


def aliases(metadata: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each earlier provision id (METADATA `custom.aliases`) and the id it is known by now, of
    the provisions' `metadata` (`provision_metadata`)."""
    return {
        alias: meta["custom"]["id"]
        for meta in metadata
        for alias in meta["custom"].get("aliases", ())
    }


def provisions(date: str, opa_url: str | None = None) -> list[Provision]:
    """Every provision with its status on `date` (YYYY-MM-DD), sorted by id."""
    return [r.provision for r in references(date, opa_url)]


def references(date: str, opa_url: str | None = None) -> list[Reference]:
    """Every provision with its METADATA, clause record notes and status on `date`, sorted by id."""
    calendar = client_for(opa_url).query(CALENDAR_PATH, {"date": date})["result"]
    rows = []
    for meta in provision_metadata():
        clause = meta["custom"]["id"]
        record = calendar.get(clause)
        if record is None:
            raise EngineError(f"provision {clause} has no clause record {clause}")
        status = record["status"]
        provision = Provision(
            id=meta["custom"]["id"],
            title=meta["title"],
            description=" ".join(meta.get("description", "").split()),
            aliases=tuple(meta["custom"].get("aliases", ())),
            instrument=record["citation"]["instrument"],
            article=record["citation"]["article"],
            source=record["citation"]["url"],
            publisher=record["citation"].get("read", {}).get("publisher", ""),
            rests_on=record["citation"].get("rests_on", "secondary"),
            official=record["citation"].get("official", {}).get("url"),
            official_title=record["citation"].get("official", {}).get("title"),
            published_on=record["published_on"],
            effective_from=record["effective_from"],
            suspended=tuple(
                f"{s['from']} to {s.get('through', 'no end date')} ({s['by']})"
                for s in record["suspensions"]
            ),
            state=status["state"],
            status=status_words(status),
            would_apply_from=status.get("would_apply_from"),
            confidence=record.get("confidence", ""),
        )
        rows.append(
            Reference(
                provision=provision,
                related_resources=tuple(
                    (_words(r.get("description", "")), str(r.get("ref", "")))
                    for r in meta.get("related_resources", ())
                ),
                summary=_words(record.get("summary", "")),
                confidence_note=_words(record.get("confidence_note", "")),
                interpretation=_words(record.get("interpretation", "")),
                effective_from_note=_words(record.get("effective_from_note", "")),
            )
        )
    return sorted(rows, key=lambda r: r.provision.id)


def _words(text: str) -> str:
    return " ".join(str(text).split())


def status_words(status: dict[str, Any]) -> str:
    """`in force`, `suspended, applies again from …`, `not yet in force, applies from …`, …"""
    again = status.get("would_apply_from")
    match status["state"]:
        case "in_force" if status.get("warnings"):
            return "in force again since its suspension ended (unconfirmed)"
        case "in_force":
            return "in force"
        case "suspended":
            return f"suspended, applies again from {again}" if again else "suspended, no end date"
        case "not_yet_in_force":
            return f"not yet in force, applies from {again}" if again else "not yet in force"
        case _:
            return "lapsed"


REVIEWED_PATH = "/v1/data/exportctl/config/data_reviewed_on"


def data_reviewed_on(opa_url: str | None = None) -> str:
    """The day the legal data of the bundle that answers was last reviewed."""
    return str(client_for(opa_url).query(REVIEWED_PATH, {})["result"])


def review_note(reviewed_on: str, date: str) -> str:
    """How old the legal data is on `date`, and what that means for it."""
    days = (datetime.date.fromisoformat(date) - datetime.date.fromisoformat(reviewed_on)).days
    if days <= 0:
        return f"Legal data reviewed on {reviewed_on}."
    plural = "" if days == 1 else "s"
    return (
        f"Legal data reviewed on {reviewed_on}, {days} day{plural} before {date}: "
        "measures published after the review are not covered."
    )


@dataclass(frozen=True)
class ProvisionList:
    """What `exportctl provisions` shows: the provisions, their status on a day, and how old
    the legal data is on it."""

    rows: list[Provision]
    day: str
    """The day of the status, YYYY-MM-DD."""
    note: str
    """How old the legal data is on `day` (`review_note`)."""

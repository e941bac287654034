"""Temporal sweep: fixed transactions decided on every boundary date of the bundle, ± 1 day.

The boundary dates are read from the bundle's own instrument records
(`policies/exportctl/instruments/*/data.json`): each clause's `effective_from` and
`effective_until`, each suspension's `from` and `through` (the last suspended day, so the clause
applies again the day after), and each repeal's `from`. Every (transaction, date) pair is decided
by the real OPA sidecar of the session. The clause calendar is then recomputed here,
independently of the Rego, and the decisions are checked against it:

- a decision is always defined, echoes the transaction and validates against the decision schema;
- a provision that matched an item on some date is, on every date, in exactly one of `reasons`,
  `not_applied` or `missing_facts` for that item (no gap, no overlap);
- between two consecutive sweep dates with no boundary between them, nothing changes;
- a provision is in `reasons` exactly on the dates its clause is in force (half-open
  [effective_from, effective_until), suspensions inclusive of `through`, repeals from their day);
  No. 61's licensing-policy clauses and its exemption (Arts. 2-4, the humanitarian statement)
  attach to a No. 61 Art. 1 requirement, so they also need one in force for the same item;
- `not_applied[].would_apply_from` is the first later day on which the clause is in force;
- a Part II item made abroad carries its `de_minimis` computation on every date, in force or not.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exportctl import OpaClient

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENTS_DIR = ROOT / "policies" / "exportctl" / "instruments"

Date = dt.date
Decision = dict[str, Any]
Pair = tuple[str, str]  # (provision, item)


# --- the clause calendar, recomputed from the bundle's data -------------------


def _day(text: str) -> Date:
    return dt.date.fromisoformat(text)


def load_instruments() -> dict[str, dict[str, Any]]:
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(INSTRUMENTS_DIR.glob("*/data.json"))
    }


class Calendar:
    """Each clause's window, suspensions and repeals, as the instrument records state them."""

    def __init__(self, instruments: dict[str, dict[str, Any]]) -> None:
        self.clauses: dict[str, dict[str, Any]] = {
            f"{iid}/{name}": clause
            for iid, record in instruments.items()
            for name, clause in (record.get("clauses") or {}).items()
        }
        # ref -> [(first suspended day, last suspended day or None)]
        self.suspensions: dict[str, list[tuple[Date, Date | None]]] = defaultdict(list)
        # ref -> [first day no longer in force]
        self.repeals: dict[str, list[Date]] = defaultdict(list)
        for record in instruments.values():
            for s in record.get("suspends") or []:
                through = _day(s["through"]) if s.get("through") else None
                for ref in self._named(instruments, s):
                    self.suspensions[ref].append((_day(s["from"]), through))
            for r in record.get("repeals") or []:
                for ref in self._named(instruments, r):
                    self.repeals[ref].append(_day(r["from"]))

    @staticmethod
    def _named(instruments: dict[str, dict[str, Any]], measure: dict[str, Any]) -> list[str]:
        target = instruments.get(measure["instrument"], {})
        names = measure.get("clauses") or list((target.get("clauses") or {}).keys())
        return [f"{measure['instrument']}/{name}" for name in names]

    def boundaries(self) -> set[Date]:
        """Days on which some clause's status may differ from the day before."""
        days: set[Date] = set()
        for ref, clause in self.clauses.items():
            days.add(_day(clause["effective_from"]))
            if clause.get("effective_until"):
                days.add(_day(clause["effective_until"]))
            for start, through in self.suspensions.get(ref, []):
                days.add(start)
                if through is not None:
                    days.add(through + dt.timedelta(days=1))
            days.update(self.repeals.get(ref, []))
        return days

    def sweep_dates(self) -> list[Date]:
        one = dt.timedelta(days=1)
        return sorted({d + k * one for d in self.boundaries() for k in (-1, 0, 1)})

    def in_force(self, ref: str, day: Date) -> bool:
        clause = self.clauses[ref]
        if day < _day(clause["effective_from"]):
            return False
        if clause.get("effective_until") and day >= _day(clause["effective_until"]):
            return False
        if any(day >= start for start in self.repeals.get(ref, [])):
            return False
        return not any(
            start <= day and (through is None or day <= through)
            for start, through in self.suspensions.get(ref, [])
        )

    def resumes(self, ref: str, day: Date) -> Date | None:
        """The first day after `day` on which the clause is in force, if any is known."""
        candidates = {_day(self.clauses[ref]["effective_from"])}
        candidates |= {
            through + dt.timedelta(days=1)
            for _, through in self.suspensions.get(ref, [])
            if through is not None
        }
        later = sorted(c for c in candidates if c > day and self.in_force(ref, c))
        return later[0] if later else None


CALENDAR = Calendar(load_instruments())
BOUNDARIES = CALENDAR.boundaries()
DATES = CALENDAR.sweep_dates()

# --- the fixed transactions, one or more per provision family ----------------

_CN = {"name": "Ningbo Example Magnetics Co.", "country": "CN"}


def _usd(amount: float) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


def _party(role: str, name: str, country: str, military: bool = False) -> dict[str, Any]:
    return {"role": role, "name": name, "country": country, "military": military}


_TB_OXIDE_CN = {
    "id": "1",
    "description": "Terbium oxide, Chinese origin",
    "control_code": "1C904.b",
    "material": {"elements": ["Tb", "O"], "form": "oxide"},
    "origin": "CN",
    "value": _usd(90000),
}

TRANSACTIONS: dict[str, dict[str, Any]] = {
    # No. 18: exports from China of the listed medium and heavy rare earths.
    "no18-tb-oxide": {
        "transferor": _CN,
        "destination": "DE",
        "parties": [_party("end_user", "Beispiel Leuchtstoffe GmbH", "DE")],
        "end_use": {"categories": ["civil"]},
        "items": [dict(_TB_OXIDE_CN)],
    },
    # FAQ No. 5: a deep-processed rotor assembly.
    "faq5-rotor": {
        "transferor": _CN,
        "destination": "DE",
        "end_use": {"categories": ["civil"]},
        "items": [
            {
                "id": "1",
                "description": "Rotor assembly with Dy-NdFeB magnets",
                "category": "rotor_stator_assembly",
                "material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"},
                "origin": "CN",
                "value": _usd(900),
            }
        ],
    },
    # No. 61 Art. 1(1) content, Art. 1(2) technology, Art. 2 military user, Art. 4 military AI.
    "no61-content-technology-policy": {
        "transferor": {"name": "Example Magnet Korea Co.", "country": "KR"},
        "destination": "DE",
        "parties": [_party("consignee", "Example Wehrtechnik GmbH", "DE", military=True)],
        "end_use": {"categories": ["military_ai"]},
        "items": [
            {
                "id": "1",
                "description": "Korea-made Tb-NdFeB magnet",
                "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"},
                "origin": "KR",
                "produced_with_cn_technologies": ["magnet_manufacturing"],
                "value": _usd(1000),
                "bom": [
                    {
                        "id": "1.1",
                        "material": {"elements": ["Tb"], "form": "metal"},
                        "origin": "CN",
                        "value": _usd(2),
                    }
                ],
            }
        ],
    },
    # No. 61 Art. 1(3) origin and Art. 3 WMD end use.
    "no61-origin-wmd": {
        "transferor": {"name": "Example Trading K.K.", "country": "JP"},
        "destination": "IN",
        "end_use": {"categories": ["wmd"]},
        "items": [dict(_TB_OXIDE_CN)],
    },
    # No. 61 humanitarian exemption.
    "no61-humanitarian": {
        "transferor": {"name": "Example Trading K.K.", "country": "JP"},
        "destination": "IN",
        "end_use": {"categories": ["disaster_relief"]},
        "items": [dict(_TB_OXIDE_CN)],
    },
    # Control list (listing of 2026-06-22), with No. 61 Arts. 1(3) and 2.
    "control-list": {
        "transferor": {"name": "Example Metals Trading Sdn. Bhd.", "country": "MY"},
        "destination": "US",
        "parties": [_party("end_user", "MP Materials", "US", military=True)],
        "end_use": {"categories": ["civil"]},
        "items": [
            {
                "id": "1",
                "description": "Dysprosium oxide, Chinese origin",
                "material": {"elements": ["Dy", "O"], "form": "oxide"},
                "origin": "CN",
                "value": _usd(40000),
            }
        ],
    },
    # No. 1 of 2026 (Japan) with No. 18.
    "japan-military": {
        "transferor": _CN,
        "destination": "JP",
        "parties": [_party("end_user", "Example Ground Systems Co.", "JP", military=True)],
        "end_use": {"categories": ["military"]},
        "items": [
            {
                "id": "1",
                "description": "Dy-NdFeB magnets",
                "material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"},
                "origin": "CN",
                "value": _usd(60000),
            }
        ],
    },
    # Ga/Ge licence, No. 46 clauses 1 and 2 (and No. 72's suspension of clause 2).
    "us-gallium-military": {
        "transferor": _CN,
        "destination": "US",
        "parties": [_party("end_user", "Example Army Research Laboratory", "US", military=True)],
        "end_use": {"categories": ["civil"]},
        "items": [
            {
                "id": "1",
                "description": "Gallium metal",
                "material": {"elements": ["Ga"], "form": "metal"},
                "origin": "CN",
                "value": _usd(25000),
            }
        ],
    },
    # Nos. 55, 56, 57, 58 and the antimony licence, one item each.
    "october-2025-announcements": {
        "transferor": _CN,
        "destination": "VN",
        "end_use": {"categories": ["civil"]},
        "items": [
            {
                "id": "ho",
                "description": "Holmium metal",
                "material": {"elements": ["Ho"], "form": "metal"},
                "origin": "CN",
                "value": _usd(7000),
            },
            {
                "id": "extractor",
                "description": "Centrifugal extractor",
                "control_code": "2B902.a",
                "origin": "CN",
                "value": _usd(350000),
            },
            {
                "id": "cells",
                "description": "Li-ion cells, 310 Wh/kg",
                "category": "lithium_battery_300whkg",
                "material": {"elements": ["Li", "Ni", "Mn", "Co", "C"], "form": "other"},
                "origin": "CN",
                "value": _usd(80000),
            },
            {
                "id": "diamond",
                "description": "Synthetic diamond micropowder",
                "category": "superhard_material",
                "material": {"elements": ["C"], "form": "other"},
                "origin": "CN",
                "value": _usd(5000),
            },
            {
                "id": "sb",
                "description": "Antimony ingots",
                "material": {"elements": ["Sb"], "form": "metal"},
                "origin": "CN",
                "value": _usd(9000),
            },
        ],
    },
    # No. 62 and the Technology Catalogue.
    "no62-technology": {
        "transferor": _CN,
        "destination": "MX",
        "end_use": {"categories": ["civil"]},
        "items": [
            {
                "id": "1",
                "kind": "technology",
                "description": "Rare-earth recycling process know-how",
                "control_code": "1E902.a",
                "technology_areas": ["recycling"],
                "origin": "CN",
            }
        ],
    },
    # A fact missing while No. 61 Art. 1(2) is in force.
    "no61-technology-unknown": {
        "transferor": {"name": "Example Magnet Vietnam Co.", "country": "VN"},
        "destination": "FR",
        "items": [
            {
                "id": "1",
                "description": "Vietnam-made Tb-NdFeB magnet",
                "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"},
                "origin": "VN",
                "value": _usd(120000),
                "bom": [
                    {
                        "id": "1.1",
                        "material": {"elements": ["Tb"], "form": "metal"},
                        "origin": "AU",
                        "value": _usd(3000),
                    }
                ],
            }
        ],
    },
}

# Items whose No. 61 content computation must be reported on every date.
DE_MINIMIS_ITEMS = {("no61-content-technology-policy", "1"), ("no61-technology-unknown", "1")}

# No. 61's licensing-policy clauses and exemption attach to an Art. 1 requirement for the same item.
NO61_LIMBS = {
    "mofcom_2025_061/content_rule",
    "mofcom_2025_061/technology_rule",
    "mofcom_2025_061/origin_rule",
}
NO61_ATTACHED = {
    "mofcom_2025_061/end_users",
    "mofcom_2025_061/end_uses",
    "mofcom_2025_061/case_by_case",
    "mofcom_2025_061/humanitarian",
}

NAMES = sorted(TRANSACTIONS)


def transaction(name: str, day: Date) -> dict[str, Any]:
    tx = copy.deepcopy(TRANSACTIONS[name])
    return {"id": f"{name}@{day.isoformat()}", "date": day.isoformat(), **tx}


# --- deciding every pair, in parallel through the session's OPA --------------


@pytest.fixture(scope="module")
def sweep(opa_url: str) -> dict[tuple[str, Date], Decision]:
    local = threading.local()

    def decide(key: tuple[str, Date]) -> tuple[tuple[str, Date], Decision]:
        if not hasattr(local, "client"):
            local.client = OpaClient(opa_url)
        return key, dict(local.client.decide(transaction(*key)).raw)

    keys = [(name, day) for name in NAMES for day in DATES]
    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(pool.map(decide, keys))


# --- helpers -------------------------------------------------------------------


def _ranges(days: Iterable[Date]) -> str:
    """2025-11-07..2026-11-10, 2026-11-12 style summary of sweep dates."""
    ordered = sorted(days)
    if not ordered:
        return "-"
    index = {d: i for i, d in enumerate(DATES)}
    parts, start, prev = [], ordered[0], ordered[0]
    for d in ordered[1:]:
        if index[d] != index[prev] + 1:
            parts.append(start.isoformat() if start == prev else f"{start}..{prev}")
            start = d
        prev = d
    parts.append(start.isoformat() if start == prev else f"{start}..{prev}")
    return ", ".join(parts)


def _pairs(entries: Iterable[dict[str, Any]]) -> set[Pair]:
    return {(e["provision"], e["item"]) for e in entries}


def _matched_pairs(sweep: dict[tuple[str, Date], Decision], name: str) -> set[Pair]:
    """Provision/item pairs that matched the facts on some date (fired, or deferred)."""
    found: set[Pair] = set()
    for day in DATES:
        decision = sweep[(name, day)]
        found |= _pairs(decision["reasons"]) | _pairs(decision["not_applied"])
    return found


def _no61_requirement(decision: Decision, item: str) -> bool:
    return any(r["provision"] in NO61_LIMBS and r["item"] == item for r in decision["reasons"])


def _between(d1: Date, d2: Date) -> bool:
    """True when a boundary lies in (d1, d2]: the status may change from d1 to d2."""
    return any(d1 < b <= d2 for b in BOUNDARIES)


def _signature(decision: Decision) -> tuple[Any, ...]:
    return (
        decision["outcome"],
        decision.get("licensing_policy"),
        tuple((i["id"], i["outcome"]) for i in decision["items"]),
        tuple(sorted((r["provision"], r["item"], r["outcome"]) for r in decision["reasons"])),
        tuple(sorted(_pairs(decision["not_applied"]))),
        tuple(sorted((m["item"], m["field"]) for m in decision["missing_facts"])),
    )


# --- the tests -------------------------------------------------------------------


def test_sweep_dates_come_from_the_bundle() -> None:
    """The sweep covers the dates the law turns on, read from data, not typed here."""
    for day in ("2025-04-04", "2025-10-09", "2025-11-07", "2025-12-01", "2026-11-11"):
        assert _day(day) in BOUNDARIES, f"{day} is not a boundary in the instrument records"
    assert len(DATES) >= 3 * 5


def test_every_decision_is_defined_and_valid(
    sweep: dict[tuple[str, Date], Decision], decision_schema: Draft202012Validator
) -> None:
    problems = []
    for (name, day), decision in sorted(sweep.items()):
        tx = transaction(name, day)
        errors = [f"{e.json_path}: {e.message}" for e in decision_schema.iter_errors(decision)]
        if errors:
            problems.append(f"{name} on {day}: {errors[:3]}")
        elif (
            decision["transaction_id"] != tx["id"]
            or decision["date"] != tx["date"]
            or [i["id"] for i in decision["items"]] != [i["id"] for i in tx["items"]]
        ):
            problems.append(f"{name} on {day}: id, date or items not echoed")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_matched_provision_is_in_exactly_one_place(
    sweep: dict[tuple[str, Date], Decision], name: str
) -> None:
    """Once a provision has matched an item on some date, on every date it is a reason, not
    applied, or asking for a missing fact for that item: never two of these, never none."""
    gaps: dict[Pair, list[Date]] = defaultdict(list)
    overlaps: dict[Pair, list[Date]] = defaultdict(list)
    for pair in sorted(_matched_pairs(sweep, name)):
        for day in DATES:
            decision = sweep[(name, day)]
            places = [
                pair in _pairs(decision["reasons"]),
                pair in _pairs(decision["not_applied"]),
                pair in {(m.get("provision"), m["item"]) for m in decision["missing_facts"]},
            ]
            if sum(places) == 0:
                gaps[pair].append(day)
            elif sum(places) > 1:
                overlaps[pair].append(day)
    report = [f"gap     {p} / item {i}: {_ranges(ds)}" for (p, i), ds in sorted(gaps.items())]
    report += [f"overlap {p} / item {i}: {_ranges(ds)}" for (p, i), ds in sorted(overlaps.items())]
    assert report == [], f"{name}:\n" + "\n".join(report)


@pytest.mark.parametrize("name", NAMES)
def test_nothing_changes_between_boundaries(
    sweep: dict[tuple[str, Date], Decision], name: str
) -> None:
    changes = []
    for d1, d2 in zip(DATES, DATES[1:], strict=False):
        if _between(d1, d2):
            continue
        before, after = _signature(sweep[(name, d1)]), _signature(sweep[(name, d2)])
        if before != after:
            changes.append(f"{d1} -> {d2}: {before} != {after}")
    assert changes == [], f"{name}: the decision changed where no boundary lies:\n" + "\n".join(
        changes
    )


@pytest.mark.parametrize("name", NAMES)
def test_reasons_follow_the_clause_windows(
    sweep: dict[tuple[str, Date], Decision], name: str
) -> None:
    """A provision is in `reasons` exactly on the dates its clause is in force (for No. 61's
    attached clauses: and an Art. 1 requirement is in force for the item); in `not_applied` only
    on dates it does not apply, with would_apply_from the first later day its clause is in force."""
    triples: set[tuple[str, str, str]] = set()
    for day in DATES:
        decision = sweep[(name, day)]
        for entry in decision["reasons"] + decision["not_applied"]:
            triples.add((entry["provision"], entry["item"], entry["clause"]))
    assert triples or name == "no61-technology-unknown", f"{name}: nothing matched on any date"

    problems = []
    for provision, item, ref in sorted(triples):
        assert ref in CALENDAR.clauses, f"{provision} cites {ref}, which no instrument record has"
        wrong_in, wrong_out, wrong_deferred, wrong_from = [], [], [], []
        for day in DATES:
            decision = sweep[(name, day)]
            in_force = CALENDAR.in_force(ref, day)
            expected = in_force and (
                provision not in NO61_ATTACHED or _no61_requirement(decision, item)
            )
            fired = any(
                (r["provision"], r["item"], r["clause"]) == (provision, item, ref)
                for r in decision["reasons"]
            )
            deferred = [
                n
                for n in decision["not_applied"]
                if (n["provision"], n["item"], n["clause"]) == (provision, item, ref)
            ]
            if fired and not expected:
                wrong_in.append(day)
            if expected and not fired:
                wrong_out.append(day)
            if deferred and expected:
                wrong_deferred.append(day)
            resumes = CALENDAR.resumes(ref, day)
            # An attached clause in force waits for the requirement it qualifies: its
            # would_apply_from is that requirement's, checked with the requirement itself.
            for n in deferred if not in_force else []:
                got = n.get("would_apply_from")
                want = resumes.isoformat() if resumes else None
                if got != want:
                    wrong_from.append(f"{day}: {got} (expected {want})")
        for label, days in (
            ("in reasons while its clause is not in force", wrong_in),
            ("missing from reasons while its clause is in force", wrong_out),
            ("in not_applied while it applies", wrong_deferred),
        ):
            if days:
                problems.append(f"{provision} / item {item} ({ref}) {label}: {_ranges(days)}")
        if wrong_from:
            problems.append(
                f"{provision} / item {item} ({ref}) would_apply_from wrong on "
                + "; ".join(wrong_from[:5])
            )
    assert problems == [], f"{name}:\n" + "\n".join(problems)


def test_de_minimis_is_reported_on_every_date(sweep: dict[tuple[str, Date], Decision]) -> None:
    """The content rule's computation is reported whenever it was computed: in force, not yet in
    force or suspended alike, and it does not depend on the date."""
    problems = []
    for name, item_id in sorted(DE_MINIMIS_ITEMS):
        seen = set()
        for day in DATES:
            item = next(i for i in sweep[(name, day)]["items"] if i["id"] == item_id)
            if "de_minimis" not in item:
                problems.append(f"{name} item {item_id}: no de_minimis on {day}")
            else:
                seen.add(json.dumps(item["de_minimis"], sort_keys=True))
        if len(seen) > 1:
            problems.append(f"{name} item {item_id}: de_minimis differs between dates: {seen}")
    assert problems == [], "\n".join(problems)

"""`exportctl timeline`: every instrument's life on one axis, in the terminal and as SVG."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from exportctl._cli import app
from exportctl._client import OpaClient
from exportctl._docs import README, TIMELINE_SVG, timeline_svg
from exportctl._render.timeline import render_svg
from exportctl._timeline import TIMELINE_PATH, build_timeline

EXPORTCTL = Path(sys.executable).with_name("exportctl")
SVG = "{http://www.w3.org/2000/svg}"
runner = CliRunner()


@pytest.fixture(scope="module")
def calendar(opa_url: str) -> dict[str, Any]:
    """The bundle's `data.exportctl.calendar.timeline`, as OPA evaluates it."""
    result: dict[str, Any] = OpaClient(opa_url).query(TIMELINE_PATH, {})["result"]
    return result


def clause_refs(calendar: dict[str, Any]) -> set[str]:
    return {f"{i}/{c}" for i, record in calendar.items() for c in record["clauses"]}


def test_terminal_lists_every_instrument_and_clause(opa_url: str, calendar: dict[str, Any]) -> None:
    result = runner.invoke(app, ["timeline", "--opa-url", opa_url, "--width", "220"])

    assert result.exit_code == 0, result.output
    for record in calendar.values():
        assert f"{record['citation']} (published {record['published_on']})" in result.output
        for name in record["clauses"]:
            assert f"  {name}" in result.output
    assert "data reviewed 2026-11-28 ▼" in result.output
    assert "mofcom_2025_061/content_rule" in result.output
    assert "suspends Nos. 55–58, 61, 62 of 2025" in result.output
    for word in ("announced", "pending", "in force", "suspended", "unconfirmed"):
        assert word in result.output


def test_terminal_glyphs_follow_the_calendar(opa_url: str) -> None:
    result = runner.invoke(app, ["timeline", "--opa-url", opa_url, "--width", "120"])

    content_rule = next(line for line in result.output.splitlines() if "content_rule" in line)
    bar = content_rule.split("mofcom_2025_061/content_rule", 1)[1].strip()
    # Announced, (pending), suspended for a year, then in force again, unconfirmed.
    assert bar.startswith("◆")
    assert "░" * 10 in bar
    assert bar.endswith("▓")
    assert "█" not in bar


def test_terminal_as_a_process(opa_url: str) -> None:
    done = subprocess.run(
        [str(EXPORTCTL), "timeline", "--width", "100"],
        env={**os.environ, "EXPORTCTL_OPA_URL": opa_url},
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "MOFCOM Announcement No. 61 of 2025" in done.stdout
    assert all(len(line) <= 100 for line in done.stdout.splitlines()[:-3])


def test_svg_is_well_formed_with_one_row_per_clause(
    opa_url: str, calendar: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "timeline.svg"
    result = runner.invoke(app, ["timeline", "--opa-url", opa_url, "--svg", str(out)])

    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    groups = list(root.iter(f"{SVG}g"))
    rows = [g for g in groups if g.get("class") == "row clause"]
    assert sorted(str(g.get("data-ref")) for g in rows) == sorted(clause_refs(calendar))
    instruments = {g.get("data-id") for g in groups if g.get("class") == "instrument"}
    assert instruments == set(calendar)
    # Instruments without clauses of their own get a row for what they impose on others.
    measures = {g.get("data-ref") for g in groups if g.get("class") == "row measures"}
    assert "mofcom_gac_2025_070" in measures
    assert any(g.get("class") == "legend" for g in groups)
    assert len([e for e in root.iter(f"{SVG}line") if e.get("class") == "review"]) == 1
    texts = "".join(root.itertext())
    assert "data reviewed 2026-11-28" in texts
    assert "2024" in texts and "Apr" in texts


def test_svg_to_standard_output_is_deterministic(opa_url: str) -> None:
    first = runner.invoke(app, ["timeline", "--opa-url", opa_url, "--svg", "-"])
    second = runner.invoke(app, ["timeline", "--opa-url", opa_url, "--svg", "-"])

    assert first.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout.startswith("<?xml")


def test_docs_timeline_svg_is_current(opa_url: str) -> None:
    assert TIMELINE_SVG.read_text(encoding="utf-8") == timeline_svg(opa_url), (
        "docs/timeline.svg is stale: run `make docs`"
    )


def test_readme_embeds_the_timeline() -> None:
    assert "![timeline](docs/timeline.svg)" in README.read_text(encoding="utf-8")


def test_unwritable_svg_is_a_usage_error(opa_url: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["timeline", "--opa-url", opa_url, "--svg", str(tmp_path / "no" / "such.svg")]
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("exportctl: error: cannot write")


def test_unreachable_engine_exits_3(unused_url: str) -> None:
    result = runner.invoke(app, ["timeline", "--opa-url", unused_url])

    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1


# A synthetic calendar: spans that lapse, spans with no end, and an instrument that only imposes.
SYNTHETIC = {
    "law": {
        "citation": "Law No. 1 of 2030",
        "title": "The Law",
        "published_on": "2030-01-15",
        "imposes": [],
        "clauses": {
            "one": {
                "article": "Art. 1",
                "effective_from": "2030-02-01",
                "segments": [
                    {"from": "2030-01-15", "until": "2030-02-01", "state": "not_yet_in_force"},
                    {"from": "2030-02-01", "until": "2030-06-01", "state": "in_force"},
                    {"from": "2030-06-01", "state": "lapsed", "because": "repealed"},
                ],
            }
        },
    },
    "pause": {
        "citation": "Pause No. 2 of 2030",
        "title": "The Pause",
        "published_on": "2030-03-01",
        "clauses": {},
        "imposes": [
            {
                "kind": "suspension",
                "target": "Law No. 1 of 2030",
                "from": "2030-03-01",
                "until": "2030-04-01",
            },
            {"kind": "repeal", "target": "Law No. 3 of 2029", "from": "2030-05-01"},
        ],
    },
}


def test_build_timeline_from_a_synthetic_calendar() -> None:
    timeline = build_timeline(SYNTHETIC, datetime.date(2030, 5, 15), {"law/one": ["X-1"]})

    assert [i.id for i in timeline.instruments] == ["law", "pause"]
    assert timeline.start == datetime.date(2030, 1, 1)
    assert timeline.end > datetime.date(2030, 6, 1)
    law_row = timeline.instruments[0].rows[0]
    assert law_row.provisions == ("X-1",)
    assert [s.kind for s in law_row.spans] == ["pending", "in_force", "lapsed"]
    assert law_row.spans[-1].until is None
    pause_row = timeline.instruments[1].rows[0]
    assert pause_row.clause is None
    assert pause_row.label == "suspends No. 1 of 2030; repeals No. 3 of 2029"
    assert [s.kind for s in pause_row.spans] == ["imposes", "imposes"]
    svg = render_svg(timeline)
    ET.fromstring(svg)
    assert svg == render_svg(timeline)
    assert 'data-ref="law/one"' in svg and 'data-ref="pause"' in svg

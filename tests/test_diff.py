"""`exportctl diff`: the decisions a policy change, or a change of day, changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from exportctl._cli import app
from exportctl._diff import Change, Summary, load_corpus

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "scenarios"
EXPORTCTL = Path(sys.executable).with_name("exportctl")
THRESHOLD_FILE = Path("policies/exportctl/instruments/mofcom_2025_061/data.json")
runner = CliRunner()

# Cases of the content rule (No. 61 Art. 1(1)) whose Chinese content lies between 0.1 % and 1 %.
BETWEEN_01_AND_1_PCT = [
    "no61_content/chinese-magnet-line-with-bom.json",
    "no61_content/exact-threshold-from-three-lines.json",
    "official_no61/s10-13-dy-exactly-0.1pct.json",
    "official_no61/s10-27-korean-magnet-0.5pct-tb.json",
]


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=exportctl tests",
            "-c",
            "user.email=tests@exportctl.invalid",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def threshold_clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A clone of the project whose last commit raises the No. 61 threshold from 0.1 % to 1 %."""
    clone = tmp_path_factory.mktemp("diff") / "exportctl"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=ROOT)
    path = clone / THRESHOLD_FILE
    record = orjson.loads(path.read_bytes())
    threshold = record["clauses"]["content_rule"]["threshold"]
    assert (threshold["numerator"], threshold["denominator"]) == (1, 1000)
    threshold.update(numerator=1, denominator=100, ratio=0.01)
    path.write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2) + b"\n")
    git("commit", "--quiet", "--all", "--message", "No. 61 content threshold 1 %", cwd=clone)
    yield clone
    shutil.rmtree(clone, ignore_errors=True)


def run_diff(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXPORTCTL), "diff", *args],
        cwd=clone,
        env={**os.environ, "EXPORTCTL_POLICIES": str(clone / "policies")},
        capture_output=True,
        text=True,
        check=False,
    )


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["changes"]}


def test_raising_the_threshold_flips_the_content_rule_cases(threshold_clone: Path) -> None:
    done = run_diff(threshold_clone, "--base", "HEAD~1", "--format", "json")

    assert done.returncode == 1, done.stderr
    report = orjson.loads(done.stdout)
    assert report["base"]["revision"] != report["head"]["revision"]
    assert report["total"] == len(load_corpus(threshold_clone / "tests" / "scenarios", ROOT))
    changes = by_name(report)
    for name in BETWEEN_01_AND_1_PCT:
        change = changes[name]
        assert change["outcome"] == {"base": "license_required", "head": "not_required"}, name
        assert {"provision": "mofcom_2025_061/content_rule", "item": "1"} in change["reasons"][
            "removed"
        ]
        assert change["reasons"]["added"] == []
        assert change["provisions"][0]["id"] == "mofcom_2025_061/content_rule"
        assert change["provisions"][0]["title"].startswith("Foreign-made magnets")
    # Below 0.1 % stays below 1 %; only No. 61 provisions are behind any change.
    assert "no61_content/just-below-threshold.json" not in changes
    behind = {p["id"] for c in report["changes"] for p in c["provisions"]}
    assert behind and all(p.startswith("mofcom_2025_061/") for p in behind)


def test_revision_diff_as_markdown_and_text(threshold_clone: Path) -> None:
    markdown = run_diff(threshold_clone, "--base", "HEAD~1", "-f", "markdown")
    text = run_diff(threshold_clone, "--base", "HEAD~1")

    assert markdown.returncode == text.returncode == 1
    assert markdown.stdout.startswith("## exportctl diff: HEAD~1 (")
    assert "| license_required → **not_required** |" in markdown.stdout
    assert "| `mofcom_2025_061/content_rule` | Foreign-made magnets" in markdown.stdout
    assert (
        "removed reason `mofcom_2025_061/content_rule` on item `1`: Foreign-made magnets"
        in markdown.stdout
    )
    assert "no61_content/chinese-magnet-line-with-bom.json" in text.stdout
    assert "outcome           license_required → not_required" in text.stdout
    assert (
        "- reason          mofcom_2025_061/content_rule on item 1: Foreign-made magnets"
        in text.stdout
    )


def test_no_change_exits_0(threshold_clone: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SCENARIOS / BETWEEN_01_AND_1_PCT[0], corpus / "case.json")
    done = run_diff(threshold_clone, "--base", "HEAD", "--corpus", str(corpus))

    assert done.returncode == 0, done.stderr
    assert "0 of 1 decisions changed" in done.stdout


def test_unknown_revision_is_a_usage_error(threshold_clone: Path) -> None:
    done = run_diff(threshold_clone, "--base", "no-such-revision")

    assert done.returncode == 2
    assert done.stderr.startswith("exportctl: error: --base no-such-revision: not a revision")
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_end_of_the_no_70_window_brings_no_61_back() -> None:
    result = runner.invoke(
        app, ["diff", "--date", "2026-11-10", "--date", "2026-11-11", "--format", "json"]
    )

    assert result.exit_code == 1, result.output
    report = orjson.loads(result.stdout)
    assert report["base"]["revision"] == report["head"]["revision"]
    came_back = [
        c
        for c in report["changes"]
        if {"provision": "mofcom_2025_061/content_rule", "item": "1"} in c["reasons"]["added"]
        and {"provision": "mofcom_2025_061/content_rule", "item": "1"}
        in c["not_applied"]["removed"]
    ]
    assert came_back
    for change in came_back:
        assert (change["base_date"], change["head_date"]) == ("2026-11-10", "2026-11-11")
    flipped = by_name(report)["no61_content/chinese-magnet-line-with-bom.json"]
    assert flipped["outcome"] == {"base": "not_required", "head": "license_required"}
    assert flipped["licensing_policy"] == {"base": None, "head": "standard"}
    # Measures outside No. 70 did not move across that night.
    behind = {p["id"] for c in report["changes"] for p in c["provisions"]}
    assert not behind & {
        "mofcom_gac_2025_018/items_licence",
        "state_council_2024_792/control_list",
        "mofcom_2024_046/ga_ge_sb_superhard",
    }


def test_date_diff_as_markdown(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "diff",
            "--date",
            "2026-11-10",
            "--date",
            "2026-11-11",
            "--corpus",
            str(SCENARIOS / "no61_content"),
            "-f",
            "markdown",
        ],
    )

    assert result.exit_code == 1, result.output
    out = result.stdout
    assert out.startswith("## exportctl diff: date 2026-11-10 → date 2026-11-11\n")
    assert "decisions changed**" in out
    assert "| transaction | date | outcome | licensing policy | provisions |" in out
    assert "| not_required → **license_required** |" in out
    assert "| `mofcom_2025_061/content_rule` | Foreign-made magnets" in out
    assert (
        "+`mofcom_2025_061/content_rule`, −`mofcom_2025_061/content_rule` (not applied)" in out
        or ("−`mofcom_2025_061/content_rule` (not applied), +`mofcom_2025_061/content_rule`" in out)
    )
    assert "<details>" in out and out.rstrip().endswith("</details>")


def test_json_lines_corpus_and_no_change(tmp_path: Path) -> None:
    case = orjson.loads((SCENARIOS / BETWEEN_01_AND_1_PCT[0]).read_bytes())["transaction"]
    corpus = tmp_path / "orders.jsonl"
    corpus.write_bytes(
        orjson.dumps(case) + b"\n\n" + orjson.dumps({**case, "id": "second"}) + b"\n"
    )

    result = runner.invoke(
        app, ["diff", "--date", "2026-12-01", "--date", "2026-12-02", "--corpus", str(corpus)]
    )

    assert result.exit_code == 0, result.output
    assert "0 of 2 decisions changed" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either --base REV or --date A --date B"),
        (["--date", "2026-01-01"], "--date: give it exactly twice, got 1"),
        (["--base", "HEAD", "--date", "2026-01-01", "--date", "2026-01-02"], "give either"),
        (["--date", "2026-01-01", "--date", "2026-13-01"], "is not a date"),
        (["--date", "2026-01-01", "--date", "2026-01-02", "--corpus", "/no/such"], "no such file"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["diff", *args])

    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_transaction_in_the_corpus_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"id": "x", "date": "2026-01-01"}')

    result = runner.invoke(
        app, ["diff", "--date", "2026-01-01", "--date", "2026-01-02", "--corpus", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("exportctl: error: bad.json: invalid transaction:")


def test_engine_failure_exits_3(tmp_path: Path) -> None:
    corpus = tmp_path / "c.json"
    shutil.copy(SCENARIOS / BETWEEN_01_AND_1_PCT[0], corpus)

    result = runner.invoke(
        app,
        ["diff", "--date", "2026-01-01", "--date", "2026-01-02", "--corpus", str(corpus)],
        env={"OPA_BIN": "/bin/false"},
    )

    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 2  # progress, then the one-line error
    # The bundle may come from the cache, so the failing step is the build or OPA's start.
    error = result.stderr.splitlines()[-1]
    assert error.startswith("exportctl: error: ") and "opa" in error.lower(), error


def test_change_provisions_fall_back_to_the_changed_items() -> None:
    base = Summary(
        "license_required",
        "standard",
        (("1", "license_required"),),
        frozenset({("P-1", "1")}),
        frozenset(),
        frozenset(),
        frozenset(),
    )
    head = Summary(
        "license_required",
        "presumption_of_denial",
        (("1", "license_required"),),
        frozenset({("P-1", "1")}),
        frozenset(),
        frozenset(),
        frozenset(),
    )
    change = Change("x.json", "X", "2026-01-01", "2026-01-01", base, head)

    assert change.items == []
    assert change.provisions == ["P-1"]


def test_change_provisions_name_who_asks_for_a_new_missing_fact() -> None:
    def summary(asking: frozenset[tuple[str, str]]) -> Summary:
        facts = frozenset(("1", "category") for _ in asking)
        return Summary(
            "license_required",
            "standard",
            (("1", "license_required"),),
            frozenset({("P-1", "1")}),
            frozenset(),
            facts,
            asking,
        )

    change = Change(
        "x.json",
        "X",
        "2026-01-01",
        "2026-01-02",
        summary(frozenset()),
        summary(frozenset({("P-2", "1")})),
    )

    assert change.provisions == ["P-2"]

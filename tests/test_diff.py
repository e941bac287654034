"""`exportctl diff`: the decisions a policy change, or a change of day, changes."""

from __future__ import annotations

import dataclasses
import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from exportctl import decide
from exportctl._cli import app
from exportctl._diff import IGNORED, Change, DiffReport, Side, Summary, load_corpus
from exportctl._models import PolicyInfo
from exportctl._render.diff import COMMENT_LIMIT, render_comment
from exportctl._render.text import NOT_LEGAL_ADVICE

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
    # Below 0.1 % stays below 1 %: the same outcome, only the threshold the item shows moved.
    below = changes["no61_content/just-below-threshold.json"]
    assert below["outcome"] == {"base": "not_required", "head": "not_required"}
    assert [(d["part"], d["field"], d["base"], d["head"]) for d in below["differences"]] == [
        ("items", "de_minimis.threshold", 0.001, 0.01)
    ]
    # Only No. 61 provisions are behind any change.
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


# No. 70 of 2025 suspends No. 61 through 2026-11-10; the typo makes it 2027-11-10.
SUSPENSION_FILE = Path("policies/exportctl/instruments/mofcom_gac_2025_070/data.json")
NO61_CASES = sorted((SCENARIOS / "no61_content").glob("*.json"))


@pytest.fixture(scope="module")
def through_clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A clone of the project whose last commit changes one `through` date: No. 70's suspension
    of No. 61 ends on 2027-11-10 instead of 2026-11-10."""
    clone = tmp_path_factory.mktemp("through") / "exportctl"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=ROOT)
    path = clone / SUSPENSION_FILE
    record = orjson.loads(path.read_bytes())
    (suspension,) = [s for s in record["suspends"] if s["instrument"] == "mofcom_2025_061"]
    assert suspension["through"] == "2026-11-10"
    suspension["through"] = "2027-11-10"
    path.write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2) + b"\n")
    git("commit", "--quiet", "--all", "--message", "No. 70 through 2027-11-10 (a typo)", cwd=clone)
    yield clone
    shutil.rmtree(clone, ignore_errors=True)


def no61_corpus(path: Path, date: str, count: int) -> Path:
    """`count` transactions of the No. 61 content cases dated `date`, ids made unique, as JSON
    Lines."""
    cases = [orjson.loads(p.read_bytes())["transaction"] for p in NO61_CASES]
    lines = [
        orjson.dumps({**case, "id": f"{case['id']}-{n}", "date": date})
        for n, case in zip(range(count), itertools.cycle(cases), strict=False)
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_a_changed_through_date_changes_decisions_inside_the_window(
    through_clone: Path, tmp_path: Path
) -> None:
    # Dated inside the suspension: the outcome, the reasons and the provisions that did not
    # apply are the same on both sides; only when No. 61 applies again moved.
    corpus = no61_corpus(tmp_path / "june.jsonl", "2026-06-01", len(NO61_CASES))
    done = run_diff(through_clone, "--base", "HEAD~1", "--corpus", str(corpus), "-f", "json")

    assert done.returncode == 1, done.stderr
    report = orjson.loads(done.stdout)
    assert report["changed"] > 0
    for change in report["changes"]:
        assert change["outcome"]["base"] == change["outcome"]["head"]
        for part in ("reasons", "not_applied", "missing_facts"):
            assert change[part] == {"added": [], "removed": []}
        fields = {(d["part"], d["kind"], d["field"]) for d in change["differences"]}
        assert fields == {
            ("not_applied", "changed", "because"),
            ("not_applied", "changed", "would_apply_from"),
        }, change["name"]
        for difference in change["differences"]:
            assert difference["key"][0].startswith("mofcom_2025_061/")
            if difference["field"] == "would_apply_from":
                assert (difference["base"], difference["head"]) == ("2026-11-11", "2027-11-11")
            else:
                assert "through 2026-11-10" in difference["base"]
                assert "through 2027-11-10" in difference["head"]
    assert "june.jsonl:1" in by_name(report)  # the Chinese magnet line with its BOM
    # The text report shows the moved day.
    text = run_diff(through_clone, "--base", "HEAD~1", "--corpus", str(corpus))
    assert "~ not applied     mofcom_2025_061/content_rule on item 1: would_apply_from  " in (
        text.stdout
    )
    assert "2026-11-11 → 2027-11-11" in text.stdout


def test_the_markdown_of_500_changed_decisions_fits_a_comment(
    through_clone: Path, tmp_path: Path
) -> None:
    # Dated after 2026-11-10, the content cases that need a licence on main no longer do.
    cases = [
        orjson.loads(p.read_bytes())
        for p in NO61_CASES
        if orjson.loads(p.read_bytes())["expect"]["outcome"] == "license_required"
    ]
    corpus = tmp_path / "orders.jsonl"
    corpus.write_bytes(
        b"".join(
            orjson.dumps({**case["transaction"], "id": f"{case['transaction']['id']}-{n}"}) + b"\n"
            for n, case in zip(range(500), itertools.cycle(cases), strict=False)
        )
    )
    full = tmp_path / "full report.md"
    done = run_diff(
        through_clone,
        "--base",
        "HEAD~1",
        "--corpus",
        str(corpus),
        "--format",
        "markdown",
        "--report",
        str(full),
    )

    assert done.returncode == 1, done.stderr
    comment = done.stdout
    assert len(comment) < COMMENT_LIMIT and len(comment.encode()) < COMMENT_LIMIT
    assert "**500 of 500 decisions changed**, 500 of them in outcome." in comment
    assert (
        "| `mofcom_2025_061/content_rule` | Foreign-made magnets and targets with 0.1 % or more "
        "Chinese-origin rare-earth content need a licence | license_required → **not_required** |"
    ) in comment
    shown = comment.count("\n#### `orders.jsonl:")
    assert 0 < shown <= 50
    assert f"<details><summary>The first {shown} of 500 changed decisions" in comment
    assert f"_{500 - shown} more changed decisions are left out here: see the full report._" in (
        comment
    )
    assert f"The full report, every changed decision: `{full}`." in comment
    assert comment.endswith(f"\n_{NOT_LEGAL_ADVICE}_\n")
    report = full.read_text(encoding="utf-8")
    assert report.count("\n#### `orders.jsonl:") == 500
    assert "left out" not in report
    assert report.endswith(f"\n_{NOT_LEGAL_ADVICE}_\n")


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
    assert "| provision | title | outcome | decisions |" in out
    assert "| not_required → **license_required** |" in out
    assert "| `mofcom_2025_061/content_rule` | Foreign-made magnets" in out
    flipped = out.split("#### `chinese-magnet-line-with-bom.json`")[1].split("####")[0]
    assert "- outcome: not_required → **license_required**" in flipped
    assert "- added reason `mofcom_2025_061/content_rule` on item `1`: Foreign-made" in flipped
    assert "- removed not applied `mofcom_2025_061/content_rule` on item `1`" in flipped
    assert "<details><summary>Every changed decision" in out and "</details>" in out
    assert out.endswith(f"_{NOT_LEGAL_ADVICE}_\n")


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


def summary(
    policy: str,
    reasons: Mapping[tuple[str, str], Any],
    missing_facts: Mapping[tuple[str, str, str], Any] | None = None,
) -> Summary:
    """A summary of a decision with item 1, license_required, and these entries."""
    keyed_reasons: dict[tuple[str, ...], Any] = dict(reasons.items())
    keyed_facts: dict[tuple[str, ...], Any] = dict((missing_facts or {}).items())
    return Summary(
        "license_required",
        policy,
        {
            "items": {("1",): {"id": "1", "outcome": "license_required"}},
            "reasons": keyed_reasons,
            "not_applied": {},
            "missing_facts": keyed_facts,
            "warnings": {},
            "other": {},
        },
    )


def test_change_provisions_fall_back_to_the_changed_items() -> None:
    reason = {("P-1", "1"): {"provision": "P-1", "item": "1"}}
    change = Change(
        "x.json",
        "X",
        "2026-01-01",
        "2026-01-01",
        summary("standard", reason),
        summary("presumption_of_denial", reason),
    )

    assert change.items == []
    assert change.provisions == ["P-1"]
    assert [(d.part, d.kind, d.base, d.head) for d in change.differences] == [
        ("licensing_policy", "changed", "standard", "presumption_of_denial")
    ]


def test_change_provisions_name_who_asks_for_a_new_missing_fact() -> None:
    reason = {("P-1", "1"): {"provision": "P-1", "item": "1"}}
    fact = {"item": "1", "field": "category", "why": "…", "provision": "P-2"}
    change = Change(
        "x.json",
        "X",
        "2026-01-01",
        "2026-01-02",
        summary("standard", reason),
        summary("standard", reason, {("1", "category", "P-2"): fact}),
    )

    assert change.provisions == ["P-2"]
    assert change.added("missing_facts") == [("1", "category", "P-2")]


def test_a_changed_field_of_an_entry_is_a_difference_naming_the_field() -> None:
    before = {"provision": "P-1", "item": "1", "facts": {"destination": "DE", "value": 3}}
    after = {"provision": "P-1", "item": "1", "facts": {"destination": "VN", "value": 3}}
    change = Change(
        "x.json",
        "X",
        "2026-01-01",
        "2026-01-01",
        summary("standard", {("P-1", "1"): before}),
        summary("standard", {("P-1", "1"): after}),
    )

    assert [(d.part, d.key, d.kind, d.field, d.base, d.head) for d in change.differences] == [
        ("reasons", ("P-1", "1"), "changed", "facts.destination", "DE", "VN")
    ]
    assert change.provisions == ["P-1"]


def test_what_differs_on_every_run_is_not_compared(opa_url: str) -> None:
    transaction = orjson.loads((SCENARIOS / BETWEEN_01_AND_1_PCT[0]).read_bytes())["transaction"]
    first, second = decide(transaction, opa_url), decide(transaction, opa_url)
    assert first.audit is not None and second.audit is not None
    assert first.audit.decision_id != second.audit.decision_id
    elsewhere = dataclasses.replace(
        second, policy=PolicyInfo(revision="sha256:0000000000000000", data_reviewed_on="2000-01-01")
    )

    assert {"policy", "audit"} <= set(IGNORED)
    assert Summary.of(first) == Summary.of(elsewhere)
    # Anything else counts: a warning, a reason's facts.
    warned = dataclasses.replace(second, warnings=(*second.warnings, "one more"))
    reason = dataclasses.replace(second.reasons[0], facts={**second.reasons[0].facts, "x": 1})
    refacted = dataclasses.replace(second, reasons=(reason, *second.reasons[1:]))
    assert Summary.of(first) != Summary.of(warned)
    assert Summary.of(first) != Summary.of(refacted)
    change = Change("x", "x", first.date, first.date, Summary.of(first), Summary.of(refacted))
    assert [(d.part, d.field, d.base, d.head) for d in change.differences] == [
        ("reasons", "facts.x", None, 1)
    ]


def test_the_comment_stays_under_the_limit_whatever_the_report() -> None:
    # Made up to be as big as can be: thousands of changes with long names, one with thousands
    # of differences, long values, a long link.
    def side(outcome: str, warnings: int, value: str) -> Summary:
        return Summary(
            outcome,
            None,
            {
                "items": {("1",): {"id": "1", "outcome": outcome}},
                "reasons": {
                    (f"P-{n}", "1"): {"provision": f"P-{n}", "facts": {"x": value}}
                    for n in range(5)
                },
                "not_applied": {},
                "missing_facts": {},
                "warnings": {(f"{value} {n}",): f"{value} {n}" for n in range(warnings)},
                "other": {},
            },
        )

    huge = Change(
        "big.json",
        "BIG",
        "2026-01-01",
        "2026-01-01",
        side("exempt", 0, "a"),
        side("prohibited", 5000, "<b>|" * 500),
    )
    changes = [huge] + [
        Change(
            "x" * 300 + f"{n}.json",
            f"T-{n}",
            "2026-01-01",
            "2026-01-02",
            side("not_required", 0, "a"),
            side("license_required", 3, "`c`" * 200),
        )
        for n in range(3000)
    ]
    report = DiffReport(
        base=Side("b" * 5000, "sha256:0"),
        head=Side("working tree", "sha256:1"),
        compared=tuple((c.name, c.transaction_id) for c in changes),
        changes=tuple(changes),
        titles={f"P-{n}": "a title | with a pipe " * 30 for n in range(5)},
    )

    for shown in (0, 1, 50, 5000):
        comment = render_comment(report, shown, "r" * 5000 + ".md", "https://x/" + "y" * 5000)
        assert len(comment.encode()) < COMMENT_LIMIT, shown
        assert comment.endswith(f"_{NOT_LEGAL_ADVICE}_\n")
        left = len(changes) - comment.count("\n#### `")
        assert f"_{left} more changed decisions are left out here: see the full report._" in comment
    comment = render_comment(report, 1)
    assert "- … " in comment and " more differences: see the full report" in comment


def test_an_unwritable_report_file_is_a_usage_error(tmp_path: Path) -> None:
    corpus = tmp_path / "c.json"
    shutil.copy(SCENARIOS / BETWEEN_01_AND_1_PCT[0], corpus)
    args = ["diff", "--date", "2026-11-10", "--date", "2026-11-11", "--corpus", str(corpus)]

    result = runner.invoke(app, [*args, "--report", str(tmp_path / "no" / "such" / "r.md")])

    assert result.exit_code == 2
    progress, error = result.stderr.strip().splitlines()
    assert progress.startswith("exportctl: comparing 1 transactions")
    assert error == f"exportctl: error: --report {tmp_path}/no/such/r.md: No such file or directory"

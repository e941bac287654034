"""Output a person can read: every decision in every format and width keeps each URL whole on
one line, ends no line with a space, says a fact once, ends a markdown report with the
not-legal-advice line; `--explain fails` names provisions and policy lines, not OPA's compiled
forms; the timeline picture promises no hover."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from exportctl import Decision, decide, revision
from exportctl._cli import app
from exportctl._docs import TIMELINE_SVG
from exportctl._paths import policies_dir
from exportctl._provisions import ProvisionList, data_reviewed_on, provisions, review_note
from exportctl._render import render
from exportctl._render.decision import FORMATS, explained
from exportctl._render.text import NOT_LEGAL_ADVICE, UrlLine, print_url, split_urls
from exportctl._render.timeline import render_svg
from exportctl._timeline import load_timeline

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "scenarios"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
WIDTHS = (60, 80, 120)
TRAILING_SPACE = re.compile(r"[ \t]$", re.MULTILINE)


def scenario_transactions() -> dict[str, Any]:
    """The transaction of every scenario case, by its path under tests/scenarios/."""
    cases = {}
    for path in sorted(SCENARIOS.rglob("*.json")):
        if any(part.startswith("_") for part in path.relative_to(SCENARIOS).parts):
            continue
        case = json.loads(path.read_text())
        if "transaction_file" in case:
            cases[path.name] = json.loads((ROOT / case["transaction_file"]).read_text())
        else:
            cases[path.name] = case["transaction"]
    return cases


@pytest.fixture(scope="module")
def decisions(opa_url: str) -> dict[str, Decision]:
    """Each example's decision from the session's OPA."""
    return {path.name: decide(json.loads(path.read_text()), opa_url) for path in EXAMPLES}


@pytest.fixture(scope="module")
def every_decision(opa_url: str, decisions: dict[str, Decision]) -> dict[str, Decision]:
    """The examples' decisions and every scenario case's."""
    cases = {name: decide(tx, opa_url) for name, tx in scenario_transactions().items()}
    return {**decisions, **cases}


def urls_of(document: Any) -> Iterator[str]:
    """Every URL a decision document carries, in its fields and in its sentences."""
    if isinstance(document, str):
        yield from (run for run, is_url in split_urls(document) if is_url)
    elif isinstance(document, Mapping):
        for value in document.values():
            yield from urls_of(value)
    elif isinstance(document, list):
        for value in document:
            yield from urls_of(value)


def test_the_decisions_carry_urls_to_check(every_decision: dict[str, Decision]) -> None:
    # The checks below are about URLs: the decisions must give many, long ones among them.
    urls = {url for d in every_decision.values() for url in urls_of(d.document())}
    assert len(urls) > 20
    assert sum(len(url) > 80 for url in urls) > 5


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_every_url_whole_on_one_line_and_no_trailing_space(
    every_decision: dict[str, Decision], output_format: str, width: int
) -> None:
    for name, decision in every_decision.items():
        shown = render(decision, output_format, width)
        assert not TRAILING_SPACE.search(shown), (name, output_format, width)
        lines = shown.splitlines()
        for url in urls_of(decision.document()):
            escaped = json.dumps(url)[1:-1] if output_format == "json" else url
            assert any(escaped in line for line in lines), (name, output_format, width, url)


@pytest.mark.parametrize("width", WIDTHS)
def test_provisions_table_keeps_every_source_url_whole(opa_url: str, width: int) -> None:
    day = data_reviewed_on(opa_url)
    rows = provisions(day, opa_url)
    listing = ProvisionList(rows, day, review_note(day, day))
    for output_format in ("table", "markdown"):
        shown = render(listing, output_format, width)
        assert not TRAILING_SPACE.search(shown), (output_format, width)
        lines = shown.splitlines()
        for p in rows:
            for url in filter(None, (p.source, p.official)):
                assert any(url in line for line in lines), (output_format, width, url)


def test_a_terminal_gets_a_hyperlink_and_the_whole_url() -> None:
    url = "https://example.test/" + "a-long-path-segment/" * 6
    terminal = Console(width=40, force_terminal=True, color_system="standard")
    with terminal.capture() as capture:
        print_url(terminal, UrlLine(url, 4))
    shown = capture.get()
    assert "\x1b]8;id=" in shown and url in shown  # OSC 8 around the text
    assert shown.count("\n") == 1  # one line, not folded at 40 columns
    plain = Console(width=40)
    with plain.capture() as capture:
        print_url(plain, UrlLine(url, 4))
    assert capture.get() == url + "\n"  # too long to indent: from the first column, no link


def test_markdown_ends_with_the_not_legal_advice_line(decisions: dict[str, Decision]) -> None:
    for decision in decisions.values():
        assert render(decision, "markdown").endswith(f"\n*{NOT_LEGAL_ADVICE}*\n")


def test_each_reason_shows_its_confidence_and_both_sources(
    decisions: dict[str, Decision],
) -> None:
    decision = decisions["cn-export-tb-magnet.json"]
    (reason,) = decision.reasons
    assert reason.confidence == "high"
    table, markdown = render(decision, "table", 80), render(decision, "markdown")
    assert re.search(r"^Confidence +high \(the clause record's\)$", table, re.MULTILINE)
    assert "- **Confidence:** high (the clause record's)" in markdown
    # No. 18 rests on MOFCOM's own page: it is named once, as the official text read.
    official = reason.citation.official
    assert official is not None and official["url"] == reason.citation.url
    assert table.count(reason.citation.url) == 1
    assert "the encoding rests on it" in table


def test_a_secondary_copy_is_named_with_the_official_text_or_its_absence(
    decisions: dict[str, Decision],
) -> None:
    decision = decisions["kr-motor-de-minimis.json"]
    (reason,) = decision.reasons
    citation = reason.citation
    assert citation.rests_on == "secondary" and citation.official is not None
    table = render(decision, "table", 120)
    assert f"{citation.official['title']}; not the text the encoding rests on" in table
    assert "(secondary copy); the encoding rests on this copy" in table


def test_a_fact_is_printed_once(decisions: dict[str, Decision]) -> None:
    decision = decisions["kr-motor-de-minimis.json"]
    (reason,) = decision.reasons
    basis = reason.facts["basis"]
    for output_format in ("table", "markdown"):
        shown = " ".join(render(decision, output_format, 1000).split())
        # The de minimis test is in the Items table, its basis in the warning that quotes it.
        assert shown.count(basis) == 1, output_format
        assert shown.count("4.1 of 2500 USD") == 1, output_format
        opening = "names not in this bundle's lists have not been screened"
        assert sum(opening in w for w in decision.warnings) > 1
        assert shown.count(opening) == 1, output_format
    # A warning's URL is a note mark in its sentence, and the URL whole once under the warnings.
    table = render(decision, "table", 80)
    for url in urls_of(list(decision.warnings)):
        assert table.count(url) == 1, url
        assert re.search(rf"^\[\d+\] {re.escape(url)}$", table, re.MULTILINE), url
    magnet = decisions["cn-export-tb-magnet.json"].reasons[0]
    assert magnet.facts["control_codes"] == [magnet.facts["control_code"]]
    table = render(decisions["cn-export-tb-magnet.json"], "table", 120)
    assert "control_code: 1C904.a.4" in table and "control_codes" not in table


def test_a_narrow_table_wraps_a_provision_id_instead_of_cutting_it(
    decisions: dict[str, Decision],
) -> None:
    decision = decisions["jp-reexport-during-suspension.json"]
    (entry,) = decision.not_applied
    table = render(decision, "table", 60)
    assert "…" not in table
    body = table.split("Not applied", 1)[1].split("━\n", 1)[1]
    first_column = [line.split("│", 1)[0].strip() for line in body.splitlines() if "│" in line]
    assert "".join(first_column) == entry.provision


def test_the_review_date_warning_reaches_every_format(decisions: dict[str, Decision]) -> None:
    decision = decisions["kr-motor-de-minimis.json"]
    reviewed = decision.policy.data_reviewed_on
    assert decision.date > reviewed
    warning = next(w for w in decision.warnings if "not covered" in w)
    assert f"after {reviewed}, the day the legal data was last reviewed" in warning
    for output_format in sorted(FORMATS):
        shown = " ".join(render(decision, output_format, 80).split())
        assert " ".join(warning.split()) in shown, output_format
    on_time = decisions["cn-export-tb-magnet.json"]
    assert on_time.date <= reviewed
    assert not any("not covered" in w for w in on_time.warnings)


# What `--explain fails` printed before it was mapped to the provisions, OPA's compiled forms:
# variables the compiler made (`__local2464__`), its internal built-ins (`internal.member_2(...)`),
# comparisons as calls (`gt(__local1529__, 0)`, `neq(code, null)`), the query (`query:1`), and
# Enter, Redo and Fail events carrying whole rewritten rule bodies.
COMPILER_INTERNALS = re.compile(
    r"__local\d+__|internal\.member_2|\b(gt|gte|lt|lte|neq|equal)\(|query:1"
    r"|^\s*(Enter|Redo|Fail) ",
    re.MULTILINE,
)


def test_explain_fails_shows_what_failed_in_the_provisions(opa_url: str) -> None:
    example = str(ROOT / "examples" / "cn-export-tb-magnet.json")
    for output_format in ("table", "markdown"):
        result = CliRunner().invoke(
            app,
            ["decide", "--opa-url", opa_url, "-f", output_format, "--explain", "fails", example],
        )
        assert result.exit_code == 1, result.output
        explanation = result.stdout.split("OPA explanation", 1)[1]
        assert not COMPILER_INTERNALS.search(explanation), explanation
        assert not re.search(r"^\s*(Enter|Redo|Fail) ", explanation, re.MULTILINE)
        # A provision, then its failed conditions as the policy's own lines.
        assert "\nmofcom_2024_046/military_users\n" in explanation
        assert re.search(
            r"^  lib/military_ban/military_ban\.rego:\d+: input\.destination == record\.country$",
            explanation,
            re.MULTILINE,
        )


def test_explain_fails_counts_a_repeated_failure_and_leaves_the_rest_to_full() -> None:
    lines = [
        "query:1     Enter data.exportctl.decision = _",
        "/exportctl/lib/validation/validation.rego:19     | Fail not is_object(__local1__)",
        "/exportctl/provisions/a_b/c_d/provision.rego:3     | Enter data.x.findings",
        "/exportctl/lib/zz/none.rego:9     | | Fail gt(__local7__, 0)",
        "/exportctl/lib/zz/none.rego:9     | | Fail gt(__local7__, 0)",
    ]
    assert explained(lines, revision(policies_dir())) == [
        "What failed, by provision (each condition with the policy file and line it is on):",
        "a_b/c_d",
        "  lib/zz/none.rego:9: _ > 0  × 2",
        "1 failed conditions outside the provisions (input validation, the decision's assembly)"
        " are not shown: --explain full shows OPA's whole trace.",
    ]


def test_explain_fails_quotes_the_policy_only_of_the_revision_that_answered() -> None:
    military_ban = "/exportctl/lib/military_ban/military_ban.rego"
    line = next(
        number
        for number, text in enumerate(
            (policies_dir() / military_ban.removeprefix("/")).read_text().splitlines(), 1
        )
        if text.strip() == "input.destination == record.country"
    )
    lines = [
        "/exportctl/provisions/a_b/c_d/provision.rego:3     | Enter data.x.findings",
        f"{military_ban}:{line}     | | Fail equal(input.destination, __local9__)",
    ]
    here = explained(lines, revision(policies_dir()))
    assert (
        here[-1]
        == f"  lib/military_ban/military_ban.rego:{line}: input.destination == record.country"
    )
    # Another bundle's line numbers say nothing about the files here: OPA's own expression.
    elsewhere = explained(lines, "sha256:0000000000000000")
    assert elsewhere[-1] == f"  lib/military_ban/military_ban.rego:{line}: input.destination == _"


def test_the_timeline_picture_promises_no_hover(opa_url: str) -> None:
    assert "hover" not in TIMELINE_SVG.read_text(encoding="utf-8").lower()
    assert "hover" not in render_svg(load_timeline(opa_url)).lower()

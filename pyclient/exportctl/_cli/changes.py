"""`exportctl diff`: which decisions a policy change, or a change of day, changes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from exportctl._cli._app import checked_date, output
from exportctl._paths import policies_dir
from exportctl._render import printable, render
from exportctl.errors import UsageError


class DiffFormat(StrEnum):
    """How `diff` prints its report."""

    text = "text"
    markdown = "markdown"
    json = "json"
    junit = "junit"


EXIT_CHANGED = 1


def diff_command(
    base: Annotated[
        str | None,
        typer.Option(
            metavar="REV",
            help="Git revision to compare the working tree's policies with (`HEAD`, `main`, "
            "`HEAD~1`, a commit id).",
            show_default=False,
        ),
    ] = None,
    dates: Annotated[
        list[str] | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Give twice instead of --base: decide every transaction dated A, then dated B, "
            "on the working tree's policies.",
            show_default=False,
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="Transactions to decide: a directory of JSON files, a JSON file or a JSON Lines "
            "file. Scenario cases are read for their transaction. Default: every case under "
            "tests/scenarios/.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="`text` for people, `markdown` for a pull-request comment (under GitHub's "
            "65,536 characters whatever the corpus), `json` for programs, `junit` for CI "
            "(a test case per transaction, failing when its decision changed).",
        ),
    ] = DiffFormat.text,
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE",
            help="Also write the full report, every changed decision with every difference, "
            "as markdown to FILE; the markdown comment names it.",
            show_default=False,
        ),
    ] = None,
    report_link: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Where a reader of the comment finds the --report FILE (a CI run's artifacts).",
            show_default=False,
        ),
    ] = None,
    shown: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="N",
            help="Changed decisions the markdown comment shows, at most (fewer when they would "
            "not fit). Default: 50.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show which decisions a policy change, or a change of day, changes.

    With `--base REV`, builds the bundle at git revision REV (`git archive`, no worktree) and
    the working tree's bundle, decides the corpus on both (two local OPA sidecars) and prints
    every decision that changed, field by field: the whole decision is compared (outcome,
    licensing policy, items, reasons with their citations and facts, `not_applied` with
    `because` and `would_apply_from`, missing facts, warnings), except what differs on every
    run (the bundle revision, the data review date, the client's audit fields). With
    `--date A --date B`, the same for the corpus dated A and dated B on one bundle.

    Exit codes: **0** no decision changed; **1** some decision changed; **2** bad usage, an
    unknown revision or an unusable corpus; **3** the policy engine failed.

    Examples:

        exportctl diff --base main

        exportctl diff --base origin/main --format markdown --report full.md > comment.md

        exportctl diff --date 2026-11-10 --date 2026-11-11 --corpus orders/
    """
    from exportctl import _diff
    from exportctl._render.diff import SHOWN, full_markdown, render_comment

    if (base is None) == (not dates):
        raise UsageError("give either --base REV or --date A --date B")
    if dates and len(dates) != 2:
        raise UsageError(f"--date: give it exactly twice, got {len(dates)}")
    for day in dates or ():
        checked_date("--date", day)
    policies = policies_dir()
    try:
        entries = _diff.load_corpus(
            corpus or _diff.default_corpus(policies), policies.resolve().parent
        )
        if base is not None:
            report = _diff.diff_revisions(base, entries, policies, progress=_warn_progress)
        else:
            assert dates is not None
            report = _diff.diff_dates(dates[0], dates[1], entries, policies, _warn_progress)
    except _diff.DiffUsageError as e:
        raise UsageError(str(e)) from e
    if report_file is not None:
        try:
            report_file.write_text(full_markdown(report), encoding="utf-8")
        except OSError as e:
            raise UsageError(f"--report {report_file}: {e.strerror or e}") from e
    if output_format is DiffFormat.markdown:
        name = None if report_file is None else str(report_file)
        output(render_comment(report, SHOWN if shown is None else shown, name, report_link))
    else:
        output(render(report, output_format))
    raise typer.Exit(EXIT_CHANGED if report.changes else 0)


def _warn_progress(message: str) -> None:
    typer.echo(f"exportctl: {printable(message)}", err=True)

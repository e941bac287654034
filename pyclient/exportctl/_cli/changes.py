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
            help="`text` for people, `markdown` for a pull-request comment, `json` for programs.",
        ),
    ] = DiffFormat.text,
) -> None:
    """Show which decisions a policy change, or a change of day, changes.

    With `--base REV`, builds the bundle at git revision REV (`git archive`, no worktree) and
    the working tree's bundle, decides the corpus on both (two local OPA sidecars) and prints
    every decision that changed: outcome, licensing policy, item outcomes, the provisions in
    `reasons` and `not_applied`, and missing facts, with the titles of the provisions behind
    each change. With `--date A --date B`, the same for the corpus dated A and dated B on one
    bundle.

    Exit codes: **0** no decision changed; **1** some decision changed; **2** bad usage, an
    unknown revision or an unusable corpus; **3** the policy engine failed.

    Examples:

        exportctl diff --base main

        exportctl diff --base HEAD~1 --format markdown > comment.md

        exportctl diff --date 2026-11-10 --date 2026-11-11 --corpus orders/
    """
    from exportctl import _diff

    if (base is None) == (not dates):
        raise UsageError("give either --base REV or --date A --date B")
    if dates is not None and dates and len(dates) != 2:
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
    output(render(report, output_format))
    raise typer.Exit(EXIT_CHANGED if report.changes else 0)


def _warn_progress(message: str) -> None:
    typer.echo(f"exportctl: {printable(message)}", err=True)

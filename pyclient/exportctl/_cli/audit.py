"""`exportctl audit verify`: is the audit log that `--record DIR` writes intact?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportctl._cli._app import command_group, error_line
from exportctl.errors import EXIT_USAGE

audit_app = command_group("audit", "Check the audit log that `--record DIR` writes.")


@audit_app.command("verify")
def audit_verify_command(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="The directory given to `--record`.", show_default=False
        ),
    ],
) -> None:
    """Check that the audit log in DIR is intact: every line complete and JSON, every record
    with its audit fields and an input that hashes to its `input_sha256`, and each record's
    `prev_sha256` the SHA-256 of the record before it, across the daily files in order (the
    first record ever has 64 zeros). An edited, removed or reordered record, or a torn or
    truncated line, breaks it. Files must be 0600 and regular files, not symbolic links.

    The chain cannot show records removed from the end of the newest file: keep the hash of
    the last record that this command prints, and compare it later.

    Exit codes: **0** intact, with a one-line summary on standard output; **2** broken, with one
    line per problem on standard error (`FILE:LINE: what is wrong`), or DIR holds no audit file,
    is not a directory or is a symbolic link.

    Example: `exportctl audit verify audit/`
    """
    from exportctl._audit import verify

    result = verify(directory)
    for problem in result.problems:
        error_line(problem, EXIT_USAGE)
    summary = f"{result.records} records in {result.files} files, last record sha256:{result.head}"
    if result.problems:
        count = len(result.problems)
        typer.echo(f"audit log {directory} is broken: {count} problems; {summary}")
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"audit log {directory} intact: {summary}")

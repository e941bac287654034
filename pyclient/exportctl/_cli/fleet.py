"""`exportctl fleet status`: does every sidecar of a fleet serve the same bundle revision?"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from exportctl._cli._app import OpaTokenOption, command_group, output
from exportctl._render import printable
from exportctl.errors import UsageError

if TYPE_CHECKING:
    from exportctl._fleet import FleetState

fleet_app = command_group("fleet", "See the OPA sidecars of a fleet: health and bundle revision.")


class StatusFormat(StrEnum):
    """How `fleet status` prints the fleet."""

    table = "table"
    json = "json"


@fleet_app.command("status")
def fleet_status_command(
    urls: Annotated[
        list[str] | None,
        typer.Option(
            "--opa-url",
            metavar="URL",
            help="A sidecar's base URL, http://HOST:PORT; repeat it for each sidecar.",
            show_default=False,
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="A file listing the sidecars, one a line: `URL`, or `URL TOKEN` for a sidecar "
            "with a token of its own; blank lines and `#` comments are skipped.",
            show_default=False,
        ),
    ] = None,
    opa_token: OpaTokenOption = None,
    timeout: Annotated[
        float,
        typer.Option(min=0.1, max=300, metavar="SECONDS", help="Time each request may take."),
    ] = 5.0,
    wait: Annotated[
        float,
        typer.Option(
            min=0,
            max=3600,
            metavar="SECONDS",
            help="First wait up to this long for each sidecar to become healthy (a fleet "
            "that is starting).",
        ),
    ] = 0.0,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="`table` for people, `json`.")
    ] = StatusFormat.table,
) -> None:
    """Show each sidecar's health, the bundle revision it has active, when it last activated a
    bundle and the last error of its bundle plugin (a refused bundle: a bad signature, a bundle
    server out of reach), and whether all the sidecars agree. It reads `GET /health?bundles` and
    `GET /v1/status` (OPA's status plugin) of each sidecar, with `--opa-token` (or
    EXPORTCTL_OPA_TOKEN) unless `--from` gives a sidecar its own token.

    Exit codes: **0** every sidecar healthy, without a bundle error, and all on one revision;
    **1** the sidecars disagree on the revision, or one reports a bundle error (it keeps
    serving its last good bundle); **2** bad usage (no sidecar, an unreadable `--from` or a
    line of it that is not `URL [TOKEN]`); **3** a URL that is not http://HOST:PORT, or a
    sidecar that cannot be reached, has no bundle activated, or refuses its status (a wrong
    token, the status plugin off).

    Examples:

        exportctl fleet status --opa-url http://10.0.0.1:8181 --opa-url http://10.0.0.2:8181

        exportctl fleet status --from sidecars.txt -f json
    """
    from exportctl._fleet import Target, checked_url, fleet_state, targets_from_file

    targets = [Target(checked_url(url, "--opa-url"), opa_token) for url in urls or ()]
    if from_file is not None:
        targets += [Target(t.url, t.token or opa_token) for t in targets_from_file(from_file)]
    if not targets:
        raise UsageError("no sidecar: give --opa-url URL (repeatable) or --from FILE")
    state = fleet_state(targets, timeout=timeout, wait=wait)
    if output_format is StatusFormat.json:
        typer.echo(orjson.dumps(state.document(), option=orjson.OPT_INDENT_2).decode())
    else:
        output(_table(state))
    raise typer.Exit(state.exit_code)


def _table(state: FleetState) -> str:
    header = ("sidecar", "healthy", "revision", "last activation", "last error")
    rows = [
        tuple(
            printable(cell)  # what a sidecar answers is shown without terminal controls
            for cell in (
                s.url,
                "yes" if s.healthy else "NO",
                s.revision or "-",
                s.last_activation or "-",
                s.error or "-",
            )
        )
        for s in state.sidecars
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]])
        for row in [header, *rows]
    ]
    if state.agree:
        verdict = f"all {len(rows)} sidecars agree on revision {rows[0][2]}"
    else:
        revisions = sorted(printable(r) if r else "none" for r in state.revisions)
        verdict = f"the sidecars do NOT agree: revisions {', '.join(revisions)}"
        unwell = sum(1 for s in state.sidecars if not s.healthy or s.error)
        if unwell:
            verdict += f"; {unwell} unhealthy or with an error"
    return "\n".join([*lines, "", verdict]) + "\n"

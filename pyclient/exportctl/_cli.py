"""The `exportctl` command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import orjson
import typer

from exportctl._client import Explain, decide
from exportctl._paths import policies_dir
from exportctl._schema import validate_transaction
from exportctl._sidecar import build_bundle
from exportctl.errors import ExportCtlError, InputError

EXIT_USAGE = 2
EXIT_ENGINE = 3
EXIT_CODES = {
    "not_required": 0,
    "exempt": 0,
    "licensed": 0,
    "license_required": 1,
    "prohibited": 1,
    "insufficient_information": 4,
}


class OutputFormat(StrEnum):
    """How `decide` prints the decision."""

    table = "table"
    json = "json"
    markdown = "markdown"


app = typer.Typer(
    name="exportctl",
    help="Check transfers of rare-earth items against China's export-control law.\n\n"
    "Decisions come from the project's Rego policies, evaluated by Open Policy Agent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

SourceArgument = Annotated[
    str,
    typer.Argument(
        metavar="FILE|-",
        help="Transaction JSON (schemas/transaction.schema.json); `-` reads standard input.",
        show_default=False,
    ),
]


OpaUrlOption = Annotated[
    str | None,
    typer.Option(
        envvar="EXPORTCTL_OPA_URL",
        help="Base URL of a running OPA that serves the exportctl bundle. Without it, "
        "exportctl starts a local OPA sidecar with the project's policies and stops it after.",
        show_default=False,
    ),
]


@app.command("decide")
def decide_command(
    source: SourceArgument,
    *,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="`table` for people, `markdown` for reports, `json` "
            "for programs (the decision exactly as OPA returned it).",
        ),
    ] = OutputFormat.table,
    opa_url: OpaUrlOption = None,
    explain: Annotated[
        Explain | None,
        typer.Option(
            help="Also print OPA's explanation of the evaluation as a tree: `notes` (trace "
            "notes), `fails` (failed expressions) or `full` (every step; slow on large inputs).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Decide whether a transaction needs a licence.

    Exit codes: **0** not_required, exempt or licensed; **1** license_required or prohibited;
    **2** bad usage or an invalid transaction; **3** the policy engine could not be reached or
    answered an error; **4** insufficient_information.

    Examples:

        exportctl decide examples/cn-export-tb-magnet.json

        exportctl decide -f json --opa-url http://127.0.0.1:8181 order.json

        cat order.json | exportctl decide --explain notes -
    """
    transaction = _read_transaction(source)
    if explain is Explain.full:
        _warn("--explain full records every evaluation step: slow and very long on large inputs")
    try:
        decision = decide(transaction, opa_url, explain=explain)
    except InputError as e:
        _fail(f"invalid transaction: {e}", EXIT_USAGE)
    except ExportCtlError as e:
        _fail(str(e), EXIT_ENGINE)
    if explain is not None and not decision.explanation:
        _warn(f"OPA returned no explanation lines for --explain {explain}")
    if decision.outcome not in EXIT_CODES:
        _fail(f"the policy answered an unknown outcome {decision.outcome!r}", EXIT_ENGINE)

    from exportctl import _render

    match output_format:
        case OutputFormat.json:
            typer.echo(_render.render_json(decision))
            if decision.explanation:
                typer.echo(_render.explanation_text(decision.explanation), err=True)
        case OutputFormat.markdown:
            typer.echo(_render.render_markdown(decision), nl=False)
        case OutputFormat.table:
            _render.render_table(decision)
    raise typer.Exit(EXIT_CODES[decision.outcome])


@app.command("validate")
def validate_command(source: SourceArgument) -> None:
    """Check a transaction against the schema without asking the policy engine.

    Exits 0 when the transaction is valid, 2 with one line naming the first invalid field
    otherwise.

    Example:

        exportctl validate examples/cn-export-tb-magnet.json
    """
    transaction = _read_transaction(source)
    try:
        validate_transaction(transaction)
    except InputError as e:
        _fail(f"invalid transaction: {e}", EXIT_USAGE)
    except ExportCtlError as e:
        _fail(str(e), EXIT_ENGINE)
    typer.echo(f"valid transaction {transaction['id']}")


@app.command("bundle")
def bundle_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the bundle tarball.")
    ] = Path("build/bundle.tar.gz"),
    policies: Annotated[
        Path | None,
        typer.Option(
            help="Bundle directory. Default: $EXPORTCTL_POLICIES, else the project's policies/.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build an OPA bundle of the policies (tests left out) for a production OPA.

    The bundle's revision is `sha256:` + 16 hex digits over the policy files; every decision
    reports it in `policy.revision`. Serve it with `opa run -s build/bundle.tar.gz`.
    """
    try:
        bundle_revision = build_bundle(policies or policies_dir(), output)
    except ExportCtlError as e:
        _fail(str(e), EXIT_ENGINE)
    typer.echo(f"wrote {output} (revision {bundle_revision})")


@app.command("provisions")
def provisions_command(
    date: Annotated[
        str | None,
        typer.Option(
            help="Day to report each provision's status on (YYYY-MM-DD). Default: today.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = OutputFormat.table,
    opa_url: OpaUrlOption = None,
) -> None:
    """List every provision the bundle encodes and its status on a day.

    Id, title, instrument and article, source, first day in effect and the status on DATE (in
    force, suspended until ..., not yet in force, lapsed), read from the bundle's METADATA and
    its clause calendar.

    Example: `exportctl provisions --date 2026-12-01 --format markdown`
    """
    import dataclasses
    import datetime

    from exportctl._provisions import markdown_table, provisions

    day = date or datetime.date.today().isoformat()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        _fail(f"--date: {day!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
    try:
        rows = provisions(day, opa_url)
    except ExportCtlError as e:
        _fail(str(e), EXIT_ENGINE)
    if output_format is OutputFormat.json:
        typer.echo(orjson.dumps([dataclasses.asdict(p) for p in rows], option=orjson.OPT_INDENT_2))
    elif output_format is OutputFormat.markdown:
        typer.echo(markdown_table(rows, day), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Provisions on {day}", show_lines=True)
        for column in (
            "provision",
            "title",
            "legal basis",
            "in effect from",
            "suspended",
            "status",
        ):
            table.add_column(column)
        for p in rows:
            basis = f"{p.instrument}, {p.article}\n{p.source}"
            suspended = "\n".join(p.suspended) or "—"
            table.add_row(p.id, p.title, basis, p.effective_from, suspended, p.status)
        Console().print(table)


def _read_transaction(source: str) -> Any:
    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            data = typer.get_binary_stream("stdin").read()
        else:
            data = Path(source).read_bytes()
    except OSError as e:
        _fail(f"cannot read {name}: {e.strerror or e}", EXIT_USAGE)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        _fail(f"{name} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}", EXIT_USAGE)


def _warn(message: str) -> None:
    typer.echo(f"exportctl: warning: {message}", err=True)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"exportctl: error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)

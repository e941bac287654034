"""The `exportctl` command line."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import orjson
import typer
from typer.core import TyperGroup

from exportctl._batch import CHUNK_SIZE, WORKERS
from exportctl._client import Explain, decide
from exportctl._paths import policies_dir
from exportctl._render import printable
from exportctl._schema import validate_transaction
from exportctl._sidecar import build_bundle
from exportctl.errors import (
    EXIT_ENGINE,
    EXIT_USAGE,
    EngineError,
    ExportCtlError,
    InputError,
    UsageError,
)

EXIT_INTERRUPTED = 130
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


class ExportCtlGroup(TyperGroup):
    """The command group, which turns every failure into one line on standard error and an exit
    code of the contract: an `ExportCtlError` its own `exit_code`, bad usage 2, an interrupt 130,
    a failed write (a full disk, a closed pipe) or any other error 3. Never a traceback, and
    never 1 or 0 for a failure."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as e:  # bad usage: the parser's errors
            code = _usage_error(e)
        except typer.Abort:
            code = _error_line("interrupted", EXIT_INTERRUPTED)
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a write to a full disk or a closed pipe fails here at last
        except (typer.Exit, typer.TyperException, typer.Abort):
            raise
        except KeyboardInterrupt:
            raise typer.Exit(_error_line("interrupted", EXIT_INTERRUPTED)) from None
        except SystemExit as e:  # rich's answer to a closed pipe: SystemExit(1), "licence required"
            if e.code in (0, None):
                raise typer.Exit(0) from None
            _discard_stdout()
            message = "cannot write the output: Broken pipe"
            raise typer.Exit(_error_line(message, EXIT_ENGINE)) from None
        except InputError as e:
            raise typer.Exit(_error_line(f"invalid transaction: {e}", e.exit_code)) from None
        except ExportCtlError as e:
            raise typer.Exit(_error_line(str(e), e.exit_code)) from None
        except OSError as e:
            _discard_stdout()
            where = str(e.filename) if e.filename else "cannot write the output"
            raise typer.Exit(_error_line(f"{where}: {e.strerror or e}", EXIT_ENGINE)) from None
        except Exception as e:
            message = f"internal error: {type(e).__name__}: {e}"
            raise typer.Exit(_error_line(message, EXIT_ENGINE)) from None


def _usage_error(error: typer.TyperException) -> int:
    context = getattr(error, "ctx", None)
    if type(error).__name__ == "NoArgsIsHelpError":  # `exportctl` alone: its help, exit 2
        typer.echo(error.format_message(), err=True)
        return EXIT_USAGE
    hint = f" (see `{context.command_path} --help`)" if context is not None else ""
    return _error_line(f"{error.format_message()}{hint}", EXIT_USAGE)


def _error_line(message: str, code: int) -> int:
    """Print `exportctl: error: MESSAGE` on one line of standard error; return `code`."""
    with contextlib.suppress(OSError):
        typer.echo(f"exportctl: error: {' '.join(printable(message).split())}", err=True)
    return code


def _discard_stdout() -> None:
    """After a failed write to standard output, send what is left to /dev/null, so that the
    interpreter's last flush does not fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # not a real file (in-process tests)
        pass


def main() -> None:
    """The `exportctl` command."""
    app(prog_name="exportctl")


app = typer.Typer(
    name="exportctl",
    cls=ExportCtlGroup,
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


def _checked_url(value: str | None) -> str | None:
    if not value:
        return None
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://.", value):
        raise typer.BadParameter(f"{value!r} is not a URL: give e.g. http://127.0.0.1:8181")
    return value


def _token_to_client(value: str | None) -> str | None:
    if value:  # the client reads it from the environment
        os.environ["EXPORTCTL_OPA_TOKEN"] = value
    return value


OpaUrlOption = Annotated[
    str | None,
    typer.Option(
        envvar="EXPORTCTL_OPA_URL",
        callback=_checked_url,
        help="Base URL of a running OPA that serves the exportctl bundle. Without it, "
        "exportctl starts a local OPA sidecar with the project's policies and stops it after.",
        show_default=False,
    ),
]

OpaTokenOption = Annotated[
    str | None,
    typer.Option(
        envvar="EXPORTCTL_OPA_TOKEN",
        callback=_token_to_client,
        metavar="TOKEN",
        help="Bearer token for the OPA at --opa-url, when it requires one "
        "(`opa run --authentication=token`).",
        show_default=False,
    ),
]

RecordOption = Annotated[
    Path | None,
    typer.Option(
        "--record",
        metavar="DIR",
        help="Append one audit record per decision (its audit fields, transaction id, outcome, "
        "provisions fired and the input) to DIR/audit-YYYY-MM-DD.jsonl, by UTC day of "
        "recording. Each record holds the SHA-256 of the one before it (`prev_sha256`), so "
        "that `exportctl audit verify DIR` finds an edit. DIR (0700) and its files (0600) are "
        "created if missing, a symbolic link is refused, and every record is fsynced.",
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
            "for programs (the decision exactly as OPA returned it, plus the client's `audit`).",
        ),
    ] = OutputFormat.table,
    opa_url: OpaUrlOption = None,
    opa_token: OpaTokenOption = None,
    explain: Annotated[
        Explain | None,
        typer.Option(
            help="Also print OPA's explanation of the evaluation as a tree: `notes` (trace "
            "notes), `fails` (failed expressions) or `full` (every step; slow on large inputs).",
            show_default=False,
        ),
    ] = None,
    record: RecordOption = None,
) -> None:
    """Decide whether a transaction needs a licence.

    Exit codes: **0** not_required, exempt or licensed; **1** license_required or prohibited;
    **2** bad usage or an invalid transaction; **3** the policy engine could not be reached or
    answered an error, or the output or the audit log could not be written;
    **4** insufficient_information. A failure is one line on standard error.

    Examples:

        exportctl decide examples/cn-export-tb-magnet.json

        exportctl decide -f json --opa-url http://127.0.0.1:8181 order.json

        cat order.json | exportctl decide --explain notes -

        exportctl decide --record audit/ order.json
    """
    transaction = _read_transaction(source)
    if explain is Explain.full:
        _warn("--explain full records every evaluation step: slow and very long on large inputs")
    decision = decide(transaction, opa_url, explain=explain)
    if explain is not None and not decision.explanation:
        _warn(f"OPA returned no explanation lines for --explain {explain}")
    if not isinstance(decision.outcome, str) or decision.outcome not in EXIT_CODES:
        raise EngineError(f"the policy answered an unknown outcome {decision.outcome!r}")
    if record is not None:
        from exportctl._audit import AuditLog

        with AuditLog(record, _warn) as log:
            log.append_decision(decision, transaction)

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


@app.command("batch")
def batch_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="INPUT|-",
            help="JSON Lines, one transaction per line; `-` reads standard input.",
            show_default=False,
        ),
    ],
    *,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="Where the answers go, one line each, appended. Rerun with the same OUT to "
            "resume: transactions already decided there are skipped.",
            show_default=False,
        ),
    ],
    opa_url: OpaUrlOption = None,
    opa_token: OpaTokenOption = None,
    record: RecordOption = None,
    validate: Annotated[
        bool,
        typer.Option(
            "--validate/--no-validate",
            help="Check each line against the transaction schema before deciding it. Without "
            "it a line must still be an object with an `id`; the policy fails closed on facts "
            "it lacks.",
        ),
    ] = True,
    chunk_size: Annotated[
        int, typer.Option(min=1, max=10_000, metavar="N", help="Transactions per request.")
    ] = CHUNK_SIZE,
    workers: Annotated[
        int,
        typer.Option(min=1, max=8, metavar="N", help="Requests in flight, one connection each."),
    ] = WORKERS,
) -> None:
    """Decide every transaction of a JSON Lines file, a chunk of them per request.

    Each line of OUT answers a line of INPUT, in order: the decision (as `decide -f json`, with
    its `audit`), or for a bad line (not JSON, not a valid transaction, a repeated id) an error
    record `{"line", "transaction_id", "error": {"field", "message"}}`, and the run goes on.
    An interrupted run resumes when rerun with the same OUT, without loss or duplicates: a last
    line cut short is reported and decided again, and with `--record` the decisions a stopped
    run wrote but did not record are recorded, once. A progress bar shows on a terminal; a
    summary by outcome ends the run, on standard error.

    Exit codes: **0** every line decided, whatever the outcomes; **2** some lines were bad, or bad
    usage; **3** the policy engine could not be reached, or failed on some transactions (rerun to
    retry them), or OUT or the audit log could not be written (a full disk: rerun to resume).

    Examples:

        exportctl batch orders.jsonl --output decisions.jsonl

        cat orders.jsonl | exportctl batch - -o decisions.jsonl --record audit/
    """
    from rich.console import Console

    from exportctl._batch import progress, run_batch

    path = None if source == "-" else Path(source)
    try:
        with (
            typer.get_binary_stream("stdin") if path is None else path.open("rb") as stream,
            progress(Console(stderr=True), path) as advance,
        ):
            summary = run_batch(
                stream,
                output,
                opa_url=opa_url,
                validate=validate,
                record=record,
                chunk_size=chunk_size,
                workers=workers,
                on_lines=advance,
                warn=_warn,
            )
    except OSError as e:
        name = source if path else "standard input"
        raise UsageError(f"cannot read {name}: {e.strerror or e}") from e
    for failure in summary.failures:
        _error_line(failure, EXIT_ENGINE)
    typer.echo(summary.report(), err=True)
    raise typer.Exit(summary.exit_code)


@app.command("validate")
def validate_command(source: SourceArgument) -> None:
    """Check a transaction against the schema without asking the policy engine.

    Exits 0 when the transaction is valid, 2 with one line naming the first invalid field
    otherwise.

    Example:

        exportctl validate examples/cn-export-tb-magnet.json
    """
    transaction = _read_transaction(source)
    validate_transaction(transaction)
    typer.echo(f"valid transaction {printable(transaction['id'])}")


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
    bundle_revision = build_bundle(policies or policies_dir(), output)
    typer.echo(f"wrote {output} (revision {bundle_revision})")


@app.command("provisions")
def provisions_command(
    provision: Annotated[
        str | None,
        typer.Argument(
            help="Only this provision: its id (instrument/clause) or an earlier id it had.",
            show_default=False,
        ),
    ] = None,
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
    opa_token: OpaTokenOption = None,
) -> None:
    """List every provision the bundle encodes and its status on a day.

    Id, title, instrument and article, source, first day in effect and the status on DATE (in
    force, suspended until ..., not yet in force, lapsed), read from the bundle's METADATA and
    its clause calendar.

    Example: `exportctl provisions --date 2026-12-01 --format markdown`, or one provision by
    its id or an earlier id: `exportctl provisions CN-REE-0061-01`
    """
    import dataclasses
    import datetime

    from exportctl._provisions import data_reviewed_on, markdown_table, provisions, review_note

    day = date or datetime.date.today().isoformat()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        _fail(f"--date: {day!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
    rows = provisions(day, opa_url)
    if provision is not None:
        rows = [p for p in rows if provision == p.id or provision in p.aliases]
        if not rows:
            _fail(f"PROVISION: no provision has the id or earlier id {provision!r}", EXIT_USAGE)
    note = review_note(data_reviewed_on(opa_url), day)
    if output_format is OutputFormat.json:
        typer.echo(orjson.dumps([dataclasses.asdict(p) for p in rows], option=orjson.OPT_INDENT_2))
        typer.echo(printable(note), err=True)
    elif output_format is OutputFormat.markdown:
        typer.echo(printable(markdown_table(rows, day)) + "\n" + printable(note))
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=f"Provisions on {day}", caption=printable(note), show_lines=True)
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
            cells = (p.id, p.title, basis, p.effective_from, suspended, p.status)
            table.add_row(*(Text(printable(cell)) for cell in cells))
        Console().print(table)


class DiffFormat(StrEnum):
    """How `diff` prints its report."""

    text = "text"
    markdown = "markdown"
    json = "json"


EXIT_CHANGED = 1


@app.command("timeline")
def timeline_command(
    svg: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Write the timeline as an SVG picture to FILE (`-`: standard output) instead "
            "of printing it.",
            show_default=False,
        ),
    ] = None,
    width: Annotated[
        int | None,
        typer.Option(
            min=60,
            metavar="N",
            help="Terminal columns to draw in (at least 60). Default: the terminal's width.",
            show_default=False,
        ),
    ] = None,
    opa_url: OpaUrlOption = None,
    opa_token: OpaTokenOption = None,
) -> None:
    """Draw every instrument's life on one time axis.

    One row per clause, grouped by instrument: when it was announced, pending (published, not
    yet in force), in force, suspended (each suspension window), in force again after a window
    ended with nothing recorded since (unconfirmed), lapsed or repealed; and, for instruments
    such as suspensions, the windows they impose on others. The day the legal data was last
    reviewed is marked. Read from the bundle's clause calendar through OPA.

    Examples:

        exportctl timeline

        exportctl timeline --svg docs/timeline.svg
    """
    from rich.console import Console

    from exportctl._timeline import load_timeline, render_svg, render_terminal

    timeline = load_timeline(opa_url)
    if svg is None:
        render_terminal(timeline, Console(width=width) if width else Console())
        return
    picture = render_svg(timeline)
    if str(svg) == "-":
        typer.echo(picture, nl=False)
        return
    try:
        svg.write_text(picture, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write {svg}: {e.strerror or e}") from e
    typer.echo(f"wrote {svg}", err=True)


@app.command("diff")
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
    import datetime

    from exportctl import _diff

    if (base is None) == (not dates):
        _fail("give either --base REV or --date A --date B", EXIT_USAGE)
    if dates is not None and dates and len(dates) != 2:
        _fail(f"--date: give it exactly twice, got {len(dates)}", EXIT_USAGE)
    for day in dates or ():
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            _fail(f"--date: {day!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
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
    match output_format:
        case DiffFormat.markdown:
            typer.echo(printable(_diff.render_markdown(report)), nl=False)
        case DiffFormat.json:
            typer.echo(_diff.render_json(report), nl=False)
        case DiffFormat.text:
            typer.echo(printable(_diff.render_text(report)), nl=False)
    raise typer.Exit(EXIT_CHANGED if report.changes else 0)


def _warn_progress(message: str) -> None:
    typer.echo(f"exportctl: {printable(message)}", err=True)


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
    typer.echo(f"exportctl: warning: {' '.join(printable(message).split())}", err=True)


def _fail(message: str, code: int) -> NoReturn:
    raise typer.Exit(_error_line(message, code))


audit_app = typer.Typer(
    name="audit",
    help="Check the audit log that `--record DIR` writes.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(audit_app)


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
        _error_line(problem, EXIT_USAGE)
    summary = f"{result.records} records in {result.files} files, last record sha256:{result.head}"
    if result.problems:
        count = len(result.problems)
        typer.echo(f"audit log {directory} is broken: {count} problems; {summary}")
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"audit log {directory} intact: {summary}")

"""The commands that decide transactions: `decide`, `batch` and `validate`."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import shlex
import signal
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import IO, Annotated, Any

import orjson
import typer

from exportctl._batch import CHUNK_SIZE, WORKERS
from exportctl._cli._app import (
    EXIT_INTERRUPTED,
    OpaTokenOption,
    OpaUrlOption,
    OpaUrlsOption,
    RecordOption,
    SourceArgument,
    checked_date,
    error_line,
    output,
    read_transaction,
    warn,
)
from exportctl._client import Explain, decide
from exportctl._models import PASSING
from exportctl._render import printable, render
from exportctl._schema import transaction_errors
from exportctl.errors import EXIT_ENGINE, EXIT_USAGE, UsageError

EXIT_CODES = {
    **dict.fromkeys(sorted(PASSING), 0),
    "license_required": 1,
    "prohibited": 1,
    "insufficient_information": 4,
}
"""`decide`'s exit code for each outcome."""


class OutputFormat(StrEnum):
    """How `decide` and `provisions` print what they found."""

    table = "table"
    json = "json"
    markdown = "markdown"


class BatchFormat(StrEnum):
    """What `batch` prints on standard output besides its answers in OUT."""

    jsonl = "jsonl"
    junit = "junit"


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
    on_date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="Decide the transaction as if it took place on this day instead of its own "
            "`date` (what-if). The first warning names both days (on standard error with "
            "`-f json`); the decision, and the audit record with --record, hold the day decided.",
            show_default=False,
        ),
    ] = None,
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

        exportctl decide --date 2026-12-01 order.yaml
    """
    transaction = read_transaction(source)
    date_note = None
    if on_date is not None:
        transaction, date_note = with_date(transaction, checked_date("--date", on_date))
    if date_note is not None and output_format is OutputFormat.json:
        warn(date_note)  # the JSON is the decision as OPA returned it
    if explain is Explain.full:
        warn("--explain full records every evaluation step: slow and very long on large inputs")
    decision = decide(transaction, opa_url, explain=explain)
    if explain is not None and not decision.explanation:
        warn(f"OPA returned no explanation lines for --explain {explain}")
    if record is not None:
        from exportctl._audit import AuditLog

        with AuditLog(record, warn) as log:
            log.append_decision(decision, transaction)
    if date_note is not None and output_format is not OutputFormat.json:
        decision = dataclasses.replace(decision, warnings=(date_note, *decision.warnings))
    output(render(decision, output_format))
    if output_format is OutputFormat.json and decision.explanation:
        from exportctl._render.decision import explanation_text

        typer.echo(explanation_text(decision.explanation, decision.policy.revision), err=True)
    raise typer.Exit(EXIT_CODES[decision.outcome])


def with_date(transaction: Any, day: str) -> tuple[Any, str | None]:
    """`transaction` with its `date` replaced by `day` (`decide --date`), and the sentence that
    says so (None when its date is `day`); a transaction that is not an object is left for the
    validation to refuse."""
    if not isinstance(transaction, dict) or transaction.get("date") == day:
        return transaction, None
    own = transaction.get("date")
    own_text = printable(own) if isinstance(own, str) else "no valid date"
    note = f"what-if (--date): decided as on {day}, not on the transaction's own date ({own_text})"
    return {**transaction, "date": day}, note


def batch_command(
    source: Annotated[
        str,
        typer.Argument(
            metavar="INPUT|-",
            help="JSON Lines, one transaction per line, or a `.yaml` file of YAML documents "
            "separated by `---` (document N is line N); `-` reads JSON Lines on standard input.",
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
    opa_url: OpaUrlsOption = None,
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
        typer.Option(
            min=1,
            max=8,
            metavar="N",
            help="Requests in flight to each OPA, one connection each.",
        ),
    ] = WORKERS,
    report_format: Annotated[
        BatchFormat,
        typer.Option(
            "--format",
            "-f",
            help="`jsonl`: the answers go to OUT only. `junit`: also a JUnit XML report of every "
            "line of OUT on standard output, for CI: a transaction fails unless its outcome is "
            "not_required, exempt or licensed (a bad line fails too).",
        ),
    ] = BatchFormat.jsonl,
) -> None:
    """Decide every transaction of a JSON Lines file, a chunk of them per request.

    Each line of OUT answers a line of INPUT, in order: the decision (as `decide -f json`, with
    its `audit`), or for a bad line (not JSON, not a valid transaction, a repeated id) an error
    record `{"line", "transaction_id", "error": {"field", "message"}}`, and the run goes on.
    An interrupted run resumes when rerun with the same OUT, without loss or duplicates: a last
    line cut short is reported and decided again, and with `--record` the decisions a stopped
    run wrote but did not record are recorded, once. A progress bar shows on a terminal; a
    summary by outcome ends the run, on standard error. With several `--opa-url`s the chunks
    go to the sidecars in turn, each with `--workers` requests in flight; a sidecar that answers
    with another policy revision than the first stops the run (exit 3; rerun when the fleet
    agrees, `exportctl fleet status`).

    Exit codes: **0** every line decided, whatever the outcomes; **2** some lines were bad, or bad
    usage; **3** the policy engine could not be reached, or failed on some transactions (rerun to
    retry them), or OUT or the audit log could not be written (a full disk: rerun to resume).

    Examples:

        exportctl batch orders.jsonl --output decisions.jsonl

        cat orders.jsonl | exportctl batch - -o decisions.jsonl --record audit/

        exportctl batch orders.jsonl -o out.jsonl --opa-url http://a:8181 --opa-url http://b:8181
    """
    from rich.console import Console

    from exportctl._batch_file import run_batch
    from exportctl._render.progress import progress

    path = None if source == "-" else Path(source)
    yaml_input = path is not None and path.suffix.lower() in (".yaml", ".yml")
    try:
        with (
            _interrupt_raises(),
            _batch_input(path) as stream,
            progress(Console(stderr=True), None if yaml_input else path) as advance,
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
                warn=warn,
            )
    except OSError as e:
        name = source if path else "standard input"
        raise UsageError(f"cannot read {name}: {e.strerror or e}") from e
    except KeyboardInterrupt:
        again = ["exportctl", "batch", source, "--output", str(output)]
        again += ["--record", str(record)] if record is not None else []
        error_line(
            f"interrupted: to resume, run the same command again ({shlex.join(again)}): what "
            f"{output} already answers is skipped",
            EXIT_INTERRUPTED,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    for failure in summary.failures:
        error_line(failure, EXIT_ENGINE)
    typer.echo(summary.report(), err=True)
    if report_format is BatchFormat.junit:
        from exportctl._render.junit import batch_suite

        typer.echo(batch_suite(output, summary.failures), nl=False)
    raise typer.Exit(summary.exit_code)


def _keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupt_raises() -> Iterator[None]:
    """While `batch` runs, SIGINT raises `KeyboardInterrupt`, so that the command can say how
    to resume. Python's own handler does too, but the process's sidecar replaces that one with
    a handler that ends the process at once (`_sidecar._stop_on_signals`); this one it leaves,
    and the sidecar is stopped when the process exits."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield  # SIGINT ignored or handled by the caller: left so
        return
    signal.signal(signal.SIGINT, _keyboard_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def _batch_input(path: Path | None) -> Iterator[IO[bytes]]:
    """The lines `batch` reads: standard input for None, the file `path`, or for a `.yaml` or
    `.yml` file its YAML documents (separated by `---`), each made one JSON line, so that
    document N is line N; a document that is not YAML or that YAML reads otherwise than JSON
    would refuses the whole file (`UsageError`, exit 2) before anything is decided."""
    if path is None:
        yield typer.get_binary_stream("stdin")
    elif path.suffix.lower() in (".yaml", ".yml"):
        from exportctl._yaml import load_yaml_documents

        documents = load_yaml_documents(path.read_bytes(), str(path))
        yield io.BytesIO(b"".join(orjson.dumps(document) + b"\n" for document in documents))
    else:
        with path.open("rb") as file:
            yield file


def validate_command(source: SourceArgument) -> None:
    """Check a transaction (JSON or YAML) against the schema without asking the policy engine.

    Exits 0 when the transaction is valid, 2 otherwise, with one line on standard error for
    every invalid field, in plain words.

    Example:

        exportctl validate examples/cn-export-tb-magnet.json
    """
    transaction = read_transaction(source)
    errors = transaction_errors(transaction)
    for error in errors:
        error_line(f"invalid transaction: {error}", EXIT_USAGE)
    if errors:
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"valid transaction {printable(transaction['id'])}")

"""The `exportctl` command group, the options its commands share, and the one place where a
failure becomes its line on standard error and its exit code (`failure`)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from typer.core import TyperGroup

from exportctl._client import check_opa_url
from exportctl._render import printable
from exportctl.errors import (
    EXIT_ENGINE,
    EXIT_USAGE,
    EngineUnavailableError,
    ExportCtlError,
    InputError,
    UsageError,
)

EXIT_INTERRUPTED = 130


def failure(error: BaseException) -> int:
    """Print the one line that tells what `error` is on standard error; return its exit code.

    An `ExportCtlError` has its own `exit_code` (2 bad usage or input, 3 the engine or the
    environment); an interrupt is 130; a failed write (a full disk, a closed pipe) and any other
    error 3, as `internal error: TYPE: MESSAGE`. Never a traceback, and never 0 or 1 (the
    outcomes' codes) for a failure.
    """
    match error:
        case KeyboardInterrupt() | typer.Abort():
            return error_line("interrupted", EXIT_INTERRUPTED)
        case SystemExit():  # rich's answer to a closed pipe: SystemExit(1), "licence required"
            _discard_stdout()
            return error_line("cannot write the output: Broken pipe", EXIT_ENGINE)
        case InputError():
            return error_line(f"invalid transaction: {error}", error.exit_code)
        case ExportCtlError():
            return error_line(str(error), error.exit_code)
        case OSError():
            _discard_stdout()
            where = str(error.filename) if error.filename else "cannot write the output"
            return error_line(f"{where}: {error.strerror or error}", EXIT_ENGINE)
        case _:
            return error_line(f"internal error: {type(error).__name__}: {error}", EXIT_ENGINE)


class ExportCtlGroup(TyperGroup):
    """The command group: every failure, in parsing or in a command, goes through `failure`;
    bad usage found by the parser is exit 2 with a pointer to `--help`."""

    asked_for_help = False

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        self.asked_for_help = not HELP_OPTIONS.isdisjoint(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as e:  # bad usage: the parser's errors
            code = _usage_error(e)
        except SystemExit as e:  # rich's answer to a closed pipe, while printing the help
            code = self._cut_short(e)
        except (Exception, KeyboardInterrupt, typer.Abort) as e:  # e.g. from an option callback
            code = failure(e)
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
        except SystemExit as e:
            raise typer.Exit(self._cut_short(e)) from None
        except (Exception, KeyboardInterrupt) as e:
            raise typer.Exit(failure(e)) from None

    def _cut_short(self, error: SystemExit) -> int:
        """The exit code of a command that ended by `SystemExit`: a help page is a listing, so
        a reader that stops reading it (`exportctl decide --help | head`) gets exit 0."""
        if error.code in (0, None):
            return 0
        if self.asked_for_help:
            _discard_stdout()
            return 0
        return failure(error)


HELP_OPTIONS = frozenset({"-h", "--help"})


def _usage_error(error: typer.TyperException) -> int:
    context = getattr(error, "ctx", None)
    if type(error).__name__ == "NoArgsIsHelpError":  # `exportctl` alone: its help, exit 2
        typer.echo(error.format_message(), err=True)
        return EXIT_USAGE
    hint = f" (see `{context.command_path} --help`)" if context is not None else ""
    return error_line(f"{error.format_message()}{hint}", EXIT_USAGE)


def error_line(message: str, code: int) -> int:
    """Print `exportctl: error: MESSAGE` on one line of standard error; return `code`."""
    with contextlib.suppress(OSError):
        typer.echo(f"exportctl: error: {' '.join(printable(message).split())}", err=True)
    return code


def warn(message: str) -> None:
    """Print `exportctl: warning: MESSAGE` on one line of standard error."""
    typer.echo(f"exportctl: warning: {' '.join(printable(message).split())}", err=True)


def output(text: str, *, reader_may_stop: bool = False) -> None:
    """Write `text`, as a renderer made it (styled for a terminal), to standard output.

    With `reader_may_stop`, for a listing whose exit code says nothing but success, a reader
    that stops reading (`exportctl timeline | head`) ends the command with exit 0: it has what
    it asked for. Otherwise a closed pipe is a failed write (exit 3), as for `decide`, whose
    exit code tells the outcome.
    """
    if not reader_may_stop:
        typer.echo(text, nl=False, color=True)
        return
    try:
        typer.echo(text, nl=False, color=True)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        raise typer.Exit(0) from None


def _discard_stdout() -> None:
    """After a failed write to standard output, send what is left to /dev/null, so that the
    interpreter's last flush does not fail again."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # not a real file (in-process tests)
        pass


def read_transaction(source: str) -> Any:
    """The transaction in the file `source`, or on standard input for `-`: JSON, or YAML for a
    file named `.yaml` or `.yml` and for any other input that does not start with `{` or `[`.
    `UsageError` when it cannot be read or parsed, `InputError` naming a field YAML reads
    otherwise than JSON would (`exportctl._yaml`)."""
    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            data = typer.get_binary_stream("stdin").read()
        else:
            data = Path(source).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {name}: {e.strerror or e}") from e
    if is_yaml(source, data):
        from exportctl._yaml import load_yaml

        return load_yaml(data, name)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        message = f"{name} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        raise UsageError(message) from e


def is_yaml(source: str, data: bytes) -> bool:
    """Whether the input `source` (a path, or `-`) holding `data` is read as YAML."""
    suffix = Path(source).suffix.lower() if source != "-" else ""
    if suffix in (".yaml", ".yml"):
        return True
    return suffix != ".json" and data.lstrip()[:1] not in (b"{", b"[")


def checked_date(option: str, day: str) -> str:
    """`day` when it is a date (YYYY-MM-DD); `UsageError` naming `option` otherwise."""
    import datetime

    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        raise UsageError(f"{option}: {day!r} is not a date (YYYY-MM-DD)") from None
    return day


def command_group(name: str, help_text: str, **settings: Any) -> typer.Typer:
    """A group of commands (`exportctl`, and its `exportctl audit …`, `exportctl fleet …`), each
    set up alike: its help without arguments, markdown help text, `-h` as `--help`."""
    return typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        rich_markup_mode="markdown",
        context_settings={"help_option_names": sorted(HELP_OPTIONS, key=len)},
        **settings,
    )


app = command_group(
    "exportctl",
    "Check transfers of rare-earth items against China's export-control law.\n\n"
    "Decisions come from the project's Rego policies, evaluated by Open Policy Agent.",
    cls=ExportCtlGroup,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    """`--version`: the package version and the revision of the bundle decisions come from,
    without starting OPA."""
    if value:
        from exportctl import __version__
        from exportctl._sidecar import default_revision

        typer.echo(f"exportctl {__version__} (bundle revision {default_revision()})")
        raise typer.Exit(0)


@app.callback()
def _group_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the package version and the bundle revision, then exit.",
        ),
    ] = False,
) -> None:
    pass


SourceArgument = Annotated[
    str,
    typer.Argument(
        metavar="FILE|-",
        help="Transaction, JSON or YAML (schemas/transaction.schema.json); `-` reads standard "
        "input.",
        show_default=False,
    ),
]


def _checked_url(ctx: typer.Context, value: str | None) -> str | None:
    """`value` when the client can use it; `EngineUnavailableError` (exit 3), naming where the
    URL came from, before the command starts otherwise."""
    if not value:
        return None
    try:
        check_opa_url(value)
    except EngineUnavailableError as e:
        source = ctx.get_parameter_source("opa_url")
        name = "EXPORTCTL_OPA_URL" if source and source.name == "ENVIRONMENT" else "--opa-url"
        raise EngineUnavailableError(f"{name}: {e}") from e
    return value


def _checked_urls(ctx: typer.Context, values: list[str] | None) -> list[str]:
    """Each of `values` checked as `_checked_url` checks one."""
    return [url for value in values or () if (url := _checked_url(ctx, value))]


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

OpaUrlsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--opa-url",
        envvar="EXPORTCTL_OPA_URL",
        callback=_checked_urls,
        metavar="URL",
        help="Base URL of a running OPA that serves the exportctl bundle; repeat it for a fleet "
        "of sidecars, which get the chunks in turn (they must serve one bundle revision, and "
        "--opa-token is sent to each). Without it, exportctl starts a local OPA sidecar with "
        "the project's policies and stops it after.",
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

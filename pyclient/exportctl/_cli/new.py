"""`exportctl new`: a filled, valid transaction of a common shape, to edit and decide.

The shapes are the YAML files in `exportctl/templates/` (package data), commented for the person
who edits them; `--format json` writes the same transaction as JSON, without the comments.
"""

from __future__ import annotations

import datetime
import importlib.resources
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer

from exportctl._cli._app import checked_date, output
from exportctl.errors import ExportCtlError, UsageError


class Shape(StrEnum):
    """The transactions `new` writes: one template each."""

    export = "export"
    reexport = "reexport"
    technology = "technology"


class DocumentFormat(StrEnum):
    """How `new` writes the transaction."""

    yaml = "yaml"
    json = "json"


_DATE_LINE = re.compile(r'^date: "[0-9]{4}-[0-9]{2}-[0-9]{2}"', re.MULTILINE)


def template(shape: Shape, day: str) -> str:
    """The template of `shape` as YAML text, its `date` set to `day`."""
    resource = importlib.resources.files("exportctl") / "templates" / f"{shape}.yaml"
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as e:
        raise ExportCtlError(f"cannot read the template {shape}: {e.strerror or e}") from e
    text, replaced = _DATE_LINE.subn(f'date: "{day}"', text, count=1)
    if not replaced:
        raise ExportCtlError(f"the template {shape} has no top-level date line")
    return text


def new_command(
    shape: Annotated[
        Shape,
        typer.Argument(
            help="`export`: from an exporter in China; `reexport`: an overseas transferor's "
            "product with its bill of materials; `technology`: rare-earth technology from China.",
            show_default=False,
        ),
    ],
    *,
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the transaction to FILE (not replaced if it exists) instead of "
            "standard output.",
            show_default=False,
        ),
    ] = None,
    document_format: Annotated[
        DocumentFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="`yaml` (commented, the default) or `json`; with --output, FILE's "
            "suffix decides when this is not given (.json: json).",
            show_default=False,
        ),
    ] = None,
    on_date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The transaction's date. Default: today (UTC).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a filled, valid transaction of a common shape, to edit and then decide.

    Every value is an example: replace them with your transaction's (the comments say what each
    field takes), check it with `exportctl validate FILE` and ask with `exportctl decide FILE`.

    Examples:

        exportctl new export -o shipment.yaml

        exportctl new reexport --format json > order.json

        exportctl new technology --date 2026-12-01
    """
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    day = checked_date("--date", on_date) if on_date is not None else today
    if document_format is None:
        is_json = output_file is not None and output_file.suffix.lower() == ".json"
        document_format = DocumentFormat.json if is_json else DocumentFormat.yaml
    text = template(shape, day)
    if document_format is DocumentFormat.json:
        from exportctl._yaml import load_yaml

        transaction = load_yaml(text.encode(), f"the template {shape}")
        text = orjson.dumps(transaction, option=orjson.OPT_INDENT_2).decode() + "\n"
    if output_file is None:
        output(text, reader_may_stop=True)
        return
    try:
        with output_file.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{output_file} exists: remove it or choose another name") from None
    except OSError as e:
        raise UsageError(f"cannot write {output_file}: {e.strerror or e}") from e
    typer.echo(f"wrote {output_file}: edit it, then `exportctl decide {output_file}`", err=True)

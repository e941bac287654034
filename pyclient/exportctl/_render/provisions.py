"""The provisions and their status on a day (`exportctl provisions`, the README's table)."""

from __future__ import annotations

import dataclasses

import orjson

from exportctl._provisions import Provision, ProvisionList
from exportctl._render.text import drawn, printable


def render_table(provisions: ProvisionList, width: int | None = None) -> str:
    """A terminal table, one provision a row, the review note as its caption."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"Provisions on {provisions.day}",
        caption=printable(provisions.note),
        show_lines=True,
    )
    for column in ("provision", "title", "legal basis", "in effect from", "suspended", "status"):
        table.add_column(column)
    for p in provisions.rows:
        basis = f"{p.instrument}, {p.article}\n{p.source}"
        suspended = "\n".join(p.suspended) or "—"
        cells = (p.id, p.title, basis, p.effective_from, suspended, p.status)
        table.add_row(*(Text(printable(cell)) for cell in cells))

    def draw(console: Console) -> None:
        console.print(table)

    return drawn(draw, width)


def render_markdown(provisions: ProvisionList, width: int | None = None) -> str:
    """The markdown table, then the review note."""
    table = markdown_table(provisions.rows, provisions.day)
    return printable(table) + "\n" + printable(provisions.note) + "\n"


def render_json(provisions: ProvisionList, width: int | None = None) -> str:
    """The provisions as a JSON array, indented by two spaces (the note is not in it)."""
    rows = [dataclasses.asdict(p) for p in provisions.rows]
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n"


def markdown_table(rows: list[Provision], date: str) -> str:
    """The provisions as a markdown table, for the README and `--format markdown`."""
    lines = [
        "| provision | what it says | legal basis | in effect from | suspended "
        f"| status on {date} |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{p.id}` | {p.title} | [{p.instrument}, {p.article}]({p.source}) "
        f"| {p.effective_from} | {'; '.join(p.suspended) or '—'} | {p.status} |"
        for p in rows
    ]
    return "\n".join(lines) + "\n"


FORMATS = {"table": render_table, "markdown": render_markdown, "json": render_json}

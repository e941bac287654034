"""The provisions and their status on a day (`exportctl provisions`, the README's table)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import orjson

from exportctl._provisions import Provision, ProvisionList
from exportctl._render.text import UrlLine, drawn, print_url, printable


def render_table(provisions: ProvisionList, width: int | None = None) -> str:
    """A terminal table, one provision a row, the review note as its caption. A source is
    numbered in the table and its URL printed whole under it, `[n]` and the URL on a line."""
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
    urls: list[str] = []

    def note(url: str) -> str:
        if url not in urls:
            urls.append(url)
        return f"[{urls.index(url) + 1}]"

    def mark(label: str, url: str) -> str:
        return f"{label} {note(url)}"

    for p in provisions.rows:
        basis = f"{p.instrument}, {p.article}\n{source_words(p, mark)}"
        suspended = "\n".join(p.suspended) or "—"
        cells = (p.id, p.title, basis, p.effective_from, suspended, p.status)
        table.add_row(*(Text(printable(cell)) for cell in cells))

    def draw(console: Console) -> None:
        console.print(table)
        for number, url in enumerate(urls, 1):
            print_url(console, UrlLine(url, 0, f"[{number}] "))

    return drawn(draw, width)


def source_words(p: Provision, show: Callable[[str, str], str]) -> str:
    """The official text and the copy read, and which one the encoding rests on, in words;
    `show(label, url)` gives a source as shown (a footnote mark, a markdown link)."""
    read_by = f" ({p.publisher})" if p.publisher else ""
    if p.official and p.official == p.source:
        return f"{show('official text', p.official)}{read_by}: the encoding rests on it"
    official = show("official text", p.official) if p.official else "official text not located"
    rests = "the official text" if p.rests_on == "official" else "the copy"
    return f"{official}; {show('copy read', p.source)}{read_by}: the encoding rests on {rests}"


def render_markdown(provisions: ProvisionList, width: int | None = None) -> str:
    """The markdown table, then the review note."""
    table = markdown_table(provisions.rows, provisions.day)
    return printable(table) + "\n" + printable(provisions.note) + "\n"


def render_json(provisions: ProvisionList, width: int | None = None) -> str:
    """The provisions as a JSON array, indented by two spaces (the note is not in it)."""
    rows = [dataclasses.asdict(p) for p in provisions.rows]
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n"


def markdown_sources(p: Provision) -> str:
    """`source_words` for markdown: each URL a link named for what it is."""
    return source_words(p, lambda label, url: f"[{label}]({url})")


def markdown_table(rows: list[Provision], date: str) -> str:
    """The provisions as a markdown table, for the README and `--format markdown`."""
    lines = [
        "| provision | what it says | legal basis | in effect from | suspended "
        f"| status on {date} |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{p.id}` | {p.title} | {p.instrument}, {p.article}: {markdown_sources(p)} "
        f"| {p.effective_from} | {'; '.join(p.suspended) or '—'} | {p.status} |"
        for p in rows
    ]
    return "\n".join(lines) + "\n"


FORMATS = {"table": render_table, "markdown": render_markdown, "json": render_json}

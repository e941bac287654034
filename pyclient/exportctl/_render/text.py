"""What every renderer shares: text without terminal controls, URLs kept whole, and drawing with
rich."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rich.console import Console

NOT_LEGAL_ADVICE = "exportctl checks the encoded rules: this is not legal advice."
"""The line every report for a person ends with (the decision's and the diff's markdown)."""

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~])?"
)
"""A terminal escape sequence: CSI (`ESC [ ... m`), an OSC, DCS, SOS, PM or APC string (up to BEL
or ST), or a short escape (`ESC c`)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 control characters except tab and newline, DEL, and C1 control characters."""
_URL = re.compile(r"https?://[^\s<>\"]+")
"""A URL in running text (its trailing punctuation is trimmed by `split_urls`)."""
_TRAILING_SPACE = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
"""Spaces at the end of a line, before any closing style codes."""


def printable(text: str) -> str:
    """`text` without anything a terminal would act on: escape sequences, C0 control characters
    (tab and newline kept), DEL and C1 control characters."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def split_urls(text: str) -> list[tuple[str, bool]]:
    """`text` cut into runs of prose and URLs, each `(run, is_url)`, in order. A URL's trailing
    `.,;:` and a `)` it does not open are left to the prose."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _URL.finditer(text):
        url = match[0]
        while url and (url[-1] in ".,;:" or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        if match.start() > position:
            runs.append((text[position : match.start()], False))
        runs.append((url, True))
        position = match.start() + len(url)
    if position < len(text):
        runs.append((text[position:], False))
    return runs


class UrlLine(NamedTuple):
    """A URL printed whole on a line of its own, after its note mark if it has one: never folded,
    a terminal hyperlink (OSC 8) where the output is a terminal. Indented by `indent` when the
    line still fits the width."""

    url: str
    indent: int = 0
    mark: str = ""


def print_url(console: Console, line: UrlLine) -> None:
    """Print `line` on `console`: the full URL, on its own line, as a hyperlink on a terminal."""
    from rich.style import Style
    from rich.text import Text

    url, mark = printable(line.url), printable(line.mark)
    indent = line.indent if line.indent + len(mark) + len(url) <= console.width else 0
    style = Style(link=url) if console.is_terminal else Style()
    text = Text.assemble(
        " " * indent, mark, Text(url, style=style), no_wrap=True, overflow="ignore"
    )
    console.print(text, soft_wrap=True, crop=False)


def drawn(draw: Callable[[Console], None], width: int | None) -> str:
    """What `draw` prints on a console for standard output, `width` columns wide (None: the
    terminal's width), as text: styled when standard output is a terminal, no line ending in a
    space."""
    from rich.console import Console

    console = Console(width=width) if width else Console()
    with console.capture() as capture:
        draw(console)
    return _TRAILING_SPACE.sub(r"\1", capture.get())

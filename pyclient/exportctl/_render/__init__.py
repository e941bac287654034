"""Everything exportctl prints, behind one interface: `render(thing, output_format) -> str`.

Each module of this package renders one kind of thing and registers its formats in `FORMATS`,
format name -> `Renderer` (the thing, and the terminal width for the terminal formats, to the
whole text to print):

    Decision        decision.py    table, markdown, json
    DiffReport      diff.py        text, markdown, json, junit (junit.py, also batch)
    Timeline        timeline.py    table, svg
    ProvisionList   provisions.py  table, markdown, json

Text from the input or from OPA is shown without terminal control characters (`printable`);
JSON is JSON-escaped instead. The modules are imported when something of their kind is drawn,
so that the CLI starts without rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from exportctl._render.text import printable

Renderer = Callable[[Any, int | None], str]
"""A format: the thing to show, the terminal width (None: the terminal's own) -> the text."""

MODULES = {
    "Decision": "decision",
    "DiffReport": "diff",
    "Timeline": "timeline",
    "ProvisionList": "provisions",
}
"""The module that renders each kind of thing, by its type's name."""


def formats(kind: str) -> dict[str, Renderer]:
    """The formats `kind` (a key of `MODULES`) can be rendered in."""
    module = importlib.import_module(f"exportctl._render.{MODULES[kind]}")
    found: dict[str, Renderer] = module.FORMATS
    return found


def render(thing: object, output_format: str, width: int | None = None) -> str:
    """`thing` in `output_format`: the whole text to print, ending with a newline."""
    return formats(type(thing).__name__)[output_format](thing, width)


__all__ = ["MODULES", "Renderer", "formats", "printable", "render"]

"""What every renderer shares: text without terminal controls, and drawing with rich."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

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


def printable(text: str) -> str:
    """`text` without anything a terminal would act on: escape sequences, C0 control characters
    (tab and newline kept), DEL and C1 control characters."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def drawn(draw: Callable[[Console], None], width: int | None) -> str:
    """What `draw` prints on a console for standard output, `width` columns wide (None: the
    terminal's width), as text: styled when standard output is a terminal."""
    from rich.console import Console

    console = Console(width=width) if width else Console()
    with console.capture() as capture:
        draw(console)
    return capture.get()

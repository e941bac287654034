"""The progress bar of `exportctl batch`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@contextmanager
def progress(console: Console, source: Path | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on `console` while the batch runs, when it is a terminal; yields the
    function to tell it how many more input lines were done. Counts the lines of `source` first
    (standard input has no known total)."""
    if not console.is_terminal:
        yield lambda lines: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    total = None
    if source is not None:
        total, last = 0, b"\n"
        with source.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                total, last = total + block.count(b"\n"), block[-1:]
        total += last != b"\n"
    columns = (TextColumn("deciding"), BarColumn(), MofNCompleteColumn(), TextColumn("lines"))
    with Progress(
        *columns, TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("batch", total=total)
        yield lambda lines: bar.advance(task, lines)

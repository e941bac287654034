"""The timeline drawn: in the terminal (rich), and as a hand-written SVG."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rich.console import Console
from rich.text import Text

from exportctl._render.text import drawn
from exportctl._timeline import Day, Instrument, Row, Timeline


@dataclass(frozen=True)
class Kind:
    """How one kind of span is drawn, and what the legend calls it."""

    key: str
    legend: str
    short: str
    glyph: str
    style: str
    fill: str
    pattern: str | None = None


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("pending", "published, not yet in force", "pending", "·", "yellow", "#E69F00"),
        Kind("in_force", "in force", "in force", "█", "green", "#009E73"),
        Kind(
            "unconfirmed",
            "in force again after a suspension ended (unconfirmed)",
            "in force again, unconfirmed",
            "▓",
            "cyan",
            "#009E73",
            "hatch",
        ),
        Kind("suspended", "suspended", "suspended", "░", "red", "#D55E00"),
        Kind("lapsed", "lapsed or repealed", "lapsed", "×", "bright_black", "#999999"),
        Kind(
            "imposes",
            "suspension or repeal it imposes on others",
            "imposed on others",
            "━",
            "magenta",
            "#CC79A7",
        ),
    )
}
ANNOUNCED = ("◆", "bold", "announced (published)")
REVIEW_GLYPH = "▼"


def _month_starts(start: Day, end: Day) -> list[Day]:
    months = []
    day = Day(start.year, start.month, 1)
    while day < end:
        if day >= start:
            months.append(day)
        day = Day(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


# --- the terminal ------------------------------------------------------------------------------


def render_terminal(timeline: Timeline, width: int | None = None) -> str:
    """One line per clause, a character per time bucket, with an axis and a legend."""
    return drawn(lambda console: _draw(timeline, console), width)


def _draw(timeline: Timeline, console: Console) -> None:
    width = max(console.width, 60)
    labels = {r.ref: _terminal_label(r) for _, r in timeline.rows}
    label_width = min(max(len(label) for label in labels.values()), 44) + 1
    cells = max(width - label_width, 20)
    per_cell = timeline.days / cells

    def cell_of(day: Day) -> int:
        return min(int((day - timeline.start).days / per_cell), cells - 1)

    review = cell_of(timeline.data_reviewed_on)
    console.print(
        Text(
            f"Timeline {timeline.start} to {timeline.end - datetime.timedelta(days=1)}, "
            f"one character ≈ {per_cell:.0f} days",
            style="bold",
        ),
        no_wrap=True,
        overflow="ellipsis",
        width=width,
    )
    marker = f"data reviewed {timeline.data_reviewed_on} {REVIEW_GLYPH}"
    pad = label_width + review + 1 - len(marker)
    if pad >= 0:
        console.print(" " * pad + marker, style="blue", no_wrap=True, width=width)
    else:
        marker_line = " " * (label_width + review) + f"{REVIEW_GLYPH} data reviewed"
        console.print(marker_line, style="blue", no_wrap=True, width=width)
    years, ticks = _terminal_axis(timeline, cells, cell_of)
    console.print(" " * label_width + years, no_wrap=True, width=width)
    console.print(" " * label_width + ticks, style="bright_black", no_wrap=True, width=width)
    for instrument in timeline.instruments:
        console.print(
            Text(f"{instrument.citation} (published {instrument.published_on})", style="bold"),
            no_wrap=True,
            overflow="ellipsis",
            width=width,
        )
        for row in instrument.rows:
            line = Text(labels[row.ref].ljust(label_width)[:label_width])
            line.append_text(_terminal_bar(timeline, instrument, row, cells, review))
            console.print(line, no_wrap=True, overflow="crop", width=width)
    legend = Text("Legend: ")
    legend.append(ANNOUNCED[0], style=ANNOUNCED[1])
    legend.append(" announced")
    for kind in KINDS.values():
        legend.append("  ")
        legend.append(kind.glyph, style=kind.style)
        legend.append(f" {kind.short}")
    legend.append("  ")
    legend.append(REVIEW_GLYPH, style="blue")
    legend.append(" data reviewed")
    console.print(legend, width=width)


def _terminal_label(row: Row) -> str:
    return f"  {row.label}" + (f" {', '.join(row.provisions)}" if row.provisions else "")


def _terminal_axis(timeline: Timeline, cells: int, cell_of: Any) -> tuple[str, str]:
    years = [" "] * cells
    ticks = ["─"] * cells
    for month in _month_starts(timeline.start, timeline.end):
        cell = cell_of(month)
        if month.month == 1:
            ticks[cell] = "┬"
            label = str(month.year)
            if cell + len(label) <= cells and all(c == " " for c in years[cell : cell + 5]):
                years[cell : cell + len(label)] = label
        elif month.month in (4, 7, 10) and ticks[cell] == "─":
            ticks[cell] = "╌" if cells / max(timeline.days / 91, 1) < 3 else "┴"
    return "".join(years), "".join(ticks)


def _terminal_bar(
    timeline: Timeline, instrument: Instrument, row: Row, cells: int, review: int
) -> Text:
    per_cell = timeline.days / cells
    bar = Text()
    for cell in range(cells):
        low = timeline.start + datetime.timedelta(days=math.floor(cell * per_cell))
        high = timeline.start + datetime.timedelta(days=math.floor((cell + 1) * per_cell))
        high = max(high, low + datetime.timedelta(days=1))
        best: tuple[int, str] | None = None
        for span in row.spans:
            overlap = (min(high, span.until or timeline.end) - max(low, span.start)).days
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, span.kind)
        glyph, style = (" ", "") if best is None else (KINDS[best[1]].glyph, KINDS[best[1]].style)
        if low <= instrument.published_on < high:
            glyph, style = ANNOUNCED[0], ANNOUNCED[1]
        if cell == review:
            style = (style + " on grey23").strip()
        bar.append(glyph, style=style or None)
    return bar


# --- SVG ---------------------------------------------------------------------------------------

SVG_WIDTH = 1280
MARGIN = 16
LABEL_WIDTH = 400
CHART_X0 = MARGIN + LABEL_WIDTH
CHART_X1 = SVG_WIDTH - MARGIN - 8
ROW_HEIGHT = 18
HEADER_HEIGHT = 22
BAR_HEIGHT = 10
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
REVIEW_COLOUR = "#0072B2"


def render_svg(timeline: Timeline, width: int | None = None) -> str:
    """The timeline as a standalone SVG document: deterministic for the same timeline."""
    scale = (CHART_X1 - CHART_X0) / timeline.days

    def x(day: Day) -> float:
        return CHART_X0 + (day - timeline.start).days * scale

    legend_y = 66
    axis_y = 134
    body_y = axis_y + 24
    height = body_y
    for instrument in timeline.instruments:
        height += HEADER_HEIGHT + ROW_HEIGHT * len(instrument.rows)
    height += 36
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{height}" '
        f'viewBox="0 0 {SVG_WIDTH} {height}" font-family="{FONT}" font-size="11" '
        'role="img" aria-labelledby="title">',
        '<title id="title">exportctl timeline: every instrument and clause of the bundle, '
        f"data reviewed {timeline.data_reviewed_on}</title>",
        "<defs>",
        '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#BFE8DA"/>'
        f'<rect width="3" height="6" fill="{KINDS["unconfirmed"].fill}"/></pattern>',
        "</defs>",
        f'<rect width="{SVG_WIDTH}" height="{height}" fill="#FFFFFF"/>',
        f'<text x="{MARGIN}" y="26" font-size="17" font-weight="bold" fill="#222222">'
        "exportctl timeline: every instrument and clause in the bundle</text>",
        f'<text x="{MARGIN}" y="44" font-size="12" fill="#444444">'
        f"From the clause calendar of the policies; the legal data was last reviewed on "
        f"{timeline.data_reviewed_on}. Rows are clauses, grouped by instrument; "
        "provision ids on the right of each label.</text>",
    ]
    out += _svg_legend(legend_y)
    out += _svg_axis(timeline, x, axis_y, height)
    y = body_y
    for index, instrument in enumerate(timeline.instruments):
        out.append(
            f'<g class="instrument" data-id={quoteattr(instrument.id)}>'
            f"<title>{escape(instrument.title)}</title>"
        )
        out.append(
            f'<rect x="{MARGIN}" y="{y}" width="{SVG_WIDTH - 2 * MARGIN}" '
            f'height="{HEADER_HEIGHT + ROW_HEIGHT * len(instrument.rows)}" '
            f'fill="{"#F4F6F8" if index % 2 == 0 else "#FFFFFF"}"/>'
        )
        out.append(
            f'<text x="{MARGIN + 4}" y="{y + 15}" font-size="12" font-weight="bold" '
            f'fill="#222222">{escape(instrument.citation)}'
            f'<tspan dx="8" font-weight="normal" fill="#555555">published '
            f"{instrument.published_on}</tspan></text>"
        )
        y += HEADER_HEIGHT
        for row in instrument.rows:
            out += _svg_row(timeline, instrument, row, x, y)
            y += ROW_HEIGHT
        out.append("</g>")
    review_x = x(timeline.data_reviewed_on)
    out.append(
        f'<line class="review" x1="{review_x:.1f}" y1="{axis_y - 36}" x2="{review_x:.1f}" '
        f'y2="{height - 30}" stroke="{REVIEW_COLOUR}" stroke-width="1.5" '
        'stroke-dasharray="5 3"/>'
    )
    out.append(
        f'<text x="{review_x - 4:.1f}" y="{axis_y - 28}" text-anchor="end" font-size="11" '
        f'font-weight="bold" fill="{REVIEW_COLOUR}">data reviewed '
        f"{timeline.data_reviewed_on}</text>"
    )
    out.append(
        f'<text x="{MARGIN}" y="{height - 12}" font-size="11" fill="#555555">'
        f"Axis: {timeline.start} to {timeline.end - datetime.timedelta(days=1)}; long ticks "
        "mark quarters, short ticks months. A span that reaches the right edge with an arrow "
        "has no recorded end.</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_legend(y: int) -> list[str]:
    out = ['<g class="legend">']
    x = MARGIN
    entries: list[tuple[str, str]] = [("announced", ANNOUNCED[2])]
    entries += [(k.key, k.legend) for k in KINDS.values()]
    entries.append(("review", "data review date"))
    for key, text in entries:
        if key == "announced":
            out.append(_diamond(x + 6, y, "#222222"))
        elif key == "review":
            out.append(
                f'<line x1="{x + 6}" y1="{y - 7}" x2="{x + 6}" y2="{y + 7}" '
                f'stroke="{REVIEW_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
            )
        else:
            out.append(_bar(key, x, x + 22, y))
        label_x = x + (16 if key in ("announced", "review") else 28)
        out.append(f'<text x="{label_x}" y="{y + 4}" fill="#222222">{escape(text)}</text>')
        x = label_x + _text_width(text) + 18
        if x > SVG_WIDTH - 240 and key != entries[-1][0]:
            x = MARGIN
            y += 18
    out.append("</g>")
    return out


def _text_width(text: str, size: float = 11) -> int:
    """A generous estimate of the width of `text` in the sans-serif font."""
    return math.ceil(len(text) * size * 0.55)


def _svg_axis(timeline: Timeline, x: Any, axis_y: int, height: int) -> list[str]:
    out = ['<g class="axis" font-size="10" fill="#444444">']
    out.append(
        f'<line x1="{CHART_X0}" y1="{axis_y}" x2="{CHART_X1}" y2="{axis_y}" stroke="#666666"/>'
    )
    months = _month_starts(timeline.start, timeline.end)
    for month in months:
        mx = x(month)
        if month.month == 1:
            out.append(
                f'<line x1="{mx:.1f}" y1="{axis_y - 20}" x2="{mx:.1f}" y2="{height - 30}" '
                'stroke="#888888" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{mx + 3:.1f}" y="{axis_y - 10}" font-size="12" font-weight="bold" '
                f'fill="#222222">{month.year}</text>'
            )
        elif month.month in (4, 7, 10):
            out.append(
                f'<line x1="{mx:.1f}" y1="{axis_y}" x2="{mx:.1f}" y2="{height - 30}" '
                'stroke="#D0D4D8" stroke-width="1"/>'
            )
        quarter = month.month in (1, 4, 7, 10)
        tick = axis_y + (8 if quarter else 4)
        out.append(
            f'<line x1="{mx:.1f}" y1="{axis_y}" x2="{mx:.1f}" y2="{tick}" stroke="#666666"/>'
        )
        if quarter:
            out.append(f'<text x="{mx + 2:.1f}" y="{axis_y + 17}">{month.strftime("%b")}</text>')
    out.append(
        f'<line x1="{CHART_X1}" y1="{axis_y}" x2="{CHART_X1}" y2="{height - 30}" stroke="#888888"/>'
    )
    out.append("</g>")
    return out


def _svg_row(timeline: Timeline, instrument: Instrument, row: Row, x: Any, y: int) -> list[str]:
    kind = "clause" if row.clause else "measures"
    mid = y + ROW_HEIGHT / 2
    out = [f'<g class="row {kind}" data-ref={quoteattr(row.ref)}>']
    out.append(
        f'<text x="{MARGIN + 16}" y="{mid + 4:.1f}" fill="#222222">{escape(row.label)}</text>'
    )
    if row.provisions:
        out.append(
            f'<text x="{CHART_X0 - 10}" y="{mid + 4:.1f}" text-anchor="end" font-family="{MONO}" '
            f'font-size="10" fill="#555555">{escape(", ".join(row.provisions))}</text>'
        )
    for span in row.spans:
        start = max(span.start, timeline.start)
        until = min(span.until, timeline.end) if span.until else timeline.end
        if until <= start:
            continue
        last = span.last_day()
        when = f"{span.start} to {last}" if last else f"from {span.start}, no recorded end"
        title = f"{row.ref}: {KINDS[span.kind].legend}, {when}"
        if span.note:
            title += f". {span.note}"
        out.append(f"<g><title>{escape(title)}</title>")
        out.append(_bar(span.kind, x(start), x(until), mid))
        if span.until is None:
            end = x(timeline.end)
            out.append(
                f'<path d="M{end:.1f},{mid - 6:.1f} L{end + 7:.1f},{mid:.1f} '
                f'L{end:.1f},{mid + 6:.1f} Z" fill="{KINDS[span.kind].fill}"/>'
            )
        out.append("</g>")
    if timeline.start <= instrument.published_on < timeline.end:
        out.append(
            f"<g><title>{escape(instrument.citation)} published "
            f"{instrument.published_on}</title>"
            f"{_diamond(x(instrument.published_on), mid, '#222222')}</g>"
        )
    out.append("</g>")
    return out


def _bar(kind: str, x0: float, x1: float, mid: float) -> str:
    style = KINDS[kind]
    fill = f"url(#{style.pattern})" if style.pattern else style.fill
    if kind == "imposes":
        return (
            f'<rect class="{kind}" x="{x0:.1f}" y="{mid - 2:.1f}" width="{x1 - x0:.1f}" '
            f'height="4" fill="{fill}"/>'
            f'<rect x="{x0:.1f}" y="{mid - 6:.1f}" width="2" height="12" fill="{fill}"/>'
            f'<rect x="{x1 - 2:.1f}" y="{mid - 6:.1f}" width="2" height="12" fill="{fill}"/>'
        )
    stroke = f' stroke="{style.fill}" stroke-width="1"' if style.pattern else ""
    return (
        f'<rect class="{kind}" x="{x0:.1f}" y="{mid - BAR_HEIGHT / 2:.1f}" '
        f'width="{x1 - x0:.1f}" height="{BAR_HEIGHT}" fill="{fill}"{stroke}/>'
    )


def _diamond(cx: float, cy: float, colour: str) -> str:
    return (
        f'<path class="announced" d="M{cx:.1f},{cy - 6:.1f} L{cx + 5:.1f},{cy:.1f} '
        f'L{cx:.1f},{cy + 6:.1f} L{cx - 5:.1f},{cy:.1f} Z" fill="{colour}" stroke="#FFFFFF" '
        'stroke-width="1"/>'
    )


FORMATS = {"table": render_terminal, "svg": render_svg}

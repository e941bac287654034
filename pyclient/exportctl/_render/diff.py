"""A diff report (`exportctl diff`) for a terminal, a pull-request comment and programs.

Every format lists a change's `Difference`s in the same order, each described by `where` (the
entry) and its values. The pull-request comment (`render_comment`) stays under GitHub's limit on
a comment whatever the corpus: a summary table by provision and outcome change, the first
changed decisions in a collapsed section, and a line naming the full report
(`full_markdown`, every change), which `exportctl diff --report FILE` writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import orjson

from exportctl._diff import KEYS, Change, Difference, DiffReport
from exportctl._render.text import NOT_LEGAL_ADVICE, printable

LINK_LIMIT = 2_000
"""The longest link to the full report the comment holds (a longer one is left out: cut, it
would lead nowhere)."""
COMMENT_LIMIT = 65_536
"""GitHub's limit on a comment body, in characters. The comment is kept under it counted in UTF-8
bytes, which are never fewer than the characters."""
SHOWN = 50
"""Changed decisions the comment shows, at most, unless told otherwise (`diff --shown`, whose
help names this number)."""
DIFFERENCES_SHOWN = 40
"""Differences of one changed decision the comment lists, at most."""
VALUE_LIMIT = 160
"""Characters of a value (a warning, a reason's facts) the comment shows; the full report shows
it whole."""

NOUNS = {
    "outcome": "outcome",
    "licensing_policy": "licensing_policy",
    "items": "item",
    "reasons": "reason",
    "not_applied": "not applied",
    "missing_facts": "missing fact",
    "warnings": "warning",
    "other": "field",
}
SIGNS = {"removed": "-", "added": "+", "changed": "~"}


def _arrow(before: str | None, after: str | None) -> str:
    return f"{before or '—'} → {after or '—'}"


def _value(value: object, limit: int | None = None) -> str:
    """A value in one line: a string as it is, anything else as compact JSON; cut to `limit`."""
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _when(change: Change) -> str:
    if change.base_date == change.head_date:
        return change.base_date
    return _arrow(change.base_date, change.head_date)


def _is_item_outcome(difference: Difference) -> bool:
    return difference.part == "items" and difference.field == "outcome"


def _is_move(difference: Difference) -> bool:
    """Whether the difference is an outcome, the licensing policy or an item's outcome: shown
    as `before → after`, without a sign."""
    return difference.part in ("outcome", "licensing_policy") or _is_item_outcome(difference)


def where(difference: Difference) -> str:
    """The entry a difference is in, for a person: `mofcom_2025_061/content_rule on item 1`,
    `item 1: category`, `1`; empty for the outcome, the licensing policy and a warning."""
    key = difference.key
    match difference.part:
        case "reasons" | "not_applied":
            return f"{key[0]} on item {key[1]}"
        case "missing_facts":
            return f"item {key[0]}: {key[1]}" + (f" (asked by {key[2]})" if key[2] else "")
        case "items" | "other":
            return key[0]
    return ""


def describe(report: DiffReport, difference: Difference, limit: int | None = None) -> str:
    """A difference in one line, without its sign: what it is in, and its values."""
    noun = NOUNS[difference.part]
    if _is_move(difference):
        name = f"item {difference.key[0]}" if _is_item_outcome(difference) else noun
        return f"{name:<17} {_arrow(difference.base, difference.head)}"
    entry = where(difference)
    if difference.kind != "changed":
        if difference.part == "warnings":
            return f"{noun:<15} {_value(difference.key[0], limit)}"
        title = (
            report.title(difference.key[0]) if difference.part in ("reasons", "not_applied") else ""
        )
        return f"{noun:<15} {entry}: {title}".rstrip(": ")
    values = f"{_value(difference.base, limit)} → {_value(difference.head, limit)}"
    return f"{noun:<15} {entry}: {difference.field or '(whole)'}  {values}"


def render_text(report: DiffReport, width: int | None = None) -> str:
    """The report for a terminal: one block per changed decision."""
    lines = [
        f"base: {report.base.label}, bundle {report.base.revision}, "
        f"data reviewed on {report.base.data_reviewed_on or '—'}",
        f"head: {report.head.label}, bundle {report.head.revision}, "
        f"data reviewed on {report.head.data_reviewed_on or '—'}",
        f"{len(report.changes)} of {report.total} decisions changed",
    ]
    for change in report.changes:
        lines += ["", f"{change.name}  {change.transaction_id}  {_when(change)}"]
        for difference in change.differences:
            text = describe(report, difference)
            lines.append(
                f"  {text}" if _is_move(difference) else f"  {SIGNS[difference.kind]} {text}"
            )
        if not _names_provisions(change):
            lines.append(f"  provisions        {', '.join(change.provisions) or 'none'}")
    return printable("\n".join(lines) + "\n")


def _names_provisions(change: Change) -> bool:
    """Whether the change's differences name a provision themselves."""
    return any(d.part in ("reasons", "not_applied", "missing_facts") for d in change.differences)


# --- markdown ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    """Text as inline code: one line; a backtick would end it, so it becomes a quote."""
    return "`" + " ".join(text.split()).replace("`", "'") + "`"


def _html_safe(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _outcome_move(change: Change) -> str:
    if change.base.outcome == change.head.outcome:
        return f"unchanged ({change.head.outcome})"
    return f"{change.base.outcome} → **{change.head.outcome}**"


def _md_difference(report: DiffReport, d: Difference, limit: int | None) -> str:
    if d.part == "outcome":
        return f"- outcome: {d.base} → **{d.head}**"
    if d.part == "licensing_policy" or _is_item_outcome(d):
        name = f"item `{d.key[0]}`" if _is_item_outcome(d) else "licensing policy"
        return f"- {name}: {_arrow(d.base, d.head)}"
    noun = NOUNS[d.part]
    if d.part == "warnings":
        return f"- {d.kind} {noun}: {_html_safe(_value(d.key[0], limit))}"
    if d.part in ("reasons", "not_applied"):
        entry = f"{_code(d.key[0])} on item {_code(d.key[1])}"
        title = f": {_html_safe(report.title(d.key[0]))}" if d.kind != "changed" else ""
    elif d.part == "missing_facts":
        entry, title = f"item {_code(d.key[0])}, {_code(d.key[1])}", ""
        if d.key[2]:
            entry += f" (asked by {_code(d.key[2])})"
    else:
        entry, title = _code(d.key[0]), ""
    if d.kind != "changed":
        return f"- {d.kind} {noun} {entry}{title}"
    values = f"{_code(_value(d.base, limit))} → {_code(_value(d.head, limit))}"
    return f"- changed {noun} {entry}: {_code(d.field or '(whole)')} {values}"


def _md_change(report: DiffReport, change: Change, limit: int | None) -> str:
    lines = [
        f"#### {_code(change.name)} ({_code(change.transaction_id)}) · {_when(change)}",
        "",
    ]
    differences = change.differences
    shown = differences if limit is None else differences[:DIFFERENCES_SHOWN]
    lines += [_md_difference(report, d, limit) for d in shown]
    if len(shown) < len(differences):
        lines.append(f"- … {len(differences) - len(shown)} more differences: see the full report")
    if not _names_provisions(change):
        lines.append(
            "- same provisions; they fired on the changed items: "
            + (
                ", ".join(f"{_code(p)} ({_html_safe(report.title(p))})" for p in change.provisions)
                or "none"
            )
        )
    return "\n".join(lines) + "\n\n"


def _summary_rows(report: DiffReport, limit: int | None) -> list[str]:
    """One row per (provision, outcome change) with how many changed decisions it is behind."""
    counts: Counter[tuple[str, str]] = Counter()
    for change in report.changes:
        move = _outcome_move(change)
        for provision in change.provisions or ["—"]:
            counts[(provision, move)] += 1
    return [
        f"| {_code(provision) if provision != '—' else '—'} "
        f"| {_cell(_value(report.title(provision), limit))} | {move} | {count} |\n"
        for (provision, move), count in sorted(counts.items(), key=lambda r: (-r[1], r[0]))
    ]


def _header(report: DiffReport, limit: int | None) -> str:
    changed = len(report.changes)
    in_outcome = sum(1 for c in report.changes if c.base.outcome != c.head.outcome)
    base, head = (_value(side.label, limit) for side in (report.base, report.head))
    lines = [
        f"## exportctl diff: {_cell(base)} → {_cell(head)}",
        "",
        f"**{changed} of {report.total} decisions changed**"
        + (f", {in_outcome} of them in outcome." if changed else "."),
        "",
        "| | base | head |",
        "|---|---|---|",
        f"| policies | {_cell(base)} | {_cell(head)} |",
        f"| bundle revision | {_code(report.base.revision)} | {_code(report.head.revision)} |",
        f"| data reviewed on | {_cell(report.base.data_reviewed_on) or '—'} "
        f"| {_cell(report.head.data_reviewed_on) or '—'} |",
    ]
    return "\n".join(lines) + "\n"


_TABLE_HEAD = (
    "\n### Changes by provision and outcome\n\n"
    "| provision | title | outcome | decisions |\n|---|---|---|---|\n"
)
_LEFT_OUT_RESERVE = 400
"""Bytes kept for the lines saying what was left out."""


class _Budget:
    """What is left of the comment's size, in UTF-8 bytes."""

    def __init__(self, limit: int | None) -> None:
        self.left = limit

    def take(self, text: str) -> bool:
        """Count `text` in when it fits; False (and nothing counted) when it does not."""
        if self.left is None:
            return True
        size = len(printable(text).encode())
        if size > self.left:
            return False
        self.left -= size
        return True


def _markdown(
    report: DiffReport, shown: int | None, limit: int | None, value_limit: int | None, tail: str
) -> str:
    header = _header(report, value_limit)
    footer = f"\n{tail}\n\n_{NOT_LEGAL_ADVICE}_\n" if tail else f"\n_{NOT_LEGAL_ADVICE}_\n"
    budget = _Budget(None if limit is None else limit - 1 - _LEFT_OUT_RESERVE)
    if not (budget.take(header) and budget.take(footer)):
        raise AssertionError("the comment's header and footer are bounded")
    if not report.changes:
        return printable(header + footer)
    out = [header]
    rows = _summary_rows(report, value_limit)
    if budget.take(_TABLE_HEAD):
        out.append(_TABLE_HEAD)
        kept = 0
        for row in rows:
            if not budget.take(row):
                break
            out.append(row)
            kept += 1
        if kept < len(rows):
            out.append(
                f"\n_{len(rows) - kept} more rows are left out here: see the full report._\n"
            )
    wanted = report.changes if shown is None else report.changes[:shown]
    opening = f"\n<details><summary>The first {{}} of {len(report.changes)} changed decisions"
    closing = "</details>\n"
    blocks: list[str] = []
    if budget.take(opening + "</summary>\n\n" + closing):
        for change in wanted:
            block = _md_change(report, change, value_limit)
            if not budget.take(block):
                break
            blocks.append(block)
    if blocks:
        summary = (
            "\n<details><summary>Every changed decision, difference by difference</summary>"
            if len(blocks) == len(report.changes)
            else opening.format(len(blocks)) + ", difference by difference</summary>"
        )
        out += [summary, "\n\n", *blocks, closing]
    left_out = len(report.changes) - len(blocks)
    if left_out:
        out.append(
            f"\n_{left_out} more changed decision{'' if left_out == 1 else 's'} "
            "are left out here: see the full report._\n"
        )
    text = printable("".join(out) + footer)
    if limit is not None and len(text.encode()) >= limit:
        raise AssertionError(f"the comment is {len(text.encode())} bytes, over {limit}")
    return text


def render_comment(
    report: DiffReport,
    shown: int = SHOWN,
    full_report: str | None = None,
    link: str | None = None,
) -> str:
    """The report as a pull-request comment, under `COMMENT_LIMIT` whatever the corpus: the
    summary table, the first `shown` changed decisions (fewer when they do not fit), and where
    the full report is (`full_report`, a file name, and `link`, where to get it)."""
    if full_report is None:
        tail = "The full report, every changed decision: `exportctl diff ... --report FILE`."
    else:
        name = _value(full_report, 200)
        link = link if link and len(link) <= LINK_LIMIT else None
        where_it_is = f"[{name}]({link})" if link else _code(name)
        if link:
            where_it_is += " (an artifact of the workflow run)"
        tail = f"The full report, every changed decision: {_html_safe(where_it_is)}."
    return _markdown(report, shown, COMMENT_LIMIT, VALUE_LIMIT, tail)


def full_markdown(report: DiffReport) -> str:
    """The full report in markdown: every changed decision, every value whole, no size limit."""
    return _markdown(report, None, None, None, "")


def render_json(report: DiffReport, width: int | None = None) -> str:
    """The report for programs: for each change, the added and removed entries by part (as
    before) and every difference."""

    def pairs(values: Iterable[tuple[str, ...]], keys: tuple[str, ...]) -> list[dict[str, str]]:
        return [dict(zip(keys, p, strict=True)) for p in values]

    document = {
        **{
            name: {
                "label": side.label,
                "revision": side.revision,
                "data_reviewed_on": side.data_reviewed_on,
            }
            for name, side in (("base", report.base), ("head", report.head))
        },
        "total": report.total,
        "changed": len(report.changes),
        "changes": [
            {
                "name": c.name,
                "transaction_id": c.transaction_id,
                "base_date": c.base_date,
                "head_date": c.head_date,
                "outcome": {"base": c.base.outcome, "head": c.head.outcome},
                "licensing_policy": {
                    "base": c.base.licensing_policy,
                    "head": c.head.licensing_policy,
                },
                "items": [{"id": i, "base": b, "head": h} for i, b, h in c.items],
                **{
                    part: {
                        "added": pairs(c.added(part), keys),
                        "removed": pairs(c.removed(part), keys),
                    }
                    for part, keys in KEYS.items()
                    if part != "items"  # `items` above: each item's outcome, base and head
                },
                "warnings": {
                    "added": [k[0] for k in c.added("warnings")],
                    "removed": [k[0] for k in c.removed("warnings")],
                },
                "differences": [
                    {
                        "part": d.part,
                        "key": list(d.key),
                        "kind": d.kind,
                        "field": d.field,
                        "base": d.base,
                        "head": d.head,
                    }
                    for d in c.differences
                ],
                "provisions": [{"id": p, "title": report.title(p)} for p in c.provisions],
            }
            for c in report.changes
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_junit(report: DiffReport, width: int | None = None) -> str:
    """The report as JUnit XML: one test case per transaction compared, failing when its
    decision changed."""
    from exportctl._render.junit import diff_suite

    return diff_suite(report)


def render_markdown(report: DiffReport, width: int | None = None) -> str:
    """The pull-request comment, without the name of a full report."""
    return render_comment(report)


FORMATS = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "junit": render_junit,
}

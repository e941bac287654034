"""Decisions for people (a terminal table, a markdown document) and for programs (JSON).

A decision that does not have the contract's shape is not shown at all: the renderers raise
`EngineError` before anything is printed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import orjson

from exportctl._models import Decision, Reason
from exportctl._render.text import (
    NOT_LEGAL_ADVICE,
    UrlLine,
    drawn,
    print_url,
    printable,
    split_urls,
)
from exportctl.errors import EngineError, ExportCtlError

if TYPE_CHECKING:  # rich is imported when something is drawn
    from rich.console import Console, RenderableType
    from rich.text import Text

OUTCOME_STYLES = {
    "prohibited": "bold white on red",
    "license_required": "bold red",
    "insufficient_information": "bold yellow",
    "licensed": "bold green",
    "exempt": "bold green",
    "not_required": "bold green",
}


class TraceLine(NamedTuple):
    """One event of OPA's pretty explanation."""

    depth: int
    """Nesting level: how many `| ` OPA put before the event."""
    event: str
    """The event, e.g. `Note "outcome license_required"`."""
    location: str
    """Where in the policy: `/exportctl/decision.rego:5` or `query:1`."""


def parse_explanation(lines: Iterable[str]) -> list[TraceLine]:
    """Split OPA's `pretty=true` explanation lines (`location   | | event`) into their parts."""
    parsed = []
    for line in lines:
        location, _, rest = line.partition(" ")
        rest = rest.lstrip(" ")
        depth = 0
        while rest.startswith("| "):
            depth += 1
            rest = rest[2:]
        parsed.append(TraceLine(depth, rest, location))
    return parsed


def explanation_text(lines: Iterable[str], revision: str) -> str:
    """OPA's explanation for a reader (`explained`), one line per entry."""
    return "\n".join(printable(line) for line in explained(lines, revision))


_FULL_TRACE_EVENTS = ("Eval ", "Exit ", "Unify ", "Index ")
"""Events only `--explain full` has: its trace is shown as OPA gives it."""
_PROVISION_FILE = re.compile(
    r"^/exportctl/provisions/(?P<id>[a-z0-9_]+/[a-z0-9_]+)/provision\.rego:"
)
_LOCAL = re.compile(r"__local\d+__")
_LOCATION = re.compile(r"^/(?P<path>[^:]+\.rego):(?P<line>\d+)$")


def explained(lines: Iterable[str], revision: str) -> list[str]:
    """OPA's explanation in words a reader of the provisions can follow.

    - `--explain fails` (Fail events): for each provision, the conditions that failed while its
      findings were evaluated, as the policy's own source lines with their file and line, each
      once (`× n` when it failed n times); OPA's compiled forms (`__local12__` variables,
      `internal.member_2`, the rewritten rule bodies of its Enter and Redo events) are not shown.
    - `--explain notes`: the trace notes, each with its location.
    - `--explain full`: OPA's whole trace as an indented tree, as it gives it.
    """
    parsed = parse_explanation(lines)
    if any(line.event.startswith(_FULL_TRACE_EVENTS) for line in parsed):
        return [f"{'  ' * line.depth}{line.event}  ({line.location})" for line in parsed]
    if any(line.event.startswith("Fail ") for line in parsed):
        return _failures_by_provision(parsed, revision)
    return [
        f"{line.event[5:]}  ({line.location})" for line in parsed if line.event.startswith("Note ")
    ]


def _failures_by_provision(parsed: Sequence[TraceLine], revision: str) -> list[str]:
    """The failed conditions under each provision's findings, grouped by provision."""
    failed: dict[str, dict[tuple[str, str], int]] = {}
    outside = 0
    within: list[str | None] = []
    for line in parsed:
        del within[line.depth :]
        match = _PROVISION_FILE.match(line.location)
        parent = within[-1] if within else None
        within.append(match["id"] if match else parent)
        if not line.event.startswith("Fail "):
            continue
        provision = match["id"] if match else parent
        if provision is None:
            outside += 1
            continue
        counts = failed.setdefault(provision, {})
        failure = (_location_name(line.location), _condition(line, revision))
        counts[failure] = counts.get(failure, 0) + 1
    out = ["What failed, by provision (each condition with the policy file and line it is on):"]
    for provision in sorted(failed):
        out.append(provision)
        for (where, condition), times in failed[provision].items():
            repeat = f"  × {times}" if times > 1 else ""
            out.append(f"  {where}: {condition}{repeat}")
    if not failed:
        out.append("(no condition of a provision failed)")
    if outside:
        out.append(
            f"{outside} failed conditions outside the provisions (input validation, the decision's"
            " assembly) are not shown: --explain full shows OPA's whole trace."
        )
    return out


def _location_name(location: str) -> str:
    """`/exportctl/lib/items/items.rego:31` as `lib/items/items.rego:31`."""
    return location.removeprefix("/exportctl/")


def _condition(line: TraceLine, revision: str) -> str:
    """What a Fail event tested: the policy's source line where the bundle directory here is the
    revision that answered and has the file, else OPA's expression without its compiler-made
    names (`__local12__` as `_`, its built-in calls as operators)."""
    source = _source_line(line.location, revision)
    if source:
        return source
    expression = _LOCAL.sub("_", line.event.removeprefix("Fail "))
    operator = _BUILTIN_CALL.fullmatch(expression)
    if operator:
        return f"{operator['a']} {_OPERATORS[operator['name']]} {operator['b']}"
    return expression


_OPERATORS = {
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "neq": "!=",
    "equal": "==",
    "internal.member_2": "in",
}
_BUILTIN_CALL = re.compile(
    r"(?P<name>gt|gte|lt|lte|neq|equal|internal\.member_2)\((?P<a>[^,()]+), (?P<b>[^()]+)\)"
)


@functools.cache
def _policy_source(path: str, revision: str) -> tuple[str, ...]:
    """The lines of a policy file of the bundle directory, or none when it cannot be read or
    is not the revision that answered (an OPA serving another bundle)."""
    from exportctl._paths import policies_dir
    from exportctl._sidecar import revision as revision_of

    try:
        policies = policies_dir()
        if revision_of(policies) != revision:
            return ()
        return tuple((policies / path).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeError, ExportCtlError):
        return ()


def _source_line(location: str, revision: str) -> str | None:
    match = _LOCATION.match(location)
    if not match:
        return None
    source = _policy_source(match["path"], revision)
    number = int(match["line"])
    return source[number - 1].strip() if 0 < number <= len(source) else None


def render_json(decision: Decision, width: int | None = None) -> str:
    """The decision as OPA returned it, with the client's `audit` added, indented by two spaces."""
    return orjson.dumps(decision.document(), option=orjson.OPT_INDENT_2).decode() + "\n"


def render_table(decision: Decision, width: int | None = None) -> str:
    """The decision for a terminal: header, items, reasons and what did not apply. URLs are
    printed whole on lines of their own (hyperlinks on a terminal), never folded."""
    parts = _shown(_table_parts, decision)

    def draw(console: Console) -> None:
        for part, soft_wrap in parts:
            if isinstance(part, UrlLine):
                print_url(console, part)
            else:
                console.print(part, soft_wrap=soft_wrap)

    return drawn(draw, width)


def render_markdown(decision: Decision, width: int | None = None) -> str:
    """The decision as a markdown document with the same sections as the table, ending with the
    not-legal-advice line; `EngineError` for a decision that breaks the contract."""
    return _shown(_markdown, decision)


R = TypeVar("R")


def _shown(render: Callable[[Decision], R], decision: Decision) -> R:
    """`render(decision)`; `EngineError` when the decision is not shaped as the contract says."""
    try:
        return render(decision)
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise EngineError(
            f"the policy answered a decision that cannot be shown: {type(e).__name__}: {e}"
        ) from e


class Row(NamedTuple):
    """One line of a reason block: a label, its value and, for a source, the URL shown whole."""

    label: str
    value: str
    url: str | None = None


LABEL_WIDTH = len("In effect from")
"""The width of a reason block's labels, so that its rows line up across URL lines."""

Part = tuple["RenderableType | UrlLine", bool]
"""What the table prints, in order: a renderable or a URL line, and whether it soft-wraps."""


def _table_parts(decision: Decision) -> list[Part]:
    """What `render_table` prints, in order, each with whether it is soft-wrapped."""
    from rich.table import Table
    from rich.text import Text

    header = Table.grid(padding=(0, 2))
    header.add_row(Text("Transaction", style="bold"), _text(decision.transaction_id))
    header.add_row(Text("Date", style="bold"), _text(decision.date))
    header.add_row(Text("Outcome", style="bold"), _outcome_text(decision.outcome))
    if decision.licensing_policy:
        header.add_row(Text("Licensing policy", style="bold"), _text(decision.licensing_policy))
    parts: list[RenderableType | UrlLine] = [header]

    with_de_minimis = any(item.de_minimis for item in decision.items)
    items = Table(title="Items", title_justify="left", show_edge=False)
    items.add_column("Item")
    items.add_column("Outcome")
    if with_de_minimis:
        items.add_column("De minimis", overflow="fold")
    for item in decision.items:
        cells = [_text(item.id), _outcome_text(item.outcome)]
        if with_de_minimis:
            cells.append(_text(_de_minimis(item.de_minimis) if item.de_minimis else ""))
        items.add_row(*cells)
    parts += [Text(), items]

    if decision.reasons:
        parts += [Text(), Text("Reasons", style="bold underline")]
    for reason in decision.reasons:
        title = Text.assemble(
            _text(reason.provision, "bold cyan"), "  ", _text(reason.title, "bold")
        )
        rows = _reason_rows(reason)
        facts = _shown_facts(decision, reason)
        rows.append(Row("Facts", "\n".join(f"{key}: {value}" for key, value in facts)))
        parts += [Text(), title, *_row_parts(rows)]

    parts += _section(
        "Not applied",
        ("Provision", "Item", "Because", "Would apply from"),
        [(n.provision, n.item, n.because, n.would_apply_from or "") for n in decision.not_applied],
    )
    parts += _section(
        "Missing facts",
        ("Item", "Field", "Why"),
        [(m.item, m.field, m.why) for m in decision.missing_facts],
    )
    if decision.warnings:
        parts += [Text(), Text("Warnings", style="bold yellow")]
        notes: list[str] = []
        for head, rests in _grouped_warnings(decision.warnings):
            parts.append(_flowed("  • ", head, notes))
            parts += [_flowed("      – ", rest, notes) for rest in rests]
        if notes:
            parts += [Text(), *_notes(notes)]
    parts += [Text(), _text(_policy_line(decision), "dim")]
    shown: list[Part] = [(part, False) for part in parts]
    if decision.explanation:
        shown += [(Text(), False), (Text("OPA explanation", style="bold underline"), False)]
        shown += [
            (_text(line), True)
            for line in explained(decision.explanation, decision.policy.revision)
        ]
    return shown


def _row_parts(rows: Sequence[Row]) -> list[RenderableType | UrlLine]:
    """A reason block: label and value rows as a grid, each source's URL on its own line."""
    from rich.table import Table

    parts: list[RenderableType | UrlLine] = []
    block: Table | None = None
    for row in rows:
        if block is None:
            block = Table.grid(padding=(0, 2))
            block.add_column(style="dim", no_wrap=True, width=LABEL_WIDTH)
            block.add_column(overflow="fold")
        block.add_row(
            row.label, _outcome_text(row.value) if row.label == "Outcome" else _text(row.value)
        )
        if row.url:
            parts += [block, UrlLine(row.url, LABEL_WIDTH + 2)]
            block = None
    if block is not None:
        parts.append(block)
    return parts


def _flowed(bullet: str, text: str, notes: list[str]) -> RenderableType:
    """`text` after `bullet`, wrapped under itself, each URL in it replaced by a note mark `[n]`
    whose URL `notes` collects (and `_notes` prints whole, each on its own line)."""
    from rich.table import Table

    shown = []
    for run, is_url in split_urls(text):
        if is_url:
            if run not in notes:
                notes.append(run)
            run = f"[{notes.index(run) + 1}]"
        shown.append(run)
    grid = Table.grid()
    grid.add_column(no_wrap=True, width=len(bullet))
    grid.add_column(overflow="fold")
    grid.add_row(bullet, _text("".join(shown)))
    return grid


def _notes(notes: Sequence[str]) -> list[UrlLine]:
    """The URLs of the note marks, `[n] URL`, each whole on a line of its own."""
    return [UrlLine(url, 0, f"[{number}] ") for number, url in enumerate(notes, 1)]


def _grouped_warnings(warnings: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The warnings, those that open with the same words up to a colon under that opening once:
    `(opening, [the rest of each])`; a warning no other shares its opening with is `(it, [])`."""
    openings = [w.split(": ", 1)[0] + ":" if ": " in w else None for w in warnings]
    groups: list[tuple[str, list[str]]] = []
    for warning, opening in zip(warnings, openings, strict=True):
        if opening and openings.count(opening) > 1:
            rest = warning[len(opening) :].strip()
            if groups and groups[-1][0] == opening:
                groups[-1][1].append(rest)
            else:
                groups.append((opening, [rest]))
        else:
            groups.append((warning, []))
    return groups


def _markdown(decision: Decision) -> str:
    out = [
        f"# Export decision for {_md(decision.transaction_id)}",
        "",
        "| | |",
        "|---|---|",
        f"| Date | {_md(decision.date)} |",
        f"| Outcome | **{_md(decision.outcome)}** |",
    ]
    if decision.licensing_policy:
        out.append(f"| Licensing policy | {_md(decision.licensing_policy)} |")
    out += ["", "## Items", ""]
    if any(item.de_minimis for item in decision.items):
        out += _md_table(
            ("Item", "Outcome", "De minimis"),
            [
                (i.id, i.outcome, _de_minimis(i.de_minimis) if i.de_minimis else "")
                for i in decision.items
            ],
        )
    else:
        out += _md_table(("Item", "Outcome"), [(i.id, i.outcome) for i in decision.items])
    if decision.reasons:
        out += ["", "## Reasons"]
    for reason in decision.reasons:
        out += ["", f"### {_md(reason.provision)}: {_md(reason.title)}", ""]
        for row in _reason_rows(reason):
            link = f" <{_md(row.url)}>" if row.url else ""
            out.append(f"- **{row.label}:** {_md(row.value)}{link}")
        out.append("- **Facts:**")
        out += [f"  - {_md(key)}: {_md(value)}" for key, value in _shown_facts(decision, reason)]
    if decision.not_applied:
        out += ["", "## Not applied", ""]
        out += _md_table(
            ("Provision", "Item", "Because", "Would apply from"),
            [
                (n.provision, n.item, n.because, n.would_apply_from or "")
                for n in decision.not_applied
            ],
        )
    if decision.missing_facts:
        out += ["", "## Missing facts", ""]
        out += _md_table(
            ("Item", "Field", "Why"), [(m.item, m.field, m.why) for m in decision.missing_facts]
        )
    if decision.warnings:
        out += ["", "## Warnings", ""]
        for head, rests in _grouped_warnings(decision.warnings):
            out.append(f"- {_md_linked(head)}")
            out += [f"  - {_md_linked(rest)}" for rest in rests]
    out += ["", "---", "", _md(_policy_line(decision))]
    if decision.explanation:
        fence = "`" * 3
        tree = explanation_text(decision.explanation, decision.policy.revision).replace(
            fence, "'" * 3
        )
        out += ["", "## OPA explanation", "", fence + "text", tree, fence]
    out += ["", f"*{NOT_LEGAL_ADVICE}*"]
    return "\n".join(line.rstrip() for line in "\n".join(out).split("\n")) + "\n"


def _reason_rows(reason: Reason) -> list[Row]:
    """The lines of a reason block, facts excepted: what it says, its legal basis, how sure the
    record is, and its sources, the official text and the copy read, each said once."""
    citation = reason.citation
    rows = [
        Row("Item", _string(reason.item)),
        Row("Outcome", _string(reason.outcome)),
        Row("Legal basis", f"{_string(citation.instrument)}, {_string(citation.article)}"),
        Row("In effect from", _string(citation.effective_from or "—")),
    ]
    if reason.confidence:
        rows.append(Row("Confidence", f"{_string(reason.confidence)} (the clause record's)"))
    rows += _source_rows(reason)
    if reason.licence:
        rows.append(Row("Licence", _licence(reason.licence)))
    return rows


def _source_rows(reason: Reason) -> list[Row]:
    """The official text (or that it was not located) and the copy read, with what the encoding
    rests on; one row when the copy read is the official page itself."""
    citation = reason.citation
    if citation.read is None:  # a decision from a bundle before `read`: its url only
        return [Row("Source", "the text read", _string(citation.url))]
    read_url = _string(citation.read["url"])
    publisher = _string(citation.read.get("publisher", "publisher not recorded"))
    official = citation.official
    on_official = citation.rests_on == "official"
    if official and official.get("url") == read_url:
        how = "the encoding rests on it" if on_official else "read there"
        return [
            Row(
                "Official text", f"{_string(official['title'])}; read: {publisher}; {how}", read_url
            )
        ]
    rows = []
    if official:
        rests = "the encoding rests on it" if on_official else "not the text the encoding rests on"
        rows.append(
            Row("Official text", f"{_string(official['title'])}; {rests}", _string(official["url"]))
        )
    else:
        rows.append(Row("Official text", "official text not located"))
    rests = "the encoding rests on this copy" if not on_official else "a copy of the official text"
    kind = "secondary copy" if not on_official else "official copy"
    rows.append(Row("Text read", f"{publisher} ({kind}); {rests}", read_url))
    return rows


_DE_MINIMIS_SHOWN = ("ratio", "threshold", "cn_content_value", "item_value", "currency", "lines")
"""The de minimis fields the Items table shows for an item (`_de_minimis`)."""


def _shown_facts(decision: Decision, reason: Reason) -> list[tuple[str, str]]:
    """The reason's facts as `(key, value)`, less those the decision already shows elsewhere:
    what the Items table gives of the item's de minimis test, a list that only repeats the
    single value of its singular (`control_codes` beside `control_code`), and a long text a
    warning quotes."""
    de_minimis: Mapping[str, Any] = next(
        (i.de_minimis for i in decision.items if i.id == reason.item and i.de_minimis), {}
    )
    shown = []
    for key, value in reason.facts.items():
        if key in _DE_MINIMIS_SHOWN and de_minimis.get(key) == value:
            continue
        singular = reason.facts.get(key.removesuffix("s")) if key.endswith("s") else None
        if isinstance(value, list) and singular is not None and value == [singular]:
            continue
        text = _fact_value(value)
        if len(text) > 40 and any(text in warning for warning in decision.warnings):
            continue
        shown.append((key, text))
    return shown


def _section(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> list[RenderableType]:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        return []
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")  # a narrow column wraps, never cuts with "…"
    for row in rows:
        table.add_row(*(_text(cell) for cell in row))
    return [Text(), table]


def _string(value: object) -> str:
    """`value`, which the contract says is a string; `TypeError` when it is not."""
    if not isinstance(value, str):
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        raise TypeError(f"expected a string, got {type(value).__name__} {shown}")
    return value


def _text(value: object, style: str = "") -> Text:
    """Text from the input or from OPA, without terminal control characters."""
    from rich.text import Text

    return Text(printable(_string(value)), style=style)


def _outcome_text(outcome: str) -> Text:
    from rich.text import Text

    shown = printable(_string(outcome)).replace("_", " ").upper()
    return Text(shown, style=OUTCOME_STYLES.get(outcome, "bold"))


def _policy_line(decision: Decision) -> str:
    policy = decision.policy
    revision, reviewed = _string(policy.revision), _string(policy.data_reviewed_on)
    return f"policy revision {revision} · data reviewed on {reviewed}"


def _de_minimis(test: Mapping[str, Any]) -> str:
    ratio, threshold = _percent(test.get("ratio")), _percent(test.get("threshold"))
    summary = (
        f"{ratio} China-origin content (threshold {threshold}): {test.get('cn_content_value')}"
        f" of {test.get('item_value')} {test.get('currency', '')}"
    )
    lines = ", ".join(_string(line) for line in test.get("lines", ()))
    return f"{summary}, lines {lines}" if lines else summary


def _licence(licence: Mapping[str, Any]) -> str:
    parts = [str(licence.get("id", "?"))]
    if "issuer" in licence:
        parts.append(f"issued by {licence['issuer']}")
    if "valid_until" in licence:
        parts.append(f"valid until {licence['valid_until']}")
    return ", ".join(parts)


def _percent(fraction: object) -> str:
    if isinstance(fraction, int | float):
        return f"{fraction * 100:.4g} %"
    return "?"


def _fact_value(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return orjson.dumps(value).decode()


def _md(text: object) -> str:
    return printable(_string(text)).replace("|", "\\|").replace("\n", " ")


def _md_linked(text: str) -> str:
    """`text` for markdown, each URL in it an autolink `<url>`, so that it is never cut."""
    return "".join(f"<{_md(run)}>" if is_url else _md(run) for run, is_url in split_urls(text))


def _md_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows),
    ]


FORMATS = {"table": render_table, "markdown": render_markdown, "json": render_json}

"""Decisions for people (a terminal table, a markdown document) and for programs (JSON).

A decision that does not have the contract's shape is not shown at all: the renderers raise
`EngineError` before anything is printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import orjson

from exportctl._models import Decision, Reason
from exportctl._render.text import drawn, printable
from exportctl.errors import EngineError

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


def explanation_text(lines: Iterable[str]) -> str:
    """OPA's explanation as an indented tree, one event per line, its location at the end."""
    return "\n".join(
        printable(f"{'  ' * line.depth}{line.event}  ({line.location})")
        for line in parse_explanation(lines)
    )


def render_json(decision: Decision, width: int | None = None) -> str:
    """The decision as OPA returned it, with the client's `audit` added, indented by two spaces."""
    return orjson.dumps(decision.document(), option=orjson.OPT_INDENT_2).decode() + "\n"


def render_table(decision: Decision, width: int | None = None) -> str:
    """The decision for a terminal: header, items, reasons and what did not apply."""
    parts = _shown(_table_parts, decision)

    def draw(console: Console) -> None:
        for part, soft_wrap in parts:
            console.print(part, soft_wrap=soft_wrap)

    return drawn(draw, width)


def render_markdown(decision: Decision, width: int | None = None) -> str:
    """The decision as a markdown document with the same sections as the table; `EngineError`
    for a decision that breaks the contract."""
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


def _table_parts(decision: Decision) -> list[tuple[RenderableType, bool]]:
    """What `render_table` prints, in order, each with whether it is soft-wrapped."""
    from rich.table import Table
    from rich.text import Text

    header = Table.grid(padding=(0, 2))
    header.add_row(Text("Transaction", style="bold"), _text(decision.transaction_id))
    header.add_row(Text("Date", style="bold"), _text(decision.date))
    header.add_row(Text("Outcome", style="bold"), _outcome_text(decision.outcome))
    if decision.licensing_policy:
        header.add_row(Text("Licensing policy", style="bold"), _text(decision.licensing_policy))
    parts: list[RenderableType] = [header]

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
        block = Table.grid(padding=(0, 2))
        block.add_column(style="dim", no_wrap=True)
        block.add_column(overflow="fold")
        for label, value in _reason_rows(reason):
            block.add_row(label, _outcome_text(value) if label == "Outcome" else _text(value))
        facts = "\n".join(f"{key}: {_fact_value(value)}" for key, value in reason.facts.items())
        block.add_row("Facts", _text(facts))
        parts += [Text(), title, block]

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
        parts += [Text.assemble("  • ", _text(warning)) for warning in decision.warnings]
    parts += [Text(), _text(_policy_line(decision), "dim")]
    shown = [(part, False) for part in parts]
    if decision.explanation:
        shown += [(Text(), False), (Text("OPA explanation", style="bold underline"), False)]
        for line in parse_explanation(decision.explanation):
            event = Text.assemble("  " * line.depth, _text(line.event), "  ")
            shown.append((Text.assemble(event, _text(line.location, "dim")), True))
    return shown


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
        out += [f"- **{label}:** {_md(value)}" for label, value in _reason_rows(reason)]
        out.append("- **Facts:**")
        out += [f"  - {_md(key)}: {_md(_fact_value(value))}" for key, value in reason.facts.items()]
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
        out += [f"- {_md(warning)}" for warning in decision.warnings]
    out += ["", "---", "", _md(_policy_line(decision))]
    if decision.explanation:
        fence = "`" * 3
        tree = explanation_text(decision.explanation).replace(fence, "'" * 3)
        out += ["", "## OPA explanation", "", fence + "text", tree, fence]
    return "\n".join(out) + "\n"


def _reason_rows(reason: Reason) -> list[tuple[str, str]]:
    """Label and value of each line of a reason block, facts excepted."""
    citation = reason.citation
    rows = [
        ("Item", _string(reason.item)),
        ("Outcome", _string(reason.outcome)),
        ("Legal basis", f"{_string(citation.instrument)}, {_string(citation.article)}"),
        ("In effect from", _string(citation.effective_from or "—")),
        ("Source", _string(citation.url)),
    ]
    if reason.licence:
        rows.append(("Licence", _licence(reason.licence)))
    return rows


def _section(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> list[RenderableType]:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        return []
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in columns:
        table.add_column(column)
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


def _md_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows),
    ]


FORMATS = {"table": render_table, "markdown": render_markdown, "json": render_json}

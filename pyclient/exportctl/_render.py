"""Decisions for people (a terminal table, a markdown document) and for programs (JSON)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from exportctl._models import Decision, Reason

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
        f"{'  ' * line.depth}{line.event}  ({line.location})" for line in parse_explanation(lines)
    )


def render_json(decision: Decision) -> str:
    """The decision as OPA returned it, with the client's `audit` added, indented by two spaces."""
    return orjson.dumps(decision.document(), option=orjson.OPT_INDENT_2).decode()


def render_table(decision: Decision, console: Console | None = None) -> None:
    """Print the decision to a terminal: header, items, reasons and what did not apply."""
    console = console or Console()
    header = Table.grid(padding=(0, 2))
    header.add_row(Text("Transaction", style="bold"), Text(decision.transaction_id))
    header.add_row(Text("Date", style="bold"), Text(decision.date))
    header.add_row(Text("Outcome", style="bold"), _outcome_text(decision.outcome))
    if decision.licensing_policy:
        header.add_row(Text("Licensing policy", style="bold"), Text(decision.licensing_policy))
    console.print(header)

    with_de_minimis = any(item.de_minimis for item in decision.items)
    items = Table(title="Items", title_justify="left", show_edge=False)
    items.add_column("Item")
    items.add_column("Outcome")
    if with_de_minimis:
        items.add_column("De minimis", overflow="fold")
    for item in decision.items:
        cells = [Text(item.id), _outcome_text(item.outcome)]
        if with_de_minimis:
            cells.append(Text(_de_minimis(item.de_minimis) if item.de_minimis else ""))
        items.add_row(*cells)
    console.print()
    console.print(items)

    if decision.reasons:
        console.print()
        console.print(Text("Reasons", style="bold underline"))
    for reason in decision.reasons:
        console.print()
        console.print(Text.assemble((reason.provision, "bold cyan"), "  ", (reason.title, "bold")))
        block = Table.grid(padding=(0, 2))
        block.add_column(style="dim", no_wrap=True)
        block.add_column(overflow="fold")
        for label, value in _reason_rows(reason):
            block.add_row(label, _outcome_text(value) if label == "Outcome" else Text(value))
        facts = "\n".join(f"{key}: {_fact_value(value)}" for key, value in reason.facts.items())
        block.add_row("Facts", Text(facts))
        console.print(block)

    _print_section(
        console,
        "Not applied",
        ("Provision", "Item", "Because", "Would apply from"),
        [(n.provision, n.item, n.because, n.would_apply_from or "") for n in decision.not_applied],
    )
    _print_section(
        console,
        "Missing facts",
        ("Item", "Field", "Why"),
        [(m.item, m.field, m.why) for m in decision.missing_facts],
    )
    if decision.warnings:
        console.print()
        console.print(Text("Warnings", style="bold yellow"))
        for warning in decision.warnings:
            console.print(Text(f"  • {warning}"))
    console.print()
    console.print(Text(_policy_line(decision), style="dim"))
    if decision.explanation:
        console.print()
        console.print(Text("OPA explanation", style="bold underline"))
        for line in parse_explanation(decision.explanation):
            console.print(
                Text.assemble("  " * line.depth, line.event, "  ", (line.location, "dim")),
                soft_wrap=True,
            )


def render_markdown(decision: Decision) -> str:
    """The decision as a markdown document with the same sections as the table."""
    out = [
        f"# Export decision for {_md(decision.transaction_id)}",
        "",
        "| | |",
        "|---|---|",
        f"| Date | {decision.date} |",
        f"| Outcome | **{decision.outcome}** |",
    ]
    if decision.licensing_policy:
        out.append(f"| Licensing policy | {decision.licensing_policy} |")
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
        out += [
            "",
            "## OPA explanation",
            "",
            "```text",
            explanation_text(decision.explanation),
            "```",
        ]
    return "\n".join(out) + "\n"


def _reason_rows(reason: Reason) -> list[tuple[str, str]]:
    """Label and value of each line of a reason block, facts excepted."""
    rows = [
        ("Item", reason.item),
        ("Outcome", reason.outcome),
        ("Legal basis", f"{reason.citation.instrument}, {reason.citation.article}"),
        ("In effect from", reason.citation.effective_from or "—"),
        ("Source", reason.citation.url),
    ]
    if reason.licence:
        rows.append(("Licence", _licence(reason.licence)))
    return rows


def _print_section(
    console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    if not rows:
        return
    table = Table(title=title, title_justify="left", show_edge=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print()
    console.print(table)


def _outcome_text(outcome: str) -> Text:
    return Text(outcome.replace("_", " ").upper(), style=OUTCOME_STYLES.get(outcome, "bold"))


def _policy_line(decision: Decision) -> str:
    policy = decision.policy
    return f"policy revision {policy.revision} · data reviewed on {policy.data_reviewed_on}"


def _de_minimis(test: Mapping[str, Any]) -> str:
    ratio, threshold = _percent(test.get("ratio")), _percent(test.get("threshold"))
    summary = (
        f"{ratio} China-origin content (threshold {threshold}): {test.get('cn_content_value')}"
        f" of {test.get('item_value')} {test.get('currency', '')}"
    )
    lines = ", ".join(test.get("lines", ()))
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


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows),
    ]

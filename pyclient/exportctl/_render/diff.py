"""A diff report (`exportctl diff`) for a terminal, a pull-request comment and programs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import orjson

from exportctl._diff import Change, DiffReport, Pair
from exportctl._render.text import printable

PARTS = (("reasons", "reason"), ("not_applied", "not applied"), ("missing_facts", "missing fact"))


def _arrow(before: str | None, after: str | None) -> str:
    return f"{before or '—'} → {after or '—'}"


def _pairs_changed(change: Change) -> Iterator[tuple[str, str, str, str, str]]:
    """`(part, noun, "removed" or "added", a, b)` for each pair of `PARTS` the change removed,
    then added, part by part."""
    for part, noun in PARTS:
        for verb, pairs in (("removed", change.removed(part)), ("added", change.added(part))):
            for a, b in pairs:
                yield part, noun, verb, a, b


def _when(change: Change) -> str:
    if change.base_date == change.head_date:
        return change.base_date
    return _arrow(change.base_date, change.head_date)


def render_text(report: DiffReport, width: int | None = None) -> str:
    """The report for a terminal: one block per changed decision."""
    lines = [
        f"base: {report.base.label}, bundle {report.base.revision}",
        f"head: {report.head.label}, bundle {report.head.revision}",
        f"{len(report.changes)} of {report.total} decisions changed",
    ]
    for change in report.changes:
        lines += ["", f"{change.name}  {change.transaction_id}  {_when(change)}"]
        if change.base.outcome != change.head.outcome:
            lines.append(f"  outcome           {_arrow(change.base.outcome, change.head.outcome)}")
        if change.base.licensing_policy != change.head.licensing_policy:
            policy = _arrow(change.base.licensing_policy, change.head.licensing_policy)
            lines.append(f"  licensing_policy  {policy}")
        for item, before, after in change.items:
            lines.append(f"  item {item:<12} {_arrow(before, after)}")
        for part, noun, verb, a, b in _pairs_changed(change):
            sign = "-" if verb == "removed" else "+"
            if part == "missing_facts":
                lines.append(f"  {sign} {noun:<15} item {a}: {b}")
            else:
                title = report.title(a)
                lines.append(f"  {sign} {noun:<15} {a} on item {b}: {title}".rstrip(": "))
        if not any(change.added(p) or change.removed(p) for p, _ in PARTS):
            behind = ", ".join(change.provisions) or "none"
            lines.append(f"  provisions        {behind}")
    return printable("\n".join(lines) + "\n")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: DiffReport, width: int | None = None) -> str:
    """The report as a pull-request comment: summary counts, a table, then each change."""
    changed = len(report.changes)
    outcome_moves = Counter(
        (c.base.outcome, c.head.outcome) for c in report.changes if c.base.outcome != c.head.outcome
    )
    out = [
        f"## exportctl diff: {_md(report.base.label)} → {_md(report.head.label)}",
        "",
        f"**{changed} of {report.total} decisions changed**"
        + (f", {sum(outcome_moves.values())} of them in outcome." if changed else "."),
        "",
        "| | base | head |",
        "|---|---|---|",
        f"| policies | {_md(report.base.label)} | {_md(report.head.label)} |",
        f"| bundle revision | `{report.base.revision}` | `{report.head.revision}` |",
    ]
    if not changed:
        return "\n".join(out) + "\n"
    out += ["", "| outcome | decisions |", "|---|---|"]
    for (before, after), count in sorted(outcome_moves.items()):
        out.append(f"| {before} → **{after}** | {count} |")
    unchanged = changed - sum(outcome_moves.values())
    if unchanged:
        out.append(f"| unchanged outcome, other parts changed | {unchanged} |")

    provisions: dict[str, Counter[str]] = {}
    for change in report.changes:
        for part, _ in PARTS[:2]:
            for sign, pairs in (("+", change.added(part)), ("−", change.removed(part))):
                for provision, _item in pairs:
                    provisions.setdefault(provision, Counter())[f"{sign}{part}"] += 1
    if provisions:
        out += [
            "",
            "### Provisions behind the changes",
            "",
            "| provision | title | reasons +/− | not applied +/− |",
            "|---|---|---|---|",
        ]
        for provision, counts in sorted(provisions.items()):
            out.append(
                f"| `{provision}` | {_md(report.title(provision))} "
                f"| +{counts['+reasons']} / −{counts['−reasons']} "
                f"| +{counts['+not_applied']} / −{counts['−not_applied']} |"
            )

    out += [
        "",
        "### Changed decisions",
        "",
        "| transaction | date | outcome | licensing policy | provisions |",
        "|---|---|---|---|---|",
    ]
    for change in report.changes:
        outcome = (
            f"{change.base.outcome} → **{change.head.outcome}**"
            if change.base.outcome != change.head.outcome
            else change.head.outcome
        )
        policy = (
            _arrow(change.base.licensing_policy, change.head.licensing_policy)
            if change.base.licensing_policy != change.head.licensing_policy
            else change.head.licensing_policy or "—"
        )
        out.append(
            f"| `{_md(change.name)}` (`{_md(change.transaction_id)}`) | {_when(change)} "
            f"| {outcome} | {policy} | {_md(_signed_provisions(change))} |"
        )

    out += ["", "<details><summary>Each change, provision by provision</summary>", ""]
    for change in report.changes:
        out.append(f"#### `{_md(change.name)}`")
        out.append("")
        for item_id, was, now in change.items:
            out.append(f"- item `{item_id}`: {_arrow(was, now)}")
        for part, noun, verb, a, b in _pairs_changed(change):
            if part == "missing_facts":
                out.append(f"- {verb} {noun}: item `{a}`, `{b}`")
            else:
                out.append(f"- {verb} {noun} `{a}` on item `{b}`: {report.title(a)}")
        if not any(change.added(p) or change.removed(p) for p, _ in PARTS):
            out.append(
                "- same provisions; they fired on the changed items: "
                + (", ".join(f"`{p}` ({report.title(p)})" for p in change.provisions) or "none")
            )
        out.append("")
    out.append("</details>")
    return printable("\n".join(out) + "\n")


def _signed_provisions(change: Change) -> str:
    signs: dict[str, str] = {}
    for part in ("reasons", "not_applied"):
        suffix = "" if part == "reasons" else " (not applied)"
        for provision, _ in change.removed(part):
            signs.setdefault(f"−`{provision}`{suffix}", "")
        for provision, _ in change.added(part):
            signs.setdefault(f"+`{provision}`{suffix}", "")
    if not signs:
        return ", ".join(f"`{p}`" for p in change.provisions) or "—"
    return ", ".join(signs)


def render_json(report: DiffReport, width: int | None = None) -> str:
    """The report for programs."""

    def pairs(values: Iterable[Pair], keys: tuple[str, str]) -> list[dict[str, str]]:
        return [dict(zip(keys, p, strict=True)) for p in values]

    document = {
        "base": {"label": report.base.label, "revision": report.base.revision},
        "head": {"label": report.head.label, "revision": report.head.revision},
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
                    for part, keys in (
                        ("reasons", ("provision", "item")),
                        ("not_applied", ("provision", "item")),
                        ("missing_facts", ("item", "field")),
                    )
                },
                "provisions": [{"id": p, "title": report.title(p)} for p in c.provisions],
            }
            for c in report.changes
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


FORMATS = {"text": render_text, "markdown": render_markdown, "json": render_json}

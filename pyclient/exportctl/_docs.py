"""Documents generated from the bundle: `make docs` writes them, the tests fail when they are stale.

- README.md, between `<!-- provisions -->` markers: every provision with its dates and its status
  on the day the data was last reviewed (`policies/exportctl/config/data.json`).
- README.md, between `<!-- run-output -->` markers: what `make run` prints (`exportctl decide`
  of the Makefile's `EXAMPLE`, its standard output as in a pipe, 80 columns, and its exit code).
- README.md, between `<!-- vietnam-question -->` markers: the Vietnam question from start to
  answer: `exportctl new export`, the file as edited (`VIETNAM_EDITS`), and what `exportctl decide`
  prints for it, as for `make run`.
- docs/provisions.md: the reference of every provision: METADATA, legal basis, dates, the clause
  record's confidence and interpretation notes, and the scenario cases that exercise it.
- docs/timeline.svg: every instrument's life on one time axis (`exportctl timeline --svg`).
- examples/orders.jsonl: the example transactions, one per line, for the README's `batch` and
  `diff --corpus` commands.
- policies/exportctl/schemas/data.json: schemas/transaction.schema.json, as JSON text, without its
  titles and descriptions, the copy the policy validates its input against (json.match_schema
  compiles the schema on every decision, and the annotations only cost time there).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from exportctl._paths import PROJECT_ROOT, TRANSACTION_SCHEMA, policies_dir
from exportctl._provisions import Reference, provisions, references
from exportctl._render.provisions import markdown_sources, markdown_table

README = PROJECT_ROOT / "README.md"
BLOCK = re.compile(r"(<!-- provisions -->\n)(.*?)(<!-- /provisions -->)", re.DOTALL)
RUN_BLOCK = re.compile(r"(<!-- run-output -->\n)(.*?)(<!-- /run-output -->)", re.DOTALL)
VIETNAM_BLOCK = re.compile(
    r"(<!-- vietnam-question -->\n)(.*?)(<!-- /vietnam-question -->)", re.DOTALL
)
VIETNAM_EDITS = [
    (r'^date: "[0-9-]+"', 'date: "2026-12-01"'),
    (r'^destination: "DE"', 'destination: "VN"'),
    (r'country: "DE"', 'country: "VN"'),
    (r"Example Antriebe GmbH", "Example Motors Vietnam Co., Ltd."),
]
"""What the README's reader changes in what `exportctl new export` writes: the day, and the
destination with its parties."""
RUN_EXAMPLE = "examples/cn-export-tb-magnet.json"
"""The Makefile's `EXAMPLE`: the transaction `make run` decides."""
EXAMPLES = PROJECT_ROOT / "examples"
ORDERS_JSONL = EXAMPLES / "orders.jsonl"
PROVISIONS_MD = PROJECT_ROOT / "docs" / "provisions.md"
TIMELINE_SVG = PROJECT_ROOT / "docs" / "timeline.svg"
SCENARIOS = PROJECT_ROOT / "tests" / "scenarios"
ANNOTATIONS = frozenset({"title", "description"})


def bundle_schema_path() -> Path:
    """Where the bundle's copy of the transaction schema lives."""
    return policies_dir() / "exportctl" / "schemas" / "data.json"


def bundle_schema() -> str:
    """The bundle's copy of the transaction schema: the schema without its annotations, as JSON
    text (`data.exportctl.schemas.transaction`): json.match_schema reads a string at two thirds
    of the allocations it makes reading the same schema as a value of the store."""

    def lean(node: object, is_properties: bool = False) -> object:
        if isinstance(node, dict):
            return {
                key: lean(value, key in ("properties", "$defs") and not is_properties)
                for key, value in node.items()
                if is_properties or key not in ANNOTATIONS
            }
        if isinstance(node, list):
            return [lean(value) for value in node]
        return node

    schema = orjson.loads(TRANSACTION_SCHEMA.read_bytes())
    text = orjson.dumps(lean(schema)).decode()
    return orjson.dumps({"transaction": text}, option=orjson.OPT_INDENT_2).decode() + "\n"


def data_reviewed_on() -> str:
    """The day the bundle's legal data was last reviewed."""
    config = orjson.loads((policies_dir() / "exportctl" / "config" / "data.json").read_bytes())
    return str(config["data_reviewed_on"])


def provisions_block(opa_url: str | None = None) -> str:
    """The README's provisions table, as the bundle gives it now."""
    day = data_reviewed_on()
    return markdown_table(provisions(day, opa_url), day)


def readme_with_block(readme: str, block: str, marker: re.Pattern[str] = BLOCK) -> str:
    """`readme` with its block between the markers of `marker` replaced by `block`."""
    if not marker.search(readme):
        raise ValueError(f"README.md has no block matching {marker.pattern}")
    return marker.sub(lambda m: m.group(1) + block + m.group(3), readme)


def orders_jsonl() -> str:
    """examples/orders.jsonl: each example transaction (examples/*.json, by name) on a line."""
    lines = [orjson.loads(path.read_bytes()) for path in sorted(EXAMPLES.glob("*.json"))]
    return "".join(orjson.dumps(line).decode() + "\n" for line in lines)


def run_output(opa_url: str | None = None) -> str:
    """The README's `make run` block: `exportctl decide` of `RUN_EXAMPLE` run as `make run` runs
    it, what it prints to a pipe (80 columns, no colour, no trailing spaces), and its exit
    code."""
    lines = ["```text", "$ make run", *_decided(RUN_EXAMPLE, PROJECT_ROOT, opa_url)]
    return "".join(line.rstrip() + "\n" for line in [*lines, "```"])


def vietnam_question(opa_url: str | None = None) -> str:
    """The README's Vietnam block: `exportctl new export -o shipment.yaml` run in a fresh
    directory, the file with `VIETNAM_EDITS` made, and `exportctl decide shipment.yaml` as
    `run_output` runs it (80 columns, no colour, its exit code)."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        shipment = Path(directory) / "shipment.yaml"
        subprocess.run(
            [str(_exportctl()), "new", "export", "-o", shipment.name],
            cwd=directory,
            capture_output=True,
            check=True,
            timeout=60,
        )
        text = shipment.read_text(encoding="utf-8")
        for pattern, replacement in VIETNAM_EDITS:
            text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
            assert count, f"the export template has no {pattern!r} to edit"
        shipment.write_text(text, encoding="utf-8")
        printed = _decided(shipment.name, Path(directory), opa_url)
    lines = [
        "```yaml",
        *text.splitlines(),
        "```",
        "",
        "```text",
        "$ exportctl decide shipment.yaml",
        *printed,
        "```",
    ]
    return "".join(line.rstrip() + "\n" for line in lines)


def _exportctl() -> Path:
    """The `exportctl` command of the running interpreter's environment."""
    return Path(sys.executable).with_name("exportctl")


def _decided(source: str, cwd: Path, opa_url: str | None) -> list[str]:
    """What `exportctl decide SOURCE` run in `cwd` prints to a pipe (80 columns, no colour),
    standard output then standard error, line by line, and a last line with its exit code."""
    environment = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    url = ["--opa-url", opa_url] if opa_url else []
    done = subprocess.run(
        [str(_exportctl()), "decide", *url, source],
        capture_output=True,
        cwd=cwd,
        env={**environment, "COLUMNS": "80"},
        timeout=300,
    )
    printed = (done.stdout + done.stderr).decode().splitlines()
    return [*printed, f"exportctl decide exited with {done.returncode}"]


@dataclass(frozen=True)
class Case:
    """A scenario case that names a provision in what it expects."""

    path: str
    """Relative to tests/scenarios/, e.g. `no61_content/gd-target-with-cn-gd.json`."""
    name: str
    """The case's one-line `name`."""


@dataclass
class Exercised:
    """The scenario cases that expect a provision to fire, or to be listed as not applied."""

    fires: list[Case] = field(default_factory=list)
    not_applied: list[Case] = field(default_factory=list)


def scenario_cases(scenarios: Path = SCENARIOS) -> dict[str, Exercised]:
    """Provision id -> the cases naming it in `expect.reasons` or `expect.not_applied`."""
    found: dict[str, Exercised] = defaultdict(Exercised)
    for path in sorted(scenarios.rglob("*.json")):
        relative = path.relative_to(scenarios)
        if any(part.startswith("_") for part in relative.parts):
            continue
        case = orjson.loads(path.read_bytes())
        expect = case.get("expect") or {}
        entry = Case(relative.as_posix(), " ".join(str(case.get("name", "")).split()))
        for key, bucket in (("reasons", "fires"), ("not_applied", "not_applied")):
            for provision in dict.fromkeys(r.get("provision") for r in expect.get(key) or ()):
                if isinstance(provision, str):
                    getattr(found[provision], bucket).append(entry)
    return dict(found)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _anchor(provision_id: str) -> str:
    return provision_id.lower()


def provisions_reference(opa_url: str | None = None) -> str:
    """docs/provisions.md, as the bundle and the scenario suite give it now."""
    day = data_reviewed_on()
    rows = references(day, opa_url)
    cases = scenario_cases()
    out = [
        "# Provisions",
        "",
        "<!-- Generated by `make docs` from the bundle and tests/scenarios/: do not edit. -->",
        "",
        "Every provision the policy bundle encodes: what it says (the METADATA of its package), "
        "its legal basis, its dates and its status on "
        f"{day}, the day the legal data was last reviewed, how sure the data record is and how "
        "it reads the law where the law is silent, and the scenario cases that exercise it. "
        "`make docs` writes this page from the bundle and `tests/test_docs.py` fails when it is "
        "stale. It describes the encoded rules; it is not legal advice.",
        "",
        f"| provision | title | status on {day} | cases |",
        "|---|---|---|---|",
    ]
    for r in rows:
        p = r.provision
        used = cases.get(p.id, Exercised())
        out.append(
            f"| [`{p.id}`](#{_anchor(p.id)}) | {_md(p.title)} | {p.status} "
            f"| {len(used.fires) + len(used.not_applied)} |"
        )
    for r in rows:
        out += ["", *_reference_section(r, cases.get(r.provision.id, Exercised()), day)]
    return "\n".join(out) + "\n"


def _reference_section(r: Reference, used: Exercised, day: str) -> list[str]:
    p = r.provision
    instrument, clause = p.id.split("/", 1)
    record = f"policies/exportctl/instruments/{instrument}/data.json"
    out = [
        f'<a id="{_anchor(p.id)}"></a>',
        "",
        f"## `{p.id}`: {p.title}",
        "",
        p.description,
        "",
        "| | |",
        "|---|---|",
        f"| legal basis | {_md(p.instrument)}, {_md(p.article)} |",
        f"| sources | {markdown_sources(p)} |",
        f"| data record | [`{record}`](../{record}), clause `{clause}` |",
        f"| published | {p.published_on} |",
        f"| in effect from | {p.effective_from} |",
        f"| suspended | {_md('; '.join(p.suspended)) or '—'} |",
        f"| status on {day} | {p.status} |",
        f"| confidence | {p.confidence or '—'} |",
    ]
    for label, text in (
        ("What the record says", r.summary),
        ("Effective date", r.effective_from_note),
        ("Confidence", r.confidence_note),
        ("Interpretation", r.interpretation),
    ):
        if text:
            out += ["", f"**{label}.** {text}"]
    if r.related_resources:
        out += ["", "**Sources**", ""]
        out += [f"- [{description or ref}]({ref})" for description, ref in r.related_resources]
    out += ["", "**Scenario cases**", ""]
    for label, group in (("fires in", used.fires), ("listed as not applied in", used.not_applied)):
        if group:
            out.append(f"- {label} {len(group)}:")
            out += [f"  - [`{c.path}`](../tests/scenarios/{c.path}): {c.name}" for c in group]
    if not used.fires and not used.not_applied:
        out.append("- none")
    return out


def timeline_svg(opa_url: str | None = None) -> str:
    """docs/timeline.svg, as the bundle gives it now."""
    from exportctl._render.timeline import render_svg
    from exportctl._timeline import load_timeline

    return render_svg(load_timeline(opa_url))


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"updated {path.relative_to(PROJECT_ROOT)}")


def main() -> int:
    """Rewrite the bundle's schema copy and the generated parts of README.md and docs/."""
    _write(bundle_schema_path(), bundle_schema())
    readme = readme_with_block(README.read_text(encoding="utf-8"), provisions_block())
    readme = readme_with_block(readme, run_output(), RUN_BLOCK)
    _write(README, readme_with_block(readme, vietnam_question(), VIETNAM_BLOCK))
    _write(PROVISIONS_MD, provisions_reference())
    _write(TIMELINE_SVG, timeline_svg())
    _write(ORDERS_JSONL, orders_jsonl())
    return 0


if __name__ == "__main__":
    sys.exit(main())

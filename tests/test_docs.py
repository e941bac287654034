"""The generated documents are current: regenerate them with `make docs`."""

from __future__ import annotations

import re

from exportctl._docs import (
    BLOCK,
    ORDERS_JSONL,
    PROVISIONS_MD,
    README,
    RUN_BLOCK,
    RUN_EXAMPLE,
    data_reviewed_on,
    orders_jsonl,
    provisions_block,
    provisions_reference,
    run_output,
    scenario_cases,
)
from exportctl._paths import PROJECT_ROOT
from exportctl._provisions import provisions


def test_readme_provisions_table_is_current(opa_url: str) -> None:
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README.md lacks its <!-- provisions --> block"
    assert match.group(2) == provisions_block(opa_url), "README.md is stale: run `make docs`"


def test_every_provision_is_in_the_readme(opa_url: str) -> None:
    block = provisions_block(opa_url)
    for provision_id in (
        "mofcom_gac_2025_018/items_licence",
        "mofcom_2025_061/content_rule",
        "state_council_2024_792/control_list",
        "mofcom_most_2023_057/rare_earth_technologies",
    ):
        assert f"`{provision_id}`" in block


def test_provisions_reference_is_current(opa_url: str) -> None:
    assert PROVISIONS_MD.read_text(encoding="utf-8") == provisions_reference(opa_url), (
        "docs/provisions.md is stale: run `make docs`"
    )


def test_provisions_reference_has_a_section_per_provision(opa_url: str) -> None:
    reference = provisions_reference(opa_url)
    for p in provisions(data_reviewed_on(), opa_url):
        assert f"## `{p.id}`: {p.title}" in reference
        assert f'<a id="{p.id.lower()}"></a>' in reference
    # Clause notes, METADATA sources and the day the data was reviewed.
    assert "**Interpretation.** GAP (valuation basis)" in reference
    assert "**Sources**" in reference
    assert "| status on 2026-11-28 |" in reference


def test_scenario_cases_are_found_by_provision() -> None:
    cases = scenario_cases()
    content = cases["mofcom_2025_061/content_rule"]
    fires = {c.path for c in content.fires}
    assert "no61_content/chinese-magnet-line-with-bom.json" in fires
    assert "official_no61/s10-14-dy-exactly-0.1pct-during-suspension.json" in {
        c.path for c in content.not_applied
    }
    assert not any(
        path.startswith("_") for e in cases.values() for c in e.fires for path in [c.path]
    )


def test_readme_make_run_output_is_current(opa_url: str) -> None:
    match = RUN_BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README.md lacks its <!-- run-output --> block"
    assert match.group(2) == run_output(opa_url), "README.md is stale: run `make docs`"


def test_make_run_decides_the_example_the_readme_shows() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"EXAMPLE ?= {RUN_EXAMPLE}\n" in makefile
    assert "exited with 1\n```" in run_output_block()  # license_required, as the README says


def run_output_block() -> str:
    match = RUN_BLOCK.search(README.read_text(encoding="utf-8"))
    return match.group(2) if match else ""


OUTPUT_FLAGS = {"-o", "--output", ">", "--record", "--svg"}


def readme_command_inputs(readme: str) -> set[str]:
    """The files the README's shell commands read: JSON, JSON Lines and Rego paths, less those
    an earlier command of the same block writes (after `-o`, `--output`, `>`, ...) and
    placeholders in capitals (`IN.jsonl`, as `FILE`)."""
    found = set()
    for block in re.findall(r"^```sh\n(.*?)^```", readme, re.DOTALL | re.MULTILINE):
        written = set()
        for line in block.splitlines():
            words = line.split("#")[0].split()
            for before, word in zip(["", *words], words, strict=False):
                if before in OUTPUT_FLAGS:
                    written.add(word)
                elif (
                    re.fullmatch(r"[\w./-]+\.(?:jsonl?|rego)", word)
                    and not re.fullmatch(r"[A-Z_]+\.\w+", word)
                    and word not in written
                ):
                    found.add(word)
    return found


def test_every_file_a_readme_command_reads_exists() -> None:
    inputs = readme_command_inputs(README.read_text(encoding="utf-8"))

    assert "examples/orders.jsonl" in inputs
    assert sorted(p for p in inputs if not (PROJECT_ROOT / p).is_file()) == []


def test_the_example_orders_are_current() -> None:
    assert ORDERS_JSONL.read_text(encoding="utf-8") == orders_jsonl(), (
        "examples/orders.jsonl is stale: run `make docs`"
    )


def test_the_readme_says_how_to_put_exportctl_and_opa_on_path() -> None:
    readme = README.read_text(encoding="utf-8")
    assert ". .venv/bin/activate" in readme
    assert ".venv/bin/exportctl" in readme
    assert 'export PATH="$PWD/.tools/bin:$PATH"' in readme

"""The generated documents are current: regenerate them with `make docs`."""

from __future__ import annotations

from exportctl._docs import (
    BLOCK,
    PROVISIONS_MD,
    README,
    data_reviewed_on,
    provisions_block,
    provisions_reference,
    scenario_cases,
)
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

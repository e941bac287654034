"""The generated documents are current: regenerate them with `make docs`."""

from __future__ import annotations

from exportctl._docs import BLOCK, README, provisions_block


def test_readme_provisions_table_is_current(opa_url: str) -> None:
    match = BLOCK.search(README.read_text(encoding="utf-8"))
    assert match, "README.md lacks its <!-- provisions --> block"
    assert match.group(2) == provisions_block(opa_url), "README.md is stale: run `make docs`"


def test_every_provision_is_in_the_readme(opa_url: str) -> None:
    block = provisions_block(opa_url)
    for provision_id in ("CN-REE-0018-01", "CN-REE-0061-01", "CN-LIST-01", "CN-TECH-2023-01"):
        assert f"`{provision_id}`" in block

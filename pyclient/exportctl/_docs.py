"""Documents generated from the bundle: `make docs` writes them, the tests fail when they are stale.

- README.md, between `<!-- provisions -->` markers: every provision with its dates and its status
  on the day the data was last reviewed (`policies/exportctl/config/data.json`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import orjson

from exportctl._paths import PROJECT_ROOT, policies_dir
from exportctl._provisions import markdown_table, provisions

README = PROJECT_ROOT / "README.md"
BLOCK = re.compile(r"(<!-- provisions -->\n)(.*?)(<!-- /provisions -->)", re.DOTALL)


def data_reviewed_on() -> str:
    """The day the bundle's legal data was last reviewed."""
    config = orjson.loads((policies_dir() / "exportctl" / "config" / "data.json").read_bytes())
    return str(config["data_reviewed_on"])


def provisions_block(opa_url: str | None = None) -> str:
    """The README's provisions table, as the bundle gives it now."""
    day = data_reviewed_on()
    return markdown_table(provisions(day, opa_url), day)


def readme_with_block(readme: str, block: str) -> str:
    """`readme` with its provisions block replaced by `block`."""
    if not BLOCK.search(readme):
        raise ValueError("README.md has no <!-- provisions --> ... <!-- /provisions --> block")
    return BLOCK.sub(lambda m: m.group(1) + block + m.group(3), readme)


def main() -> int:
    """Rewrite the generated parts of README.md."""
    readme = README.read_text(encoding="utf-8")
    updated = readme_with_block(readme, provisions_block())
    if updated != readme:
        Path(README).write_text(updated, encoding="utf-8")
        print(f"updated {README.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The index derived from the instrument records (`exportctl.derive`), shipped in the bundle's data.

`make docs` writes it to policies/exportctl/derived/data.json; `opa test` fails when the file is
not what the records give (policies/exportctl/derive/derive_test.rego), and so does building a
bundle (`build_bundle`), so no sidecar serves an index older than its records.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from exportctl._paths import opa_binary, policies_dir
from exportctl.errors import EngineError

INDEX = Path("exportctl") / "derived" / "data.json"
"""Where the index lives, relative to the policies directory."""


def derived_index(policies: Path) -> bytes:
    """The index the records under `policies` give, as the file holds it."""
    done = subprocess.run(
        [
            opa_binary(),
            "eval",
            "--data",
            ".",
            "--ignore",
            "*_test.rego",
            "--format",
            "json",
            "data.exportctl.derive.index",
        ],
        cwd=policies,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise EngineError(
            f"deriving the index of {policies} failed: {done.stderr.decode().strip()}"
        )
    value = orjson.loads(done.stdout)["result"][0]["expressions"][0]["value"]
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def is_current(policies: Path) -> bool:
    """True when the shipped index is the one the records give."""
    path = policies / INDEX
    return path.is_file() and path.read_bytes() == derived_index(policies)


def write_index(policies: Path) -> bool:
    """Write the index the records give; True when the file changed."""
    path = policies / INDEX
    index = derived_index(policies)
    if path.is_file() and path.read_bytes() == index:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(index)
    return True


def main() -> int:
    """Rewrite policies/exportctl/derived/data.json from the records."""
    policies = policies_dir()
    if write_index(policies):
        print(f"updated {policies / INDEX}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

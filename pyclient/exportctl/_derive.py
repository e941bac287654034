"""The index derived from the instrument records (`exportctl.derive`), shipped in the bundle's data.

`make docs` writes it to policies/exportctl/derived/data.json, where auditors read it and
`opa test` fails when it is not what the records give (policies/exportctl/derive/derive_test.rego).
Building a bundle (`build_bundle`) derives it afresh, so no sidecar serves an index older than
its records.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from exportctl._paths import opa_binary, policies_dir
from exportctl._sidecar import TEST_FILES, run_opa
from exportctl.errors import EngineError

INDEX = Path("exportctl") / "derived" / "data.json"
"""Where the index lives, relative to the policies directory."""
DERIVE = Path("exportctl") / "derive"
"""The package that derives it, relative to the policies directory."""


def derived_index(policies: Path, opa: str | None = None) -> bytes:
    """The index the records under `policies` give, as the file holds it."""
    opa = opa or opa_binary()
    command = [opa, "eval", "--data", ".", "--ignore", TEST_FILES, "--format", "json"]
    done = run_opa([*command, "data.exportctl.derive.index"], policies, separate_errors=True)
    if done.returncode != 0:
        why = done.stderr.strip() or f"opa exited with code {done.returncode}"
        raise EngineError(f"deriving the index of {policies} failed: {why}")
    try:
        value = orjson.loads(done.stdout)["result"][0]["expressions"][0]["value"]
    except (orjson.JSONDecodeError, KeyError, IndexError) as e:
        raise EngineError(f"deriving the index of {policies} gave no index") from e
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write_index(policies: Path, opa: str | None = None) -> bool:
    """Write the index the records give; True when the file changed."""
    path = policies / INDEX
    index = derived_index(policies, opa)
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

"""Every provision package carries the METADATA its reasons and the docs are built from.

A provision without `custom.id` or `custom.clause` would produce no findings at all (the result
helpers read them), so a missing annotation is a silent "no licence needed": this test stops it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest

from exportctl._paths import opa_binary

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
PROVISIONS = sorted(
    path
    for path in (POLICIES / "exportctl" / "provisions").glob("*/*.rego")
    if not path.name.endswith("_test.rego")
)


def _package_annotations() -> dict[str, dict[str, object]]:
    inspected = subprocess.run(
        [opa_binary(), "inspect", "--annotations", "--format", "json", "."],
        cwd=POLICIES,
        capture_output=True,
        check=True,
    )
    found = {}
    for entry in orjson.loads(inspected.stdout)["annotations"]:
        annotations = entry.get("annotations", {})
        if annotations.get("scope") == "package":
            found[Path(entry["location"]["file"]).name] = annotations
    return found


ANNOTATIONS = _package_annotations()


@pytest.mark.parametrize("path", PROVISIONS, ids=lambda p: p.parent.name)
def test_provision_metadata_is_complete(path: Path) -> None:
    annotations = ANNOTATIONS.get(path.name)
    assert annotations, f"{path.name} has no package METADATA"
    assert annotations.get("title") and annotations.get("description")
    resources = annotations.get("related_resources")
    assert isinstance(resources, list) and resources, "related_resources to the legal source"
    assert all(str(r.get("ref", "")).startswith("http") for r in resources)
    custom = annotations.get("custom")
    assert isinstance(custom, dict) and custom.get("id") and custom.get("clause")
    instrument, clause = str(custom["clause"]).split("/")
    record = orjson.loads(
        (POLICIES / "exportctl" / "instruments" / instrument / "data.json").read_bytes()
    )
    assert clause in record["clauses"], f"{custom['clause']} is not an instrument record"
    assert {"article", "effective_from"} <= set(record["clauses"][clause])


def test_provision_ids_are_unique() -> None:
    ids = [
        a["custom"]["id"]
        for a in ANNOTATIONS.values()
        if isinstance(a.get("custom"), dict) and "id" in a["custom"]
    ]
    assert len(ids) == len(set(ids)) == len(PROVISIONS)

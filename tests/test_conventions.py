"""Every provision package carries the METADATA its reasons and the docs are built from.

A provision without `custom.id` or `custom.clause` would produce no findings at all (the result
helpers read them), so a missing annotation is a silent "no licence needed". Its shape and the
clause it names are checked in test_record_schemas.py (schemas/provision-metadata.schema.json);
this test checks that the ids are unique.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson

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


def test_provision_ids_are_unique() -> None:
    ids = [
        a["custom"]["id"]
        for a in ANNOTATIONS.values()
        if isinstance(a.get("custom"), dict) and "id" in a["custom"]
    ]
    assert len(ids) == len(set(ids)) == len(PROVISIONS)

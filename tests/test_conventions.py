"""One name per provision, checked: folder, package and id all follow from the clause it applies.

A provision applying clause `<clause>` of instrument record `<instrument>` lives in
`policies/exportctl/provisions/<instrument>/<clause>/provision.rego` (its tests beside it in
`provision_test.rego`), is package `exportctl.provisions.<instrument>.<clause>`, and has the id
`<instrument>/<clause>` (METADATA `custom.id`), the clause reference lib/clauses resolves. Former
ids stay in `custom.aliases`, since decisions and audit logs carry them. The METADATA shape and
that the clause exists are checked in test_record_schemas.py
(schemas/provision-metadata.schema.json).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import orjson

from exportctl._paths import opa_binary

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
PROVISIONS = POLICIES / "exportctl" / "provisions"


def _package_annotations() -> dict[Path, dict[str, Any]]:
    """Package METADATA of every provision file, by path relative to policies/."""
    inspected = subprocess.run(
        [opa_binary(), "inspect", "--annotations", "--format", "json", "."],
        cwd=POLICIES,
        capture_output=True,
        check=True,
    )
    found = {}
    for entry in orjson.loads(inspected.stdout)["annotations"]:
        annotations = entry.get("annotations", {})
        path = entry["location"]["file"]
        if annotations.get("scope") == "package" and "/provisions/" in path:
            found[Path(path)] = {**annotations, "package": entry["path"]}
    return found


ANNOTATIONS = _package_annotations()


def test_every_provision_folder_holds_a_provision_and_its_tests() -> None:
    folders = sorted(p.parent for p in PROVISIONS.rglob("*.rego"))
    assert folders, "no provisions found"
    for folder in folders:
        names = sorted(p.name for p in folder.glob("*.rego"))
        assert names == ["provision.rego", "provision_test.rego"], folder
        assert folder.parent.parent == PROVISIONS, f"{folder}: not provisions/<instrument>/<clause>"


def test_folder_package_and_id_follow_from_the_clause() -> None:
    assert len(ANNOTATIONS) == len(list(PROVISIONS.rglob("provision.rego")))
    for path, metadata in ANNOTATIONS.items():
        instrument, clause = path.parent.parent.name, path.parent.name
        assert path.name == "provision.rego", path
        assert metadata["custom"]["id"] == f"{instrument}/{clause}", path
        package = [p["value"] for p in metadata["package"]]
        assert package == ["data", "exportctl", "provisions", instrument, clause], path


def test_ids_and_aliases_name_one_provision_each() -> None:
    names = [a["custom"]["id"] for a in ANNOTATIONS.values()]
    names += [alias for a in ANNOTATIONS.values() for alias in a["custom"]["aliases"]]
    assert len(names) == len(set(names))


# --- dates and data through one door -------------------------------------------------------------

EXPORTCTL = POLICIES / "exportctl"
LIBRARIES = EXPORTCTL / "lib"
INSTRUMENT_IDS = sorted(p.name for p in (EXPORTCTL / "instruments").iterdir() if p.is_dir())


def _rego(folder: Path) -> dict[Path, str]:
    """The policy files below `folder` (not their tests), by path relative to policies/."""
    return {
        p.relative_to(POLICIES): p.read_text()
        for p in sorted(folder.rglob("*.rego"))
        if not p.name.endswith("_test.rego")
    }


def test_only_the_clause_calendar_reads_the_instrument_records() -> None:
    readers = [
        path for path, text in _rego(EXPORTCTL).items() if "data.exportctl.instruments" in text
    ]
    assert readers == [Path("exportctl/lib/clauses/clauses.rego")]


def test_no_library_imports_a_provision() -> None:
    for path, text in _rego(LIBRARIES).items():
        assert "data.exportctl.provisions" not in text, path


def test_no_library_names_an_instrument() -> None:
    # A library reads the clause it needs from the provision's METADATA or from config.
    for path, text in _rego(LIBRARIES).items():
        named = [i for i in INSTRUMENT_IDS if i in text]
        assert named == [], f"{path} names {named}"


def test_provisions_leave_dates_to_the_clause_calendar() -> None:
    for path, text in _rego(PROVISIONS).items():
        assert "input.date" not in text, f"{path}: ask lib/clauses (in_force, status) instead"
        assert "time." not in text, path


def test_a_test_that_rewrites_the_records_does_not_read_the_shipped_index() -> None:
    # The index is derived from the shipped records; under other records it must be derived anew
    # (an empty index makes lib/clauses, lib/parties and lib/items compute from the records).
    for path in sorted(EXPORTCTL.rglob("*_test.rego")):
        statements = path.read_text().split("\n\n")
        for statement in statements:
            if "with data.exportctl.instruments" in statement:
                assert "with data.exportctl.derived as {}" in statement, path

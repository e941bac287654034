"""The law's data records and the provisions' METADATA, checked by schema and by reference.

A misspelt key in an instrument record (`thru` for `through`, `effective_form` for
`effective_from`) would be ignored by Rego and silently change the law, so every record must
match schemas/instrument.schema.json, whose objects are all closed. What one record cannot say
alone is checked across the records here: suspensions, repeals and clause references name
records that exist, and the words a clause matches against are words a transaction can carry.
Every provision package's METADATA, as the real OPA reports it, must match
schemas/provision-metadata.schema.json.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exportctl._paths import opa_binary

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
POLICIES = ROOT / "policies"
EXPORTCTL = POLICIES / "exportctl"
PROVISION_FILES = sorted(
    path.relative_to(POLICIES).as_posix()
    for path in (EXPORTCTL / "provisions").glob("*/*/provision.rego")
    if not path.name.endswith("_test.rego")
)

Json = Any


def _load(path: Path) -> Json:
    return json.loads(path.read_text(encoding="utf-8"))


def _validator(name: str) -> Draft202012Validator:
    schema = _load(SCHEMAS / f"{name}.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


INSTRUMENT = _validator("instrument")
PROVISION = _validator("provision-metadata")
RECORDS: dict[str, Json] = {
    path.parent.name: _load(path)
    for path in sorted((EXPORTCTL / "instruments").glob("*/data.json"))
}
CONFIG = _load(EXPORTCTL / "config" / "data.json")
CATALOGUE = _load(EXPORTCTL / "catalogue" / "data.json")
TRANSACTION_DEFS = _load(SCHEMAS / "transaction.schema.json")["$defs"]
# The words a clause matches against, by clause key: the values a transaction can carry there.
VOCABULARY = {
    "kinds": set(TRANSACTION_DEFS["thing"]["properties"]["kind"]["enum"]),
    "party_roles": set(TRANSACTION_DEFS["party"]["properties"]["role"]["enum"]),
    "end_uses": set(TRANSACTION_DEFS["end_use_category"]["enum"]),
    "technologies": set(TRANSACTION_DEFS["cn_technology"]["enum"]),
    "prohibited_areas": set(TRANSACTION_DEFS["cn_technology"]["enum"]),
}


def _provision_metadata() -> dict[str, Json]:
    """Package annotations of every provision, by file, as `opa inspect` reports them."""
    inspected = subprocess.run(
        [opa_binary(), "inspect", "--annotations", "--format", "json", "."],
        cwd=POLICIES,
        capture_output=True,
        check=True,
    )
    return {
        entry["location"]["file"]: entry["annotations"]
        for entry in json.loads(inspected.stdout)["annotations"]
        if entry["annotations"].get("scope") == "package"
        and entry["location"]["file"] in PROVISION_FILES
    }


METADATA = _provision_metadata()
NO_CLAUSE = "is no clause of an instrument record"


def schema_errors(validator: Draft202012Validator, instance: Json) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


def _catalogue_has(code: str) -> bool:
    """A catalogue entry, or a list entry above one (lib/annex1 reads 1C905.a as its entries)."""
    entries = CATALOGUE["groups"].get(code[:5], {}).get("entries", {})
    return code in entries or any(entry.startswith(f"{code}.") for entry in entries)


def _clause(records: dict[str, Json], ref: str) -> Json | None:
    """The clause an instrument/clause reference names, or None."""
    instrument, _, name = ref.partition("/")
    return records.get(instrument, {}).get("clauses", {}).get(name)


def _measure_errors(records: dict[str, Json], where: str, measure: Json) -> list[str]:
    target = records.get(measure["instrument"])
    if target is None:
        return [f"{where}.instrument: {measure['instrument']} is no instrument record"]
    errors = [
        f"{where}.clauses: {measure['instrument']} has no clause {name}"
        for name in measure.get("clauses", [])
        if name not in target["clauses"]
    ]
    if measure.get("through", measure["from"]) < measure["from"]:
        errors.append(f"{where}.through: {measure['through']} is before from {measure['from']}")
    return errors


def _clause_errors(records: dict[str, Json], where: str, clause: Json) -> list[str]:
    errors = []
    for i, ref in enumerate(clause.get("dual_use_elements_from", [])):
        source = _clause(records, ref)
        if source is None:
            errors.append(f"{where}.dual_use_elements_from[{i}]: {ref} {NO_CLAUSE}")
        elif "elements" not in source:
            errors.append(f"{where}.dual_use_elements_from[{i}]: {ref} has no elements")
    if "exempts" in clause and clause["exempts"] not in records:
        errors.append(f"{where}.exempts: {clause['exempts']} is no instrument record")
    if clause.get("effective_until", "9999-12-31") <= clause["effective_from"]:
        errors.append(f"{where}.effective_until: {clause['effective_until']} is not after from")
    for key, allowed in VOCABULARY.items():
        errors += [
            f"{where}.{key}: {word} is not a value a transaction can carry"
            for word in clause.get(key, [])
            if word not in allowed
        ]
    errors += [
        f"{where}.covers_groups: {group} is no catalogue group"
        for group in clause.get("covers_groups", [])
        if group not in CATALOGUE["groups"]
    ]
    errors += [
        f"{where}.interpretation_warning.codes: {code} is not in the catalogue"
        for code in clause.get("interpretation_warning", {}).get("codes", [])
        if not _catalogue_has(code)
    ]
    threshold = clause.get("threshold")
    if threshold and threshold["ratio"] != threshold["numerator"] / threshold["denominator"]:
        errors.append(f"{where}.threshold.ratio: {threshold['ratio']} is not the fraction")
    return errors


def _annex_errors(where: str, annex: Json) -> list[str]:
    lists = {}
    for part in ("part_1", "part_2"):
        lists[f"{part}.codes"] = annex[part].get("codes", [])
        lists[f"{part}.assemblies_of"] = annex[part].get("assemblies_of", [])
        warning = annex[part].get("interpretation_warning", {})
        lists[f"{part}.interpretation_warning.codes"] = warning.get("codes", [])
    return [
        f"{where}.{key}: {code} is not in the catalogue"
        for key, codes in lists.items()
        for code in codes
        if not _catalogue_has(code)
    ]


def reference_errors(
    records: dict[str, Json], config: Json, metadata: dict[str, Json]
) -> list[str]:
    """What does not resolve across the records, the config and the provisions' METADATA.

    A record that fails its schema fails test_instrument_record_matches_schema and is not read here.
    """
    errors = []
    for record_id, record in records.items():
        if not INSTRUMENT.is_valid(record):
            continue
        for kind in ("suspends", "repeals"):
            for i, measure in enumerate(record.get(kind, [])):
                errors += _measure_errors(records, f"{record_id}: {kind}[{i}]", measure)
        for name, clause in record["clauses"].items():
            errors += _clause_errors(records, f"{record_id}: clauses.{name}", clause)
        if "annex_1" in record:
            errors += _annex_errors(f"{record_id}: annex_1", record["annex_1"])
    refs = {"config: affiliate_share.reaches_through": config["affiliate_share"]["reaches_through"]}
    refs |= {
        f"config: no61_requirements.{name}": ref
        for name, ref in config["no61_requirements"].items()
        if name != "why"
    }
    refs |= {f"{path}: custom.id": meta["custom"]["id"] for path, meta in metadata.items()}
    errors += [
        f"{where}: {ref} {NO_CLAUSE}"
        for where, ref in refs.items()
        if _clause(records, ref) is None
    ]
    return errors


# --- the schemas themselves -------------------------------------------------


def _object_schemas(node: Json, path: str = "#") -> list[tuple[str, Json]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append((path, node))
        for key, value in node.items():
            found += _object_schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _object_schemas(value, f"{path}/{i}")
    return found


@pytest.mark.parametrize("name", ["instrument", "provision-metadata"])
def test_every_object_is_closed_and_every_property_documented(name: str) -> None:
    schema = _load(SCHEMAS / f"{name}.schema.json")
    objects = _object_schemas(schema)
    assert objects
    for path, node in objects:
        # A map (clauses by name) is closed by its value schema and its property names.
        closed = node.get("additionalProperties") is False or "propertyNames" in node
        assert closed, f"{path} is an open object"
        for key, prop in node.get("properties", {}).items():
            assert prop.get("title") and prop.get("description"), f"{path}/{key} is undocumented"


# --- every record and every provision as it is --------------------------------


@pytest.mark.parametrize("record_id", sorted(RECORDS))
def test_instrument_record_matches_schema(record_id: str) -> None:
    errors = schema_errors(INSTRUMENT, RECORDS[record_id])
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", PROVISION_FILES, ids=lambda p: Path(p).parent.name)
def test_provision_metadata_matches_schema(path: str) -> None:
    assert path in METADATA, f"{path} has no package METADATA"
    errors = schema_errors(PROVISION, METADATA[path])
    assert not errors, "\n".join(errors)


def test_every_reference_resolves() -> None:
    assert RECORDS and METADATA
    errors = reference_errors(RECORDS, CONFIG, METADATA)
    assert not errors, "\n".join(errors)


# --- the checks can fail ------------------------------------------------------


def _suspending_record() -> tuple[str, Json]:
    record_id = next(
        i for i, r in RECORDS.items() if any("through" in s for s in r.get("suspends", []))
    )
    return record_id, copy.deepcopy(RECORDS[record_id])


def _records_with(record_id: str, record: Json) -> dict[str, Json]:
    return {**RECORDS, record_id: record}


def test_thru_for_through_fails() -> None:
    _, record = _suspending_record()
    suspension = next(s for s in record["suspends"] if "through" in s)
    suspension["thru"] = suspension.pop("through")
    errors = schema_errors(INSTRUMENT, record)
    assert len(errors) == 1 and "'thru' was unexpected" in errors[0], errors


def test_effective_form_for_effective_from_fails() -> None:
    record = copy.deepcopy(RECORDS["mofcom_gac_2025_018"])
    clause = record["clauses"]["items_licence"]
    clause["effective_form"] = clause.pop("effective_from")
    errors = schema_errors(INSTRUMENT, record)
    assert any("'effective_from' is a required property" in e for e in errors), errors
    assert any("'effective_form' was unexpected" in e for e in errors), errors


def test_impossible_date_fails() -> None:
    record = copy.deepcopy(RECORDS["mofcom_gac_2025_018"])
    record["published_on"] = "2025-02-30"
    assert schema_errors(INSTRUMENT, record) == ["$.published_on: '2025-02-30' is not a 'date'"]


def test_unknown_licensing_policy_fails() -> None:
    record = copy.deepcopy(RECORDS["mofcom_gac_2025_018"])
    record["clauses"]["items_licence"]["licensing_policy"] = "presumption_of_approval"
    [error] = schema_errors(INSTRUMENT, record)
    assert error.startswith("$.clauses.items_licence.licensing_policy: "), error


def test_suspension_of_a_missing_instrument_fails() -> None:
    record_id, record = _suspending_record()
    record["suspends"][0]["instrument"] = "mofcom_2025_999"
    assert reference_errors(_records_with(record_id, record), CONFIG, METADATA) == [
        f"{record_id}: suspends[0].instrument: mofcom_2025_999 is no instrument record"
    ]


def test_suspension_of_a_missing_clause_fails() -> None:
    record_id, record = _suspending_record()
    record["suspends"][0]["clauses"] = ["no_such_clause"]
    target = record["suspends"][0]["instrument"]
    assert reference_errors(_records_with(record_id, record), CONFIG, METADATA) == [
        f"{record_id}: suspends[0].clauses: {target} has no clause no_such_clause"
    ]


def test_suspension_ending_before_it_starts_fails() -> None:
    record_id, record = _suspending_record()
    suspension = record["suspends"][0]
    suspension["through"] = "2000-01-01"
    assert reference_errors(_records_with(record_id, record), CONFIG, METADATA) == [
        f"{record_id}: suspends[0].through: 2000-01-01 is before from {suspension['from']}"
    ]


def test_repeal_of_a_missing_instrument_fails() -> None:
    record_id = next(i for i, r in RECORDS.items() if r.get("repeals"))
    record = copy.deepcopy(RECORDS[record_id])
    record["repeals"][0]["instrument"] = "mofcom_2025_999"
    assert reference_errors(_records_with(record_id, record), CONFIG, METADATA) == [
        f"{record_id}: repeals[0].instrument: mofcom_2025_999 is no instrument record"
    ]


def test_unresolved_clause_references_fail() -> None:
    records = copy.deepcopy(RECORDS)
    records["mofcom_2024_046"]["clauses"]["military_users"]["dual_use_elements_from"] = [
        "mofcom_gac_2023_023/no_such_clause",
        "mofcom_2025_061/end_users",
    ]
    records["mofcom_2025_061"]["clauses"]["humanitarian"]["exempts"] = "mofcom_2025_999"
    records["mofcom_2025_061"]["clauses"]["end_uses"]["end_uses"].append("militray")
    config = copy.deepcopy(CONFIG)
    config["affiliate_share"]["reaches_through"] = "mofcom_2025_061/end_user"
    path, meta = next(iter(METADATA.items()))
    metadata = {**METADATA, path: {**meta, "custom": {**meta["custom"], "id": "x/y"}}}
    assert reference_errors(records, config, metadata) == [
        "mofcom_2024_046: clauses.military_users.dual_use_elements_from[0]: "
        "mofcom_gac_2023_023/no_such_clause is no clause of an instrument record",
        "mofcom_2024_046: clauses.military_users.dual_use_elements_from[1]: "
        "mofcom_2025_061/end_users has no elements",
        "mofcom_2025_061: clauses.end_uses.end_uses: "
        "militray is not a value a transaction can carry",
        "mofcom_2025_061: clauses.humanitarian.exempts: mofcom_2025_999 is no instrument record",
        "config: affiliate_share.reaches_through: "
        "mofcom_2025_061/end_user is no clause of an instrument record",
        f"{path}: custom.id: x/y is no clause of an instrument record",
    ]


def test_catalogue_window_and_threshold_checks_fail() -> None:
    records = copy.deepcopy(RECORDS)
    no61 = records["mofcom_2025_061"]
    no61["annex_1"]["part_2"]["assemblies_of"].append("1C904.z")
    no61["annex_1"]["part_2"]["interpretation_warning"]["codes"].append("1C999.a")
    no61["clauses"]["content_rule"]["threshold"]["ratio"] = 0.01
    no61["clauses"]["origin_rule"]["effective_until"] = no61["clauses"]["origin_rule"][
        "effective_from"
    ]
    no18 = records["mofcom_gac_2025_018"]["clauses"]["items_licence"]
    no18["covers_groups"].append("1C999")
    no18["interpretation_warning"]["codes"].append("1C904.z")
    until = no61["clauses"]["origin_rule"]["effective_until"]
    assert reference_errors(records, CONFIG, METADATA) == [
        "mofcom_2025_061: clauses.content_rule.threshold.ratio: 0.01 is not the fraction",
        f"mofcom_2025_061: clauses.origin_rule.effective_until: {until} is not after from",
        "mofcom_2025_061: annex_1.part_2.assemblies_of: 1C904.z is not in the catalogue",
        "mofcom_2025_061: annex_1.part_2.interpretation_warning.codes: "
        "1C999.a is not in the catalogue",
        "mofcom_gac_2025_018: clauses.items_licence.covers_groups: 1C999 is no catalogue group",
        "mofcom_gac_2025_018: clauses.items_licence.interpretation_warning.codes: "
        "1C904.z is not in the catalogue",
    ]


def test_misspelt_provision_metadata_fails() -> None:
    path, meta = next(iter(METADATA.items()))
    custom = dict(meta["custom"])
    custom["aliasses"] = custom.pop("aliases")
    errors = schema_errors(PROVISION, {**meta, "custom": custom})
    assert any("'aliases' is a required property" in e for e in errors), errors
    assert any("'aliasses' was unexpected" in e for e in errors), errors


def test_provision_without_the_transaction_schema_fails() -> None:
    _, meta = next(iter(METADATA.items()))
    schemas = copy.deepcopy(meta["schemas"])
    schemas[0]["schema"][1]["value"] = "decision.schema"
    errors = schema_errors(PROVISION, {**meta, "schemas": schemas})
    assert len(errors) == 1 and errors[0].startswith("$.schemas: "), errors
    assert "does not contain items matching" in errors[0], errors

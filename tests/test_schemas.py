"""The JSON Schemas of the public contract: what they accept and what they refuse.

Dates must be real calendar dates, so every validator here is built with the
format checker (jsonschema checks `format: date` with datetime.date.fromisoformat,
but only when a format checker is passed).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
EXAMPLES = ROOT / "examples"
# The contract's own examples, byte for byte: an edit of one is a change of the contract.
CONTRACT_EXAMPLES = {
    "cn-export-tb-magnet.json": (
        "35c77e0cc9436dba6f164586248a483f25470640ba34a98a51b265460e4383f5"
    ),
    "jp-reexport-during-suspension.json": (
        "e12cbde312ff7a5d83a13a9c835d9a1bf13bca5d6b699f0bfc9352350d34f4bf"
    ),
    "kr-motor-de-minimis.json": (
        "ab1fa6eecd8874a9c2691b2132d02d4f88066c3d3cae7757ab66e65c6d72ba51"
    ),
    "vn-magnet-unknown-technology.json": (
        "a0d642ae7735aeacfa4f84cf8c22d57361485f3e7a7cd4d042ac3a7a107ab94b"
    ),
}
CATALOGUE = ROOT / "policies" / "exportctl" / "catalogue" / "data.json"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    schema = load(SCHEMAS / f"{name}.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


TX = validator("transaction")
DECISION = validator("decision")


def errors(v: Draft202012Validator, instance: Any) -> list[tuple[str, str]]:
    return [(e.json_path, e.message) for e in v.iter_errors(instance)]


# --- the schemas themselves -------------------------------------------------


def test_date_format_checker_is_active() -> None:
    assert "date" in Draft202012Validator.FORMAT_CHECKER.checkers
    assert not Draft202012Validator.FORMAT_CHECKER.conforms("2026-02-30", "date")
    assert Draft202012Validator.FORMAT_CHECKER.conforms("2024-02-29", "date")


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


@pytest.mark.parametrize("name", ["transaction", "decision"])
def test_every_property_is_documented(name: str) -> None:
    """Auditors read the schema: every declared property has a title and a description."""
    schema = load(SCHEMAS / f"{name}.schema.json")
    undocumented = []
    for path, node in _walk(schema):
        for prop, sub in (node.get("properties") or {}).items():
            if (
                not isinstance(sub, dict)
                or path.endswith("/if")
                or "/if/" in path
                or "/then" in path
            ):
                continue
            if not sub.get("title") or not sub.get("description"):
                undocumented.append(f"{path}/properties/{prop}")
    assert undocumented == []


def test_control_code_pattern_accepts_every_catalogue_code() -> None:
    """Every code of the bundle's catalogue, and every heading above it, is a valid control_code."""
    codes = {code for group in load(CATALOGUE)["groups"].values() for code in group["entries"]}
    assert len(codes) >= 59
    headings = {".".join(c.split(".")[:n]) for c in codes for n in range(1, c.count(".") + 2)}
    pattern = re.compile(
        load(SCHEMAS / "transaction.schema.json")["$defs"]["control_code"]["pattern"]
    )
    for code in sorted(headings) + ["not_listed", "1E902.a", "2B902.c", "1C450.c.14", "3A001"]:
        assert pattern.match(code), code
    for bad in ["1c904", "1C90", "1C904.", "1C904.A", "1C904 a", "NOT_LISTED", "", "1C904..a"]:
        assert not pattern.match(bad), bad


# --- transactions -----------------------------------------------------------


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))


def test_examples_present() -> None:
    names = {p.name for p in example_files()}
    assert {
        "cn-export-tb-magnet.json",
        "jp-reexport-during-suspension.json",
        "kr-motor-de-minimis.json",
        "vn-magnet-unknown-technology.json",
    } <= names


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_example_validates(path: Path) -> None:
    assert errors(TX, load(path)) == []


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_example_is_an_unchanged_copy_of_the_contract(path: Path) -> None:
    assert hashlib.sha256(path.read_bytes()).hexdigest() == CONTRACT_EXAMPLES.get(path.name)


def base_tx() -> dict[str, Any]:
    """A valid transaction that exercises every part of the schema."""
    tx: dict[str, Any] = copy.deepcopy(load(EXAMPLES / "kr-motor-de-minimis.json"))
    tx["contract_date"] = "2026-10-01"
    tx["parties"].append(
        {
            "role": "consignee",
            "name": "Example Holdings",
            "country": "US",
            "owners": [{"name": "Parent Co.", "share": 0.6}],
        }
    )
    tx["fx_rates"] = {"EUR": {"USD": 1.08}}
    tx["licenses"] = [
        {
            "id": "L-1",
            "issuer": "MOFCOM",
            "type": "general",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "control_codes": ["1C905"],
            "destinations": ["US"],
            "end_users": ["Example Robotics Inc."],
        }
    ]
    tx["items"][0]["hs_code"] = "8505111000"
    tx["items"][0]["quantity"] = {"amount": 10, "unit": "pcs"}
    tx["items"][0]["category"] = "rotor_stator_assembly"
    tx["items"][0]["kind"] = "goods"
    tx["items"][0]["bom"][0]["control_code"] = "1C905.a.4"
    return tx


def test_base_transaction_is_valid() -> None:
    assert errors(TX, base_tx()) == []


def test_unknown_fields_are_refused_where_they_are() -> None:
    """Every object is closed: a misspelt key is an error, never silently ignored."""
    tx = base_tx()
    tx["x_erp_reference"] = "ERP-1"
    tx["items"][0]["x_batch"] = "B7"
    tx["items"][0]["bom"][0]["bom"][0]["supplier"] = {"name": "X"}
    tx["parties"][0]["militray"] = True
    tx["licenses"][0]["note"] = "renewal pending"
    paths = {path for path, _ in errors(TX, tx)}
    assert paths == {"$", "$.items[0]", "$.items[0].bom[0].bom[0]", "$.parties[0]", "$.licenses[0]"}


_DELETE = object()


def _node_and_key(doc: Any, dotted: str) -> tuple[Any, int | str]:
    *parents, last = dotted.split(".")
    node = doc
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    return node, int(last) if last.isdigit() else last


def _json_path(dotted: str) -> str:
    """`items.0.bom` -> `$.items[0].bom`, as jsonschema's ValidationError.json_path spells it."""
    path = "$"
    for part in dotted.split(".") if dotted else []:
        path += f"[{part}]" if part.isdigit() else f".{part}"
    return path


def mutated(doc: Any, dotted: str, value: object) -> Any:
    """A deep copy of doc with the field at the dotted path set to value (or removed)."""
    doc = copy.deepcopy(doc)
    node, key = _node_and_key(doc, dotted)
    if value is _DELETE:
        del node[key]
    else:
        node[key] = value
    return doc


def expected_failure(
    dotted: str, value: object, message: str, where: str | None
) -> tuple[str, str]:
    """The JSON path and message fragment a refusal must name."""
    if value is _DELETE:
        parent, _, field = dotted.rpartition(".")
        return where or _json_path(parent), message or f"'{field}' is a required property"
    return where or _json_path(dotted), message


# (case id, dotted path, value or _DELETE, message fragment[, failing JSON path if not the
# dotted path itself]); a deletion's message defaults to "'<field>' is a required property".
BAD_TRANSACTIONS = [
    ("month-13", "date", "2026-13-45", "is not a 'date'"),
    ("feb-30", "date", "2026-02-30", "is not a 'date'"),
    ("date-with-time", "date", "2026-03-02T10:00:00", ""),
    ("compact-date", "date", "20260302", ""),
    ("bad-contract-date", "contract_date", "2026-02-30", "is not a 'date'"),
    ("bad-licence-date", "licenses.0.valid_until", "2026-04-31", "is not a 'date'"),
    ("lowercase-destination", "destination", "us", "does not match"),
    ("lowercase-transferor-country", "transferor.country", "kr", "does not match"),
    ("alpha3-origin", "items.0.origin", "KOR", "does not match"),
    ("lowercase-bom-origin", "items.0.bom.0.bom.0.origin", "cn", "does not match"),
    ("negative-amount", "items.0.value.amount", -1, "less than the minimum"),
    ("negative-bom-amount", "items.0.bom.1.value.amount", -0.01, "less than the minimum"),
    ("lowercase-currency", "items.0.value.currency", "usd", "does not match"),
    ("string-amount", "items.0.value.amount", "2500", "is not of type"),
    ("share-above-one", "parties.1.owners.0.share", 1.5, "greater than the maximum"),
    ("negative-share", "parties.1.owners.0.share", -0.1, "less than the minimum"),
    ("unknown-role", "parties.0.role", "buyer", "is not one of"),
    ("military-as-string", "parties.0.military", "no", "is not of type"),
    ("unknown-end-use", "end_use.categories.0", "space", "is not one of"),
    ("empty-items", "items", [], "should be non-empty"),
    ("items-not-array", "items", {"id": "1"}, "is not of type"),
    ("missing-origin-on-item", "items.0.origin", _DELETE, ""),
    ("missing-origin-on-nested-bom-line", "items.0.bom.0.bom.0.origin", _DELETE, ""),
    ("missing-id-on-bom-line", "items.0.bom.1.id", _DELETE, ""),
    ("hs-code-with-dot", "items.0.hs_code", "8505.11", "does not match"),
    ("hs-code-number", "items.0.hs_code", 8505111000, "is not of type"),
    ("lowercase-control-code", "items.0.bom.0.control_code", "1c905.a.4", "does not match"),
    ("control-code-trailing-dot", "items.0.bom.0.control_code", "1C905.", "does not match"),
    ("unknown-form", "items.0.bom.0.material.form", "powder", "is not one of"),
    ("lowercase-element", "items.0.bom.0.material.elements.0", "nd", "does not match"),
    ("unknown-kind", "items.0.kind", "service", "is not one of"),
    (
        "unknown-technology",
        "items.0.produced_with_cn_technologies",
        ["refining"],
        "is not one of",
        "$.items[0].produced_with_cn_technologies[0]",
    ),
    ("unknown-licence-type", "licenses.0.type", "blanket", "is not one of"),
    ("lowercase-licence-destination", "licenses.0.destinations.0", "us", "does not match"),
    ("licence-without-codes", "licenses.0.control_codes", [], "should be non-empty"),
    (
        "negative-fx-rate",
        "fx_rates",
        {"EUR": {"USD": -1}},
        "less than or equal to the minimum",
        "$.fx_rates.EUR.USD",
    ),
    ("lowercase-fx-currency", "fx_rates", {"eur": {"USD": 1.08}}, "does not match"),
    ("negative-quantity", "items.0.quantity.amount", -3, "less than the minimum"),
    ("missing-id", "id", _DELETE, ""),
    ("missing-date", "date", _DELETE, ""),
    ("missing-transferor", "transferor", _DELETE, ""),
    ("missing-destination", "destination", _DELETE, ""),
    ("missing-items", "items", _DELETE, ""),
    ("transferor-without-country", "transferor.country", _DELETE, ""),
]


@pytest.mark.parametrize("case", BAD_TRANSACTIONS, ids=[str(c[0]) for c in BAD_TRANSACTIONS])
def test_bad_transaction_is_refused_naming_the_path(case: tuple[Any, ...]) -> None:
    _, dotted, value, message, *where = case
    path, message = expected_failure(dotted, value, message, where[0] if where else None)
    found = errors(TX, mutated(base_tx(), dotted, value))
    assert found, "schema accepted a bad transaction"
    assert any(p == path and message in m for p, m in found), found


# --- decisions --------------------------------------------------------------

REASON = {
    "provision": "mofcom_gac_2025_018/items_licence",
    "title": "Licence for export of listed medium and heavy rare earths",
    "item": "1",
    "outcome": "license_required",
    "citation": {
        "instrument": "MOFCOM/GAC Announcement No. 18 of 2025",
        "article": "Art. 1",
        "url": "https://www.mofcom.gov.cn/",
    },
    "facts": {"control_code": "1C904.a.4", "classified_from": "material", "destination": "DE"},
}


def valid_decision() -> dict[str, Any]:
    return {
        "transaction_id": "SO-2026-00417",
        "date": "2026-03-02",
        "outcome": "license_required",
        "licensing_policy": "standard",
        "items": [
            {"id": "1", "outcome": "license_required", "reasons": [copy.deepcopy(REASON)]},
            {
                "id": "2",
                "outcome": "not_required",
                "reasons": [],
                "de_minimis": {
                    "ratio": 0.0005,
                    "threshold": 0.001,
                    "cn_content_value": 1.0,
                    "item_value": 2000.0,
                    "currency": "USD",
                    "lines": ["2.1"],
                },
            },
        ],
        "reasons": [copy.deepcopy(REASON)],
        "not_applied": [
            {
                "provision": "CN-REE-0061-1-1",
                "item": "2",
                "because": "suspended until 2026-11-10 by Announcement No. 70 of 2025",
                "would_apply_from": "2026-11-11",
            }
        ],
        "missing_facts": [],
        "warnings": [],
        "policy": {"revision": "sha256:0123456789abcdef", "data_reviewed_on": "2026-11-28"},
    }


def insufficient_decision() -> dict[str, Any]:
    d = valid_decision()
    d.pop("licensing_policy")
    d["outcome"] = "insufficient_information"
    d["items"] = [{"id": "1", "outcome": "insufficient_information", "reasons": []}]
    d["reasons"] = []
    d["not_applied"] = []
    d["missing_facts"] = [{"item": "1", "field": "control_code", "why": "cannot classify the item"}]
    return d


def test_valid_decisions_validate() -> None:
    assert errors(DECISION, valid_decision()) == []
    assert errors(DECISION, insufficient_decision()) == []


def test_decision_additions_are_allowed() -> None:
    d = valid_decision()
    d["reasons"][0]["description"] = "from METADATA"
    d["reasons"][0]["clause"] = "mofcom-2025-18/art-1"
    d["reasons"][0]["outcome"] = "licensed"
    d["reasons"][0]["licence"] = {"id": "L-1", "issuer": "MOFCOM", "valid_until": "2026-12-31"}
    d["not_applied"][0]["clause"] = "mofcom-2025-61/1-1"
    d["missing_facts"] = [{"item": "1", "field": "x", "why": "y", "hint": "z"}]
    d["items"][0]["x_extra"] = True
    d["trace"] = {"anything": 1}
    assert errors(DECISION, d) == []


# (case id, which valid decision, dotted path, value or _DELETE, message fragment[, failing path])
BAD_DECISIONS = [
    ("license-required-without-policy", valid_decision, "licensing_policy", _DELETE, ""),
    ("unknown-licensing-policy", valid_decision, "licensing_policy", "strict", "is not one of"),
    (
        "insufficient-with-empty-missing-facts",
        insufficient_decision,
        "missing_facts",
        [],
        "should be non-empty",
    ),
    ("insufficient-without-missing-facts", insufficient_decision, "missing_facts", _DELETE, ""),
    ("unknown-outcome", valid_decision, "outcome", "allowed", "is not one of"),
    ("unknown-item-outcome", valid_decision, "items.0.outcome", "ok", "is not one of"),
    ("bad-date", valid_decision, "date", "2026-02-30", "is not valid under any"),
    ("bad-reviewed-on", valid_decision, "policy.data_reviewed_on", "2026-13-01", "is not a 'date'"),
    ("bad-would-apply-from", valid_decision, "not_applied.0.would_apply_from", "soon", ""),
    ("not-applied-without-because", valid_decision, "not_applied.0.because", _DELETE, ""),
    ("reason-without-citation", valid_decision, "reasons.0.citation", _DELETE, ""),
    ("reason-citation-without-url", valid_decision, "reasons.0.citation.url", _DELETE, ""),
    ("reason-without-facts", valid_decision, "reasons.0.facts", _DELETE, ""),
    ("facts-not-object", valid_decision, "reasons.0.facts", ["1C904"], "is not of type"),
    ("item-reason-without-provision", valid_decision, "items.0.reasons.0.provision", _DELETE, ""),
    ("de-minimis-without-ratio", valid_decision, "items.1.de_minimis.ratio", _DELETE, ""),
    (
        "de-minimis-threshold-as-percent",
        valid_decision,
        "items.1.de_minimis.threshold",
        10,
        "greater than the maximum",
    ),
    ("missing-fact-without-why", insufficient_decision, "missing_facts.0.why", _DELETE, ""),
    (
        "warning-not-string",
        valid_decision,
        "warnings",
        [{"text": "x"}],
        "is not of type",
        "$.warnings[0]",
    ),
    ("without-policy", valid_decision, "policy", _DELETE, ""),
    ("without-revision", valid_decision, "policy.revision", _DELETE, ""),
    ("without-transaction-id", valid_decision, "transaction_id", _DELETE, ""),
    (
        "licence-without-id",
        valid_decision,
        "reasons.0.licence",
        {"issuer": "MOFCOM"},
        "'id' is a required property",
        "$.reasons[0].licence",
    ),
]


@pytest.mark.parametrize("case", BAD_DECISIONS, ids=[str(c[0]) for c in BAD_DECISIONS])
def test_bad_decision_is_refused_naming_the_path(case: tuple[Any, ...]) -> None:
    _, make, dotted, value, message, *where = case
    path, message = expected_failure(dotted, value, message, where[0] if where else None)
    found = errors(DECISION, mutated(make(), dotted, value))
    assert found, "schema accepted a bad decision"
    assert any(p == path and message in m for p, m in found), found


def test_the_bundle_validates_against_the_current_schema() -> None:
    """The policy validates its input against a copy in the bundle: `make docs` writes it."""
    from exportctl._docs import bundle_schema, bundle_schema_path

    assert bundle_schema_path().read_text(encoding="utf-8") == bundle_schema(), (
        "policies/exportctl/schemas/data.json is stale: run `make docs`"
    )

"""`exportctl validate`: every invalid field at once, each in plain words, never a regular
expression; exit 2 when invalid, 0 when valid."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl._cli import app
from exportctl._schema import PATTERN_WORDS, transaction_errors, validate_transaction
from exportctl.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = orjson.loads((ROOT / "schemas" / "transaction.schema.json").read_bytes())
REFERENCE = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

# A valid transaction that holds every field that has a pattern or an enum in the schema.
FULL: dict[str, Any] = {
    "id": "FULL-1",
    "date": "2026-12-01",
    "contract_date": "2026-11-01",
    "transferor": {"name": "Example Magnetics Co.", "country": "CN"},
    "destination": "VN",
    "parties": [
        {
            "role": "end_user",
            "name": "Example Vietnam Co.",
            "country": "VN",
            "military": False,
            "owners": [{"name": "Example Holding", "share": 0.6}],
        }
    ],
    "end_use": {"categories": ["civil"], "description": "motors"},
    "items": [
        {
            "id": "1",
            "kind": "goods",
            "control_code": "1C904.a.4",
            "material": {"elements": ["Nd", "Fe", "B", "Tb"], "form": "magnet"},
            "hs_code": "8505111000",
            "origin": "CN",
            "produced_with_cn_technologies": ["magnet_manufacturing"],
            "technology_areas": ["magnet_manufacturing"],
            "value": {"amount": 100, "currency": "USD"},
            "quantity": {"amount": 1, "unit": "kg"},
            "bom": [{"id": "1.1", "origin": "CN", "value": {"amount": 1, "currency": "EUR"}}],
        }
    ],
    "fx_rates": {"EUR": {"USD": 1.08}},
    "licenses": [
        {
            "id": "L-1",
            "issuer": "MOFCOM",
            "type": "individual",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "control_codes": ["1C904"],
            "destinations": ["VN"],
            "end_users": ["Example Vietnam Co."],
        }
    ],
}
NOT_ANY_VALUE = "x y"
"""Matches no pattern and no enum of the schema, and holds no regular-expression syntax."""
REGEX_SYNTAX = re.compile(r"\^|\$|\[[^\]]*-[^\]]*\]|\{[0-9,]+\}|\(\?|\\[.dw]|[\])][*+?]")
"""What a regular expression looks like: anchors, classes, repetitions, groups, escapes."""

runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def schema_keywords(node: Any, keyword: str) -> Iterator[Any]:
    """Every value of `keyword` anywhere in the schema `node`."""
    if isinstance(node, dict):
        if keyword in node and not isinstance(node[keyword], dict):
            yield node[keyword]
        for value in node.values():
            yield from schema_keywords(value, keyword)
    elif isinstance(node, list):
        for value in node:
            yield from schema_keywords(value, keyword)


def string_leaves(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every string in `node`, and of every key of `fx_rates` (as `(..., KEY)`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if path[:1] == ("fx_rates",):
                yield (*path, "KEY", key)
            yield from string_leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from string_leaves(value, (*path, index))
    elif isinstance(node, str):
        yield path


def with_value(transaction: dict[str, Any], path: tuple[Any, ...], value: str) -> Any:
    changed = copy.deepcopy(transaction)
    parent: Any = changed
    if "KEY" in path:  # rename a key of fx_rates
        where = path.index("KEY")
        for part in path[:where]:
            parent = parent[part]
        parent[value] = parent.pop(path[where + 1])
        return changed
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return changed


def test_the_full_transaction_is_valid() -> None:
    assert list(REFERENCE.iter_errors(FULL)) == []
    assert transaction_errors(FULL) == []


MUTATED = [
    (path, changed)
    for path in string_leaves(FULL)
    if not REFERENCE.is_valid(changed := with_value(FULL, path, NOT_ANY_VALUE))
]
"""FULL with one string (or key) made `NOT_ANY_VALUE`, where that makes it invalid."""


def test_every_pattern_and_enum_of_the_schema_is_exercised() -> None:
    patterns, enums = set(), set()
    for _, transaction in MUTATED:
        for error in REFERENCE.iter_errors(transaction):
            if error.validator == "pattern":
                patterns.add(error.validator_value)
            if error.validator == "enum":
                enums.add(tuple(error.validator_value))

    assert patterns == set(schema_keywords(SCHEMA, "pattern"))
    assert enums == {tuple(values) for values in schema_keywords(SCHEMA, "enum")}


def test_every_pattern_of_the_schema_has_words() -> None:
    assert set(schema_keywords(SCHEMA, "pattern")) <= set(PATTERN_WORDS)
    for words in PATTERN_WORDS.values():
        assert not REGEX_SYNTAX.search(words), words


@pytest.mark.parametrize(
    ("path", "transaction"), MUTATED, ids=[".".join(map(str, path)) for path, _ in MUTATED]
)
def test_no_message_shows_a_regular_expression(path: tuple[Any, ...], transaction: Any) -> None:
    pattern_or_enum = [
        e for e in REFERENCE.iter_errors(transaction) if e.validator in ("pattern", "enum")
    ]
    errors = transaction_errors(transaction)
    with pytest.raises(InputError) as first:
        validate_transaction(transaction)

    for error in [*errors, first.value]:
        assert not REGEX_SYNTAX.search(error.message), error.message
    for reference in pattern_or_enum:
        [message] = [e.message for e in errors if e.field == _field(reference)]
        if reference.validator == "enum":  # every allowed value, in full
            assert all(str(value) in message for value in reference.validator_value), message
        else:
            assert f'"{NOT_ANY_VALUE}" is not ' in message, message


def _field(error: Any) -> str:
    from exportctl._schema import json_path

    parts = list(error.absolute_path)
    if "propertyNames" in error.schema_path:
        parts.append(error.instance)
    return json_path(parts)


def test_the_country_message_is_plain_words() -> None:
    transaction = {**FULL, "destination": "Vietnam"}

    result = invoke("validate", "-", stdin=orjson.dumps(transaction))

    assert result.exit_code == 2
    assert result.stderr == (
        "exportctl: error: invalid transaction: destination: "
        '"Vietnam" is not a two-letter ISO 3166 country code in capitals, such as VN\n'
    )


def test_a_newline_after_a_code_is_refused_in_plain_words() -> None:
    # jsonschema (Python's `re`) lets `$` match before a final newline; jsonschema-rs does not.
    transaction = {**FULL, "destination": "VN\n"}

    [error] = transaction_errors(transaction)

    assert error.field == "destination"
    assert not REGEX_SYNTAX.search(error.message), error.message
    assert "two-letter ISO 3166" in error.message


def test_validate_reports_every_invalid_field_at_once() -> None:
    transaction = copy.deepcopy(FULL)
    transaction["destination"] = "vn"
    transaction["date"] = "2026-02-30"
    transaction["parties"][0]["role"] = "buyer"
    transaction["parties"][0]["militray"] = True
    transaction["items"][0]["value"]["amount"] = -1
    del transaction["items"][0]["origin"]
    transaction["licenses"][0]["control_codes"] = []
    fields = {
        "destination": "two-letter ISO 3166",
        "date": '"2026-02-30" is not a valid date',
        "parties[0].role": "consignee, end_user, intermediary, service_provider",
        "parties[0].militray": "did you mean military?",
        "items[0].value.amount": "must be ≥ 0",
        "items[0].origin": "is required",
        "licenses[0].control_codes": "at least 1 item",
    }

    result = invoke("validate", "-", stdin=orjson.dumps(transaction))

    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(fields), lines
    for field, fragment in fields.items():
        [line] = [
            line
            for line in lines
            if line.startswith(f"exportctl: error: invalid transaction: {field}: ")
        ]
        assert fragment in line


def test_validate_exits_0_for_a_valid_transaction_and_2_for_an_invalid_one() -> None:
    valid = invoke("validate", "-", stdin=orjson.dumps(FULL))
    invalid = invoke("validate", "-", stdin=orjson.dumps({**FULL, "items": []}))

    assert (valid.exit_code, valid.stdout, valid.stderr) == (0, "valid transaction FULL-1\n", "")
    assert invalid.exit_code == 2
    assert (
        invalid.stderr
        == "exportctl: error: invalid transaction: items: must have at least 1 item\n"
    )


def test_a_bill_too_deep_is_one_error() -> None:
    transaction = copy.deepcopy(FULL)
    line: dict[str, Any] = transaction["items"][0]
    for level in range(10):
        line["bom"] = [{"id": f"l{level}", "origin": "CN"}]
        line = line["bom"][0]

    [error] = transaction_errors(transaction)

    assert "nest at most 8 levels" in error.message

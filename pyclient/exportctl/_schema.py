"""Validation of a transaction against `schemas/transaction.schema.json`."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from exportctl._paths import TRANSACTION_SCHEMA
from exportctl.errors import ExportCtlError, InputError

if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema import Draft202012Validator, ValidationError

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def validate_transaction(transaction: object) -> None:
    """Raise `InputError` naming the first field of `transaction` that breaks the schema.

    A transaction is checked by jsonschema-rs (some 25 µs for a 20-line bill of materials, where
    the pure-Python jsonschema takes about 7 ms). Only one it rejects, or a Python value that is not
    JSON, goes through jsonschema too, whose `best_match` picks the error reported. Bills of
    materials deeper than `MAX_BOM_LEVELS` are refused first, without recursion.
    """
    _check_bom_depth(transaction)
    try:
        if _fast_validator().is_valid(transaction):
            return
        fast_rejected = True
    except ValueError:  # not a JSON value (a dict with int keys, an object): jsonschema decides
        fast_rejected = False
    from jsonschema.exceptions import best_match

    try:
        error = best_match(_validator().iter_errors(transaction))
    except RecursionError:  # a value nested too deeply for jsonschema, outside any bill
        raise InputError("(transaction)", "is nested too deeply") from None
    if error is not None:
        raise InputError(*_describe(error))
    if fast_rejected:
        # jsonschema-rs is stricter in corners, e.g. a pattern's `$` never matches before a
        # final newline as Python's `re` does: report its own first error.
        first = next(iter(_fast_validator().iter_errors(transaction)))
        raise InputError(
            json_path(first.instance_path), _truncate(" ".join(first.message.split()), 160)
        )


MAX_BOM_LEVELS = 8
"""How deep bills of materials nest: `items[i].bom` holds the lines of level 1, and a line of
level 8 has no bill of its own (as `schemas/transaction.schema.json` says)."""


def _check_bom_depth(transaction: object) -> None:
    """Raise `InputError` at the first bill of materials below level `MAX_BOM_LEVELS`.

    Iterative, so that a bill nested thousands of levels deep is refused with this message
    instead of exhausting the recursion of a validator.
    """
    if not isinstance(transaction, dict) or not isinstance(transaction.get("items"), list):
        return
    # (path of a thing, the thing, the level of the lines in its `bom`)
    pending: list[tuple[str, Any, int]] = [
        (f"items[{i}]", item, 1) for i, item in reversed(list(enumerate(transaction["items"])))
    ]
    while pending:
        path, thing, level = pending.pop()
        bom = thing.get("bom") if isinstance(thing, dict) else None
        if not isinstance(bom, list) or not bom:
            continue
        if level > MAX_BOM_LEVELS:
            raise InputError(
                f"{path}.bom", f"bills of materials nest at most {MAX_BOM_LEVELS} levels"
            )
        pending += [
            (f"{path}.bom[{j}]", line, level + 1) for j, line in reversed(list(enumerate(bom)))
        ]


def _schema() -> Any:
    try:
        return orjson.loads(TRANSACTION_SCHEMA.read_bytes())
    except OSError as e:
        raise ExportCtlError(f"cannot read the transaction schema {TRANSACTION_SCHEMA}: {e}") from e


@functools.cache
def _fast_validator() -> jsonschema_rs.Validator:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_schema(), validate_formats=True, offline=True)


@functools.cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def json_path(parts: Iterable[str | int]) -> str:
    """`["items", 0, "value"]` -> `items[0].value`; the empty path is `(transaction)`."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "(transaction)"


def _describe(error: ValidationError) -> tuple[str, str]:
    """The field (JSON path) and a one-line message for a schema violation."""
    path = list(error.absolute_path)
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    match error.validator:
        case "required":
            missing = [name for name in expected if name not in instance]
            return json_path([*path, missing[0]]), "is required"
        case "additionalProperties" | "unevaluatedProperties":
            known = schema.get("properties", {})
            patterns = schema.get("patternProperties", {})
            extra = [
                name
                for name in instance
                if name not in known and not any(re.search(p, name) for p in patterns)
            ]
            if not extra:
                return json_path(path), "has a field the transaction schema does not allow"
            near = difflib.get_close_matches(extra[0], list(known), n=1, cutoff=0.75)
            hint = f" (did you mean {near[0]}?)" if near else ""
            return json_path([*path, extra[0]]), f"is not a field of the transaction schema{hint}"
        case "type":
            wanted = " or ".join(expected) if isinstance(expected, list) else expected
            return json_path(path), f"must be {_article(wanted)}, not {_json_type(instance)}"
        case "format":
            return json_path(path), f"{_short(instance)} is not a valid {expected}"
        case "pattern":
            return json_path(path), f"{_short(instance)} does not match {expected}"
        case "enum":
            choices = ", ".join(_short(choice) for choice in expected[:8])
            more = ", …" if len(expected) > 8 else ""
            return json_path(path), f"{_short(instance)} is not one of {choices}{more}"
        case "const":
            return json_path(path), f"must be {_short(expected)}"
        case "minItems":
            return json_path(path), f"must have at least {_count(expected, 'item')}"
        case "minLength":
            return json_path(path), f"must be at least {_count(expected, 'character')} long"
        case "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum":
            bound = {
                "minimum": "≥",
                "maximum": "≤",
                "exclusiveMinimum": ">",
                "exclusiveMaximum": "<",
            }
            return json_path(path), f"must be {bound[error.validator]} {expected}"
        case _:
            return json_path(path), _truncate(" ".join(error.message.split()), 160)


def _json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _article(type_name: str) -> str:
    return f"an {type_name}" if type_name[0] in "aeiou" else f"a {type_name}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _short(value: Any) -> str:
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return _truncate(text, 60)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

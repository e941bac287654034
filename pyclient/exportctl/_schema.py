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
        raise InputError(*_describe_fast(next(iter(_fast_validator().iter_errors(transaction)))))


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


def transaction_errors(transaction: object) -> list[InputError]:
    """Every field of `transaction` that breaks the schema, one `InputError` each (the first
    problem found at that field), in plain words; `[]` for a valid transaction."""
    try:
        _check_bom_depth(transaction)
        if _fast_validator().is_valid(transaction):
            return []
        fast_rejected = True
    except InputError as e:
        return [e]
    except ValueError:  # not a JSON value: jsonschema decides
        fast_rejected = False
    try:
        described = [d for e in _validator().iter_errors(transaction) for d in _describe_each(e)]
    except RecursionError:
        return [InputError("(transaction)", "is nested too deeply")]
    if not described and fast_rejected:
        described = [_describe_fast(e) for e in _fast_validator().iter_errors(transaction)]
    first_by_field: dict[str, str] = {}
    for field, message in described:
        first_by_field.setdefault(field, message)
    return [InputError(field, message) for field, message in first_by_field.items()]


PATTERN_WORDS = {
    "^[A-Z]{2}$": "a two-letter ISO 3166 country code in capitals, such as VN",
    "^[A-Z]{3}$": "a three-letter ISO 4217 currency code in capitals, such as USD",
    "^(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$": (
        "a date written YYYY-MM-DD, such as 2026-12-01"
    ),
    r"^(not_listed|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$": (
        "a control-list code such as 1C904 or 1C904.a.4 (a digit, a capital A to E, three "
        "digits, then parts in small letters or digits after dots), or not_listed"
    ),
    "^[0-9][A-E][0-9a-z.]*$": (
        "a control-list code or heading as written on the licence, such as 1C904 or 1C904.a"
    ),
    "^[A-Z][a-z]?$": "a chemical element symbol as in the periodic table, such as Nd, Dy or O",
    "^[0-9]+$": "digits only, such as 8505111000",
}
"""What each `pattern` of the transaction schema asks for, in words: a message never shows a
regular expression. `tests/test_validate.py` checks that every pattern of the schema is here."""


def _pattern_words(pattern: str, schema: Any) -> str:
    words = PATTERN_WORDS.get(pattern)
    if words is not None:
        return words
    title = schema.get("title") if isinstance(schema, dict) else None
    return f"a valid {str(title).lower()}" if title else "of the form the schema asks for"


def _describe(error: ValidationError) -> tuple[str, str]:
    """The field (JSON path) and a one-line message for a schema violation."""
    return _describe_each(error)[0]


def _describe_each(error: ValidationError) -> list[tuple[str, str]]:
    """The fields (JSON paths) a schema violation is about, each with a one-line message in
    plain words: one violation names several fields when several are missing or unknown."""
    path: list[str | int] = list(error.absolute_path)
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if (
        "propertyNames" in error.schema_path
        and error.validator == "pattern"
        and isinstance(instance, str)
    ):
        words = _pattern_words(expected, schema)
        return [(json_path([*path, instance]), f"the key {_short(instance)} is not {words}")]
    match error.validator:
        case "required":
            missing = [name for name in expected if name not in instance]
            return [(json_path([*path, name]), "is required") for name in missing]
        case "additionalProperties" | "unevaluatedProperties":
            known = schema.get("properties", {})
            patterns = schema.get("patternProperties", {})
            extra = [
                name
                for name in instance
                if name not in known and not any(re.search(p, name) for p in patterns)
            ]
            if not extra:
                return [(json_path(path), "has a field the transaction schema does not allow")]
            described = []
            for name in extra:
                near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
                hint = f" (did you mean {near[0]}?)" if near else ""
                message = f"is not a field of the transaction schema{hint}"
                described.append((json_path([*path, name]), message))
            return described
        case "type":
            wanted = " or ".join(expected) if isinstance(expected, list) else expected
            return [(json_path(path), f"must be {_article(wanted)}, not {_json_type(instance)}")]
        case "format" if expected == "date":
            return [(json_path(path), f"{_short(instance)} is not a valid date")]
        case "format":
            return [(json_path(path), f"{_short(instance)} is not a valid {expected}")]
        case "pattern":
            words = _pattern_words(expected, schema)
            return [(json_path(path), f"{_short(instance)} is not {words}")]
        case "enum":
            choices = ", ".join(str(choice) for choice in expected)
            return [(json_path(path), f"{_short(instance)} is not one of: {choices}")]
        case "const":
            return [(json_path(path), f"must be {_short(expected)}")]
        case "minItems":
            return [(json_path(path), f"must have at least {_count(expected, 'item')}")]
        case "maxItems" if expected == 0:
            return [(json_path(path), f"must be empty: {schema.get('description', '')}".strip())]
        case "maxItems":
            return [(json_path(path), f"must have at most {_count(expected, 'item')}")]
        case "minLength" if expected == 1:
            return [(json_path(path), "must not be empty")]
        case "minLength":
            return [(json_path(path), f"must be at least {_count(expected, 'character')} long")]
        case "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum":
            bound = {
                "minimum": "≥",
                "maximum": "≤",
                "exclusiveMinimum": ">",
                "exclusiveMaximum": "<",
            }
            return [(json_path(path), f"must be {bound[error.validator]} {expected}")]
        case _:
            return [(json_path(path), _truncate(" ".join(error.message.split()), 160))]


def _describe_fast(error: jsonschema_rs.ValidationError) -> tuple[str, str]:
    """A jsonschema-rs error, for the corners where it is stricter than jsonschema."""
    import jsonschema_rs

    field = json_path(error.instance_path)
    if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Pattern):
        return (
            field,
            f"{_short(error.instance)} is not {_pattern_words(error.kind.pattern, None)}",
        )
    return field, _truncate(" ".join(error.message.split()), 160)


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

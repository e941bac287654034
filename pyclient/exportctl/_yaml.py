"""Transactions written in YAML: read with PyYAML's safe loader into exactly the JSON value a
JSON file would give, or refused with the field named.

YAML 1.1, which PyYAML reads, turns some unquoted words into other things than the text a person
meant: `NO` (Norway) and `yes`, `on`, `off` into booleans, `2026-12-01` into a date, `0123` into
the octal number 83, `1:20` into 80, `.nan` into a number JSON has not. Such a value is taken only
where its meaning is the one JSON would give (`true`, `false`, a date written YYYY-MM-DD, which is
kept as that text, a plain decimal number); any other is refused with the field's path, so that a
YAML transaction never decides other facts than the person wrote. Duplicate keys, merge keys,
aliases of lists or mappings and tags JSON has no value for are refused too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import yaml

from exportctl._schema import json_path
from exportctl.errors import InputError, UsageError

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INT_RANGE = (-(2**63), 2**64 - 1)  # what orjson writes
_QUOTE_IT = 'write it in quotes ("…") if it is text'


class _Doubtful:
    """A scalar YAML reads as something a JSON reader would not: refused where it is found."""

    def __init__(self, text: str, problem: str) -> None:
        self.text = text
        self.problem = problem


def _loader_base() -> type[yaml.SafeLoader]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_loader_base()):  # type: ignore[misc]
    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, "merge keys (<<) are not accepted", key_node.start_mark
                )

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key if isinstance(key, str) else id(key))
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


def _bool(loader: _Loader, node: yaml.ScalarNode) -> bool | _Doubtful:
    text = str(node.value)
    if text in ("true", "false"):
        return text == "true"
    meaning = "true" if text.lower() in ("yes", "on", "true") else "false"
    return _Doubtful(
        text,
        f'is read by YAML as {meaning} (a yes/no value), not as text: write "{text}" in quotes '
        "for text such as a country code, or true or false for a flag",
    )


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> str | _Doubtful:
    text = str(node.value)
    if _DATE.fullmatch(text):
        return text  # the date as the person wrote it, which the schema then checks
    return _Doubtful(text, 'is read by YAML as a date and time: write a date as "YYYY-MM-DD"')


def _int(loader: _Loader, node: yaml.ScalarNode) -> int | _Doubtful:
    text = str(node.value)
    if _DECIMAL_INT.fullmatch(text) and _INT_RANGE[0] <= int(text) <= _INT_RANGE[1]:
        return int(text)
    return _Doubtful(
        text,
        "is read by YAML as a number in another notation (octal, hexadecimal, base 60, "
        f"digits grouped with _) or out of range: write a plain decimal number, or {_QUOTE_IT}",
    )


def _float(loader: _Loader, node: yaml.ScalarNode) -> float | _Doubtful:
    text = str(node.value)
    if _DECIMAL_FLOAT.fullmatch(text) and math.isfinite(value := float(text)):
        return value  # 1.0e+400 is infinite: refused below, as JSON readers refuse it
    return _Doubtful(
        text,
        "is read by YAML as a number JSON has not (infinite, not a number) or in another "
        f"notation: write a plain decimal number, or {_QUOTE_IT}",
    )


def _not_json(loader: _Loader, node: yaml.Node) -> _Doubtful:
    return _Doubtful(f"!!{node.tag.rsplit(':', 1)[-1]}", "is a YAML type JSON has no value for")


for _tag, _constructor in [
    ("bool", _bool),
    ("timestamp", _timestamp),
    ("int", _int),
    ("float", _float),
    ("binary", _not_json),
    ("set", _not_json),
    ("omap", _not_json),
    ("pairs", _not_json),
]:
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _constructor)


def load_yaml(data: bytes, name: str) -> Any:
    """The one YAML document in `data` as a JSON value; `UsageError` when it is not YAML, and
    `InputError` naming the field that YAML would read otherwise than JSON."""
    try:
        document = yaml.load(data, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        raise UsageError(f"{name} is not valid YAML: {_yaml_problem(e)}") from None
    except RecursionError:
        raise UsageError(f"{name} is nested too deeply") from None
    _check(document, [], set())
    return document


def load_yaml_documents(data: bytes, name: str) -> Iterator[Any]:
    """The documents of a YAML stream (separated by `---`), each as a JSON value; `UsageError`
    and `InputError` as `load_yaml`, with `document N` in front of the field."""
    loader = _Loader(data)
    number = 0
    try:
        while loader.check_data():
            number += 1
            document = loader.get_data()
            try:
                _check(document, [], set())
            except InputError as e:
                raise InputError(f"document {number}: {e.field}", e.message) from None
            yield document
    except yaml.YAMLError as e:
        raise UsageError(f"{name} is not valid YAML: {_yaml_problem(e)}") from None
    except RecursionError:
        raise UsageError(f"{name}: document {number + 1} is nested too deeply") from None
    finally:
        loader.dispose()


def _yaml_problem(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        problem = error.problem or error.context or "unreadable"
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(error).split())


def _check(value: Any, path: list[str | int], containers: set[int]) -> None:
    """Raise `InputError` at the first part of `value` that is not what JSON would read."""
    match value:
        case _Doubtful():
            raise InputError(json_path(path), f"{value.text} {value.problem}")
        case dict() | list():
            if id(value) in containers:
                raise InputError(json_path(path), "repeats another part by a YAML alias (*…)")
            containers.add(id(value))
            if isinstance(value, list):
                for index, element in enumerate(value):
                    _check(element, [*path, index], containers)
                return
            for key, element in value.items():
                if isinstance(key, _Doubtful):
                    raise InputError(json_path([*path, key.text]), f"key {key.problem}")
                if not isinstance(key, str):
                    raise InputError(json_path(path), f"has a key that is not text: {key!r}")
                _check(element, [*path, key], containers)
        case str() | bool() | int() | float() | None:
            return
        case _:
            raise InputError(json_path(path), f"is a {type(value).__name__}, not a JSON value")

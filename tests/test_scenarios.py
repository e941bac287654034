"""Scenario suite: JSON cases under tests/scenarios/ run through the real OPA.

Each case names a transaction and what the decision must say; see
tests/scenarios/README.md for the format. The comparison is strict where it matters:
the set of (provision, item) pairs in `reasons` must equal the expected set exactly,
so a provision that fires where it should not fails the case.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exportctl import OUTCOMES, decide

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "tests" / "scenarios"
META = SCENARIOS / "_meta.json"

SEVERITY = list(OUTCOMES)

# The format of a scenario file (documented in tests/scenarios/README.md).
_PAIR = {"type": "object", "required": ["provision", "item"]}
_FACT = {"type": "object", "required": ["item", "field"]}
SCENARIO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "description", "source", "expect"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "source": {"type": "string", "pattern": "^(OFFICIAL|DERIVED)\\b"},
        "transaction": {"type": "object"},
        "transaction_file": {"type": "string"},
        "expect": {
            "type": "object",
            "required": ["outcome", "reasons"],
            "additionalProperties": False,
            "properties": {
                "outcome": {"enum": SEVERITY},
                "licensing_policy": {"enum": ["presumption_of_denial", "case_by_case", "standard"]},
                "items": {"type": "object", "additionalProperties": {"enum": SEVERITY}},
                "reasons": {"type": "array", "items": _PAIR},
                "not_applied": {"type": "array", "items": _PAIR},
                "missing_facts": {"type": "array", "items": _FACT},
                "warnings_contain": {"type": "array", "items": {"type": "string"}},
                "warnings_min": {"type": "integer", "minimum": 0},
            },
        },
    },
    "oneOf": [{"required": ["transaction"]}, {"required": ["transaction_file"]}],
}

ONE_OF = "$one_of"  # a fact value {"$one_of": [a, b]} matches a or b


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


TX_SCHEMA = _validator("transaction")
DECISION_SCHEMA = _validator("decision")


def scenario_paths() -> list[Path]:
    return sorted(
        p for p in SCENARIOS.rglob("*.json") if not any(part.startswith("_") for part in p.parts)
    )


def case_id(path: Path) -> str:
    return path.relative_to(SCENARIOS).as_posix()


PATHS = scenario_paths()
IDS = [case_id(p) for p in PATHS]


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def transaction_of(case: dict[str, Any]) -> dict[str, Any]:
    if "transaction_file" in case:
        path = ROOT / case["transaction_file"]
        transaction: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return transaction
    embedded: dict[str, Any] = case["transaction"]
    return embedded


def schema_errors(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


# --- talking to OPA ---------------------------------------------------------


def _decide(tx: dict[str, Any], opa_url: str) -> dict[str, Any]:
    """The decision dict OPA returned, through the exportctl client."""
    raw = decide(tx, opa_url=opa_url).raw
    assert isinstance(raw, dict), f"OPA returned no decision: {raw!r}"
    return raw


_DECISIONS: dict[str, dict[str, Any]] = {}


def decision_for(path: Path, opa_url: str) -> dict[str, Any]:
    key = case_id(path)
    if key not in _DECISIONS:
        _DECISIONS[key] = _decide(transaction_of(load_case(path)), opa_url)
    return _DECISIONS[key]


# --- matching ---------------------------------------------------------------


def subset_match(expected: Any, actual: Any) -> bool:
    """Expected objects match when every key they name matches; lists and scalars are equal."""
    if isinstance(expected, dict) and set(expected) == {ONE_OF}:
        return any(subset_match(option, actual) for option in expected[ONE_OF])
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and subset_match(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(subset_match(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)


def pairs(entries: list[dict[str, Any]], a: str, b: str) -> set[tuple[Any, Any]]:
    return {(e.get(a), e.get(b)) for e in entries}


def check_entries(kind: str, expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> None:
    """Exact set of (provision, item); each expected entry subset-matches an actual one."""
    want, got = pairs(expected, "provision", "item"), pairs(actual, "provision", "item")
    assert got == want, (
        f"{kind}: (provision, item) pairs differ\n  missing: {sorted(want - got)}\n"
        f"  unexpected: {sorted(got - want)}\n  actual: {json.dumps(actual, indent=1)}"
    )
    for entry in expected:
        candidates = [
            a for a in actual if (a["provision"], a["item"]) == (entry["provision"], entry["item"])
        ]
        rest = {k: v for k, v in entry.items() if k not in ("provision", "item")}
        assert any(subset_match(rest, c) for c in candidates), (
            f"{kind}: no entry for {entry['provision']} / item {entry['item']} matches "
            f"{json.dumps(rest)}\n  actual: {json.dumps(candidates, indent=1)}"
        )


def check_invariants(tx: dict[str, Any], decision: dict[str, Any]) -> None:
    """Contract rules that hold for every decision, whatever the case."""
    assert decision["transaction_id"] == tx["id"]
    assert decision["date"] == tx["date"]
    assert [i["id"] for i in decision["items"]] == [i["id"] for i in tx["items"]]
    item_outcomes = [i["outcome"] for i in decision["items"]]
    most_severe = min(item_outcomes, key=SEVERITY.index)
    assert SEVERITY.index(decision["outcome"]) <= SEVERITY.index(most_severe), (
        f"transaction outcome {decision['outcome']} is less severe than an item's {most_severe}"
    )
    if decision["outcome"] != most_severe:
        # Only a transaction-wide missing fact can make the transaction more severe.
        assert decision["outcome"] == "insufficient_information" and decision["missing_facts"]
    item_ids = {i["id"] for i in decision["items"]}
    for reason in decision["reasons"]:
        assert reason["item"] in item_ids, f"reason for unknown item {reason['item']}"
    for item in decision["items"]:
        top = sorted(
            json.dumps(r, sort_keys=True) for r in decision["reasons"] if r["item"] == item["id"]
        )
        own = sorted(json.dumps(r, sort_keys=True) for r in item["reasons"])
        assert own == top, f"item {item['id']}: its reasons differ from the decision's reasons"
        if item["outcome"] == "insufficient_information":
            assert any(m["item"] == item["id"] for m in decision["missing_facts"]), (
                f"item {item['id']} is insufficient_information but names no missing fact"
            )


# --- the tests --------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_scenario_file_is_well_formed(path: Path) -> None:
    """Runs without OPA: the case follows the format and its transaction fits the schema."""
    case = load_case(path)
    assert schema_errors(Draft202012Validator(SCENARIO_SCHEMA), case) == []
    if "transaction_file" in case:
        assert (ROOT / case["transaction_file"]).is_file(), case["transaction_file"]
    tx = transaction_of(case)
    assert schema_errors(TX_SCHEMA, tx) == []
    tx_items = {i["id"] for i in tx["items"]}
    expect = case["expect"]
    for item in expect.get("items", {}):
        assert item in tx_items, f"expect.items names unknown item {item}"
    for key in ("reasons", "not_applied", "missing_facts"):
        for entry in expect.get(key, []):
            assert entry["item"] in tx_items, f"expect.{key} names unknown item {entry['item']}"


def test_scenario_ids_are_unique() -> None:
    names = defaultdict(list)
    for path in PATHS:
        names[load_case(path)["name"]].append(case_id(path))
    assert {n: p for n, p in names.items() if len(p) > 1} == {}


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_scenario(path: Path, opa_url: str) -> None:
    case = load_case(path)
    tx = transaction_of(case)
    assert schema_errors(TX_SCHEMA, tx) == [], "the scenario's transaction fails the schema"

    decision = decision_for(path, opa_url)
    assert schema_errors(DECISION_SCHEMA, decision) == [], json.dumps(decision, indent=1)
    check_invariants(tx, decision)

    expect = case["expect"]
    assert decision["outcome"] == expect["outcome"], json.dumps(decision, indent=1)
    if "licensing_policy" in expect:
        assert decision.get("licensing_policy") == expect["licensing_policy"]
    by_id = {i["id"]: i for i in decision["items"]}
    for item_id, outcome in expect.get("items", {}).items():
        assert by_id[item_id]["outcome"] == outcome, f"item {item_id}"

    check_entries("reasons", expect["reasons"], decision["reasons"])
    if "not_applied" in expect:
        check_entries("not_applied", expect["not_applied"], decision["not_applied"])
    if "missing_facts" in expect:
        want = pairs(expect["missing_facts"], "item", "field")
        got = pairs(decision["missing_facts"], "item", "field")
        assert got == want, f"missing_facts: {decision['missing_facts']}"

    warnings = decision["warnings"]
    for fragment in expect.get("warnings_contain", []):
        assert any(fragment.lower() in w.lower() for w in warnings), (
            f"no warning contains {fragment!r}: {warnings}"
        )
    assert len(warnings) >= expect.get("warnings_min", 0), f"too few warnings: {warnings}"


def test_every_fired_provision_is_also_seen_not_firing(opa_url: str) -> None:
    """The provisions that fire in the suite are the ones its cases expect to fire, and each
    has a case where it does not fire (absent from the reasons, or listed in not_applied).
    Provisions that may fire in every case are exempted only through tests/scenarios/_meta.json,
    with a reason."""
    meta = json.loads(META.read_text(encoding="utf-8")) if META.exists() else {}
    exempt = meta.get("may_fire_in_every_case", {})
    quiet: dict[str, list[str]] = defaultdict(list)
    decisions = {case_id(p): decision_for(p, opa_url) for p in PATHS}
    provisions = {r["provision"] for d in decisions.values() for r in d["reasons"]}
    expected = {r["provision"] for p in PATHS for r in load_case(p)["expect"]["reasons"]}
    assert provisions - expected == set(), "provisions that fire where no case expects them"
    assert expected - provisions == set(), "provisions the cases expect that never fire"
    for name, decision in decisions.items():
        firing = {r["provision"] for r in decision["reasons"]}
        deferred = {n["provision"] for n in decision["not_applied"]}
        for provision in provisions:
            if provision not in firing or provision in deferred:
                quiet[provision].append(name)
    never_quiet = sorted(p for p in provisions if not quiet[p] and p not in exempt)
    assert never_quiet == [], f"provisions that fire in every scenario: {never_quiet}"

"""Fail closed: one fact less never turns a held order into a go.

For every scenario case whose decision holds the order (`prohibited`, `license_required`,
`insufficient_information`), each variant of its transaction with ONE field changed is decided
again: a field (an object key at any depth) removed, set to null, or set to the empty value of
its kind ("" for a string, [] for an array, {} for an object). Emptying an array (`parties: []`,
`bom: []`, `items: []`) is such a change; dropping one element of an array is not. No variant may
come back `not_required`, `exempt` or `licensed`.

Checked two ways against the session's real OPA:
(a) through the Python client, which validates first: a variant the schema rejects
    (`InputError`) is held;
(b) straight to OPA, no client validation: the decision must hold the order; a variant the
    policy gives no decision for (`{}`) fails too, listed as "no decision". An engine error
    (HTTP error) is no decision a caller could act on and is only counted.

The variants are exhaustive and deterministic; identical ones (the same canonical JSON) are
decided once, in chunks through the batch endpoint. Left out, and counted: changes whose result
the contract itself defines (they state a fact rather than remove one), and two cases that exist to
show a declared code winning over contradicting facts (without the code, what remains is a
complete and consistent declaration of an unlisted item).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

import jsonschema_rs
import orjson
import pytest

import exportctl
from exportctl import InputError, OpaClient, UndefinedDecisionError
from exportctl._client import DECISION_PATH
from exportctl.errors import EngineError
from test_scenarios import PATHS, ROOT, case_id, load_case, transaction_of

HOLD = ("prohibited", "license_required", "insufficient_information")
GO = ("licensed", "exempt", "not_required")
TX_SCHEMA = ROOT / "schemas" / "transaction.schema.json"
BATCH_PATH = "/v1/data/exportctl/batch/decisions"
CHUNK = 200
WORKERS = 2
SHOWN = 30
NO_DECISION = "no decision"
ENGINE_ERROR = "engine error"

FieldPath = tuple[str | int, ...]

# Changes that state a fact the contract gives a meaning to, with that meaning.
STATED = (
    (
        re.compile(r"^(remove|empty) licenses\[\d+\]\.(destinations|end_users)$"),
        "contract: an empty or absent list of a licence's destinations or end users means any",
    ),
    (
        re.compile(r"^empty items\[\d+\]\.produced_with_cn_technologies$"),
        "contract: produced_with_cn_technologies [] means none were used",
    ),
)
# (case, change): the declared code contradicted the remaining facts, which clear the item.
CONTRADICTED = {
    ("code/listed-code-wins-over-unlisted-material.json", "remove items[0].control_code"),
    ("faq5/listed-code-wins-over-category.json", "remove items[0].control_code"),
}


def left_out(case: str, mutation: str) -> bool:
    """True for a change outside the property (see the module docstring)."""
    return (case, mutation) in CONTRADICTED or any(p.match(mutation) for p, _ in STATED)


@dataclass(frozen=True)
class Variant:
    """A transaction with one field changed, and every (case, mutation) that yields it."""

    body: bytes
    """Canonical JSON (orjson, sorted keys) of the changed transaction."""
    origins: tuple[tuple[str, str], ...]
    """(case path, mutation), first one first."""

    @property
    def transaction(self) -> dict[str, Any]:
        return orjson.loads(self.body)  # type: ignore[no-any-return]


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def field_name(path: FieldPath) -> str:
    """`("items", 0, "value")` -> `items[0].value`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def fields(node: Any, prefix: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every object key at any depth (through arrays too), with its value, parents first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key), value
            yield from fields(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from fields(value, (*prefix, index))


def _empty_of(value: Any) -> Any:
    """The empty value of `value`'s kind, or None when its kind has none (numbers, booleans)."""
    for kind in (str, list, dict):
        if isinstance(value, kind):
            return kind()
    return None


_REMOVE = object()


def _changed(tx: dict[str, Any], path: FieldPath, new: Any) -> dict[str, Any]:
    """A copy of `tx` (copied only along `path`) with the key at `path` removed or set to `new`."""
    root: Any = dict(tx)
    node = root
    for part in path[:-1]:
        child = node[part]
        child = dict(child) if isinstance(child, dict) else list(child)
        node[part] = child
        node = child
    if new is _REMOVE:
        del node[path[-1]]
    else:
        node[path[-1]] = new
    return root  # type: ignore[no-any-return]


def mutations(tx: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what was changed, the changed transaction) for every one-field change of `tx`."""
    for path, value in fields(tx):
        name = field_name(path)
        yield f"remove {name}", _changed(tx, path, _REMOVE)
        if value is not None:
            yield f"null {name}", _changed(tx, path, None)
        empty = _empty_of(value)
        if empty is not None and value != empty:
            yield f"empty {name}", _changed(tx, path, empty)


def batch_outcomes(opa_url: str, bodies: list[bytes]) -> list[str]:
    """OPA's outcome for each body, straight to the policy (no client validation): the decision's
    `outcome`, NO_DECISION when the policy has none, ENGINE_ERROR when OPA errs. Chunks go in
    WORKERS lanes, each with its own connection (one request in flight per core)."""
    chunks = [bodies[start : start + CHUNK] for start in range(0, len(bodies), CHUNK)]

    def lane(first: int) -> list[list[str]]:
        client = OpaClient(opa_url)
        try:
            return [_chunk_outcomes(client, chunk) for chunk in chunks[first::WORKERS]]
        finally:
            client.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        lanes = list(pool.map(lane, range(WORKERS)))
    return [o for k in range(len(chunks)) for o in lanes[k % WORKERS][k // WORKERS]]


def _chunk_outcomes(client: OpaClient, chunk: list[bytes]) -> list[str]:
    body = b'{"input":{"transactions":[' + b",".join(chunk) + b"]}}"
    try:
        decisions = client.post(BATCH_PATH, body)["result"]
    except EngineError:  # one variant breaks the evaluation: find it, one by one
        return [_single_outcome(client, one) for one in chunk]
    assert isinstance(decisions, list) and len(decisions) == len(chunk), decisions
    # batch.rego answers null where the decision endpoint answers `{}`: no decision.
    return [NO_DECISION if d is None else _outcome_of(d) for d in decisions]


def _single_outcome(client: OpaClient, body: bytes) -> str:
    """As `batch_outcomes`, for one body posted to the decision endpoint."""
    try:
        answer = client.post(DECISION_PATH, b'{"input":' + body + b"}")
    except UndefinedDecisionError:
        return NO_DECISION
    except EngineError:
        return ENGINE_ERROR
    return _outcome_of(answer["result"])


def _outcome_of(decision: Any) -> str:
    if decision == {}:
        return NO_DECISION
    outcome = decision.get("outcome") if isinstance(decision, dict) else None
    return outcome if isinstance(outcome, str) else f"malformed decision {decision!r:.80}"


def client_outcomes(opa_url: str, variants: list[Variant]) -> list[str]:
    """The client's outcome for each variant: `InputError` when the schema rejects it, else the
    outcome of `exportctl.decide`, found with `decide_many` (the client's batch form) and each
    go outcome confirmed with `exportctl.decide`.

    The client validates against schemas/transaction.schema.json and raises `InputError` for any
    transaction it rejects; that file's own validator sorts out the rejected variants first,
    because the client spends a millisecond composing each error message."""
    schema = jsonschema_rs.Draft202012Validator(
        orjson.loads(TX_SCHEMA.read_bytes()), validate_formats=True
    )
    outcomes = ["InputError"] * len(variants)
    valid: list[int] = []
    for index, variant in enumerate(variants):
        if schema.is_valid(tx := variant.transaction):
            try:
                exportctl.validate_transaction(tx)
            except InputError:
                continue
            valid.append(index)
    decisions = exportctl.decide_many(
        [variants[i].transaction for i in valid], opa_url=opa_url, chunk_size=CHUNK
    )
    for index, decision in zip(valid, decisions, strict=True):
        outcomes[index] = decision.outcome
        if decision.outcome not in HOLD:
            outcomes[index] = exportctl.decide(variants[index].transaction, opa_url=opa_url).outcome
    return outcomes


@dataclass(frozen=True)
class Suite:
    cases: int
    """Scenario cases whose decision holds the order."""
    changes: int
    """One-field changes made, before identical variants are merged."""
    variants: list[Variant]
    left_out: int
    """Changes outside the property (`left_out`)."""


@pytest.fixture(scope="module")
def suite(opa_url: str) -> Suite:
    transactions = {case_id(p): transaction_of(load_case(p)) for p in PATHS}
    names = list(transactions)
    originals = batch_outcomes(opa_url, [_canonical(transactions[n]) for n in names])
    held = [n for n, outcome in zip(names, originals, strict=True) if outcome in HOLD]
    seen: dict[bytes, list[tuple[str, str]]] = {}
    changes = skipped = 0
    for name in held:
        original = _canonical(transactions[name])
        for mutation, tx in mutations(transactions[name]):
            if left_out(name, mutation):
                skipped += 1
                continue
            body = _canonical(tx)
            if body != original:
                changes += 1
                seen.setdefault(body, []).append((name, mutation))
    variants = [Variant(body, tuple(origins)) for body, origins in seen.items()]
    return Suite(len(held), changes, variants, skipped)


def _verdict(way: str, suite: Suite, outcomes: list[str], seconds: float) -> tuple[str, list[str]]:
    """The summary line, and one line per counterexample (a variant whose outcome is neither held
    nor a rejection by the schema or the engine), interleaved by kind of change so that the first
    ones shown are varied."""
    counts = Counter(outcomes)
    by_kind: dict[tuple[str, str], list[str]] = {}
    for variant, outcome in zip(suite.variants, outcomes, strict=True):
        if outcome in HOLD or outcome in ("InputError", ENGINE_ERROR):
            continue
        case, mutation = variant.origins[0]
        same = len(variant.origins) - 1
        line = f"{case}: {mutation} -> {outcome}" + (f" (+{same} identical)" if same else "")
        by_kind.setdefault((re.sub(r"\[\d+\]", "[i]", mutation), outcome), []).append(line)
    bad = [line for group in zip_longest(*by_kind.values()) for line in group if line]
    go = sum(counts[o] for o in GO)
    summary = (
        f"{way}: {len(suite.variants)} distinct variants ({suite.changes} one-field changes, "
        f"{suite.left_out} left out) of {suite.cases} held cases in {seconds:.1f} s; "
        f"{go} go outcomes, "
        f"{counts[NO_DECISION]} no decision, {len(bad)} counterexamples in all; "
        f"outcomes {dict(sorted(counts.items()))}"
    )
    print("\n" + summary)
    return summary, bad


def _message(summary: str, bad: list[str]) -> str:
    more = f"\n... and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
    return "\n".join([summary, *bad[:SHOWN]]) + more


def test_fail_closed_through_the_client(opa_url: str, suite: Suite) -> None:
    assert suite.variants
    start = time.monotonic()
    outcomes = client_outcomes(opa_url, suite.variants)
    summary, bad = _verdict("client", suite, outcomes, time.monotonic() - start)
    assert not bad, _message(summary, bad)


def test_fail_closed_straight_to_opa(opa_url: str, suite: Suite) -> None:
    assert suite.variants
    start = time.monotonic()
    outcomes = batch_outcomes(opa_url, [v.body for v in suite.variants])
    summary, bad = _verdict("straight to OPA", suite, outcomes, time.monotonic() - start)
    assert not bad, _message(summary, bad)

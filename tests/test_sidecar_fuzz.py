"""A bounded fuzz of the sidecar (hypothesis): straight to OPA, no client validation in between.

Posted to data.exportctl.decision, and a few at a time to data.exportctl.batch.decisions: any JSON
value, and the examples changed one to four times: a key dropped; a value set to any JSON value,
to null or to its empty value; codes in lower case; amounts negative, huge or a string; dates of
any digits (year 0000, outside OPA's nanosecond range, 29 February, month 13); bills of materials
nested up to 12 levels; unknown and misspelt keys; non-ASCII and control characters in strings.
The properties, each checked on every input:

1. OPA answers HTTP 200 with a decision (never undefined) that follows
   schemas/decision.schema.json (with its format checks).
2. An input the client's validator (`exportctl.validate_transaction`) rejects gets
   insufficient_information, never a go outcome, and a missing fact for its schema errors.
3. An input the client accepts gets exactly the decision the client gets for it.
4. So OPA's verdict "invalid" (a SCHEMA missing fact) holds exactly for the inputs the client
   rejects: a disagreement either way fails, with the input.
5. The batch endpoint's decision for each input is the decision endpoint's; and the same input
   always gets the same decision, its missing facts in the same order.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import exportctl
from exportctl import InputError
from exportctl._client import DECISION_PATH, client_for
from test_cli_fuzz import EXAMPLES, at, deep_bom, json_values, node_paths

ROOT = Path(__file__).resolve().parents[1]
DECISION_SCHEMA = Draft202012Validator(
    orjson.loads((ROOT / "schemas" / "decision.schema.json").read_bytes()),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)
BATCH_PATH = "/v1/data/exportctl/batch/decisions"
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MUTATIONS = ["drop", "set", "null", "empty", "lower", "amount", "date", "nest", "key", "text"]
GENTLE = ["amount", "date", "nest", "text"]
"""Changes that often leave the transaction valid: the boundary between accepted and rejected."""
DATE_KEYS = {"date", "contract_date", "valid_from", "valid_until"}
dates = st.sampled_from(
    [
        "0000-01-01",
        "0001-01-01",
        "1677-12-31",
        "2262-04-12",
        "9999-12-31",
        "2024-02-29",
        "2026-02-29",
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "2026-12-15\n",
        "2026-12-15T00:00:00Z",
        "20261215",
        "2026-W50-2",
        "２０２６-12-15",
    ]
) | st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
amounts = st.sampled_from(
    [-1, -0.0, -1e-9, 0, 5e-324, 1e-7, 2**63 - 1, 1.7976931348623157e308, "1200", "", True]
) | st.floats(allow_nan=False, allow_infinity=False)
odd_keys = st.sampled_from(
    ["militray", "contorl_code", "orign", "destinaton", "Origin", "bom ", "", "id\x00"]
) | st.text(max_size=8)
odd_text = st.sampled_from(
    ["é", "日本語", "\x00", "\x1b[31m", "\u202e", "\U0001f600", "\r\n", "\x7f", "\x85", "\ufeff"]
) | st.text(max_size=6)


def _empty(value: Any) -> Any:
    return type(value)() if isinstance(value, str | list | dict) else None


@st.composite
def mutated_examples(draw: st.DrawFn) -> Any:
    """An example with one to four changes, or with one change that may keep it valid."""
    document = copy.deepcopy(draw(st.sampled_from(EXAMPLES)))
    gentle = draw(st.booleans())
    for _ in range(1 if gentle else draw(st.integers(1, 4))):
        paths = node_paths(document)
        mutation = draw(st.sampled_from(GENTLE if gentle else MUTATIONS))
        if mutation == "amount":
            paths = [p for p in paths if p[-1] == "amount"]
        elif mutation == "date":
            paths = [p for p in paths if p[-1] in DATE_KEYS]
        elif mutation in ("lower", "text"):
            paths = [p for p in paths if isinstance(at(document, p), str)]
        elif mutation == "nest":  # an item or a line of a bill of materials
            paths = [
                p
                for p in paths
                if len(p) >= 2 and p[-2] in ("items", "bom") and isinstance(at(document, p), dict)
            ]
        elif mutation == "key":  # an object, the document itself included
            paths = [()] + [p for p in paths if isinstance(at(document, p), dict)]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        if mutation == "key":
            at(document, path)[draw(odd_keys)] = draw(json_values)
            continue
        if mutation == "nest":
            at(document, path)["bom"] = deep_bom(draw(st.integers(1, 12)))
            continue
        parent, key = at(document, path[:-1]), path[-1]
        if mutation == "drop":
            del parent[key]
        elif mutation == "set":
            parent[key] = draw(json_values)
        elif mutation == "null":
            parent[key] = None
        elif mutation == "empty":
            parent[key] = _empty(parent[key])
        elif mutation == "lower":
            parent[key] = parent[key].lower()
        elif mutation == "amount":
            parent[key] = draw(amounts)
        elif mutation == "date":
            parent[key] = draw(dates)
        else:  # text
            text: str = parent[key]
            where = draw(st.integers(0, len(text)))
            parent[key] = text[:where] + draw(odd_text) + text[where:]
    return document


documents = st.one_of(mutated_examples(), mutated_examples(), json_values)


def straight(opa_url: str, document: Any) -> Any:
    """OPA's decision for `document`, posted as the input with no validation."""
    answer = client_for(opa_url).post(DECISION_PATH, b'{"input":' + orjson.dumps(document) + b"}")
    return answer["result"]


def _show(value: Any) -> str:
    return orjson.dumps(value).decode()


def client_rejects(document: Any) -> bool:
    try:
        exportctl.validate_transaction(document)
    except InputError:
        return True
    return False


def check(document: Any, decision: Any, opa_url: str) -> None:
    """Properties 1 to 4 of the module docstring, for one input and OPA's decision for it."""
    shown = f"input {_show(document)}\ndecision {_show(decision)}"
    assert isinstance(decision, dict) and decision, f"no decision\n{shown}"
    errors = [f"{e.json_path}: {e.message}" for e in DECISION_SCHEMA.iter_errors(decision)]
    assert not errors, f"the decision breaks its schema: {errors}\n{shown}"
    schema_facts = [m for m in decision["missing_facts"] if m["provision"] == "SCHEMA"]
    rejected = client_rejects(document)
    event(f"client {'rejects' if rejected else 'accepts'}; OPA {decision['outcome']}")
    if rejected:
        assert decision["outcome"] == "insufficient_information", shown
        assert schema_facts, f"the client rejects it, OPA finds no schema error\n{shown}"
        assert all(m["item"] == "*" for m in schema_facts), shown
        sent = document if isinstance(document, dict) else {}
        echoed_id = sent.get("id") if isinstance(sent.get("id"), str) else ""
        assert decision["transaction_id"] == echoed_id, shown
        assert decision["date"] in (None, sent.get("date")), shown
    else:
        assert not schema_facts, f"the client accepts it, OPA finds schema errors\n{shown}"
        assert decision == exportctl.decide(document, opa_url=opa_url).raw, shown


@settings(FUZZ, max_examples=1200)
@given(document=documents)
def test_any_input_straight_to_opa(document: Any, opa_url: str) -> None:
    check(document, straight(opa_url, document), opa_url)


@settings(FUZZ, max_examples=50)
@given(batch=st.lists(documents, min_size=1, max_size=6))
def test_any_inputs_through_the_batch_endpoint(batch: list[Any], opa_url: str) -> None:
    body = b'{"input":{"transactions":[' + b",".join(orjson.dumps(d) for d in batch) + b"]}}"
    decisions = client_for(opa_url).post(BATCH_PATH, body)["result"]

    assert isinstance(decisions, list) and len(decisions) == len(batch), decisions
    for document, decision in zip(batch, decisions, strict=True):
        check(document, decision, opa_url)
        single = straight(opa_url, document)
        # The order of schema errors is test_the_same_input_gets_the_same_decision's to check.
        assert _facts_sorted(decision) == _facts_sorted(single), (
            f"input {_show(document)}\nbatch {_show(decision)}\ndecision {_show(single)}"
        )


def _facts_sorted(decision: Any) -> Any:
    return {**decision, "missing_facts": sorted(decision["missing_facts"], key=_show)}


def test_the_same_input_gets_the_same_decision(opa_url: str) -> None:
    """Eight unknown keys, eight schema errors: OPA reports them in the same order every time."""
    document = {**EXAMPLES[0], **{f"unknown_{n}": n for n in range(8)}}

    decisions = [straight(opa_url, document) for _ in range(6)]

    orders = {tuple(m["field"] for m in d["missing_facts"]) for d in decisions}
    assert len(orders) == 1, f"{len(orders)} orders of missing facts: {sorted(orders)}"
    assert all(d == decisions[0] for d in decisions)

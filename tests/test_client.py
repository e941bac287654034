"""The Python client against a real OPA: decisions, the sidecar, and every error it translates."""

from __future__ import annotations

import copy
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import exportctl
from exportctl import (
    Decision,
    EngineError,
    EngineUnavailableError,
    Explain,
    InputError,
    Sidecar,
    UndefinedDecisionError,
    build_bundle,
    decide,
    revision,
)
from exportctl._paths import policies_dir
from exportctl._schema import json_path
from exportctl._sidecar import default_sidecar

ROOT = Path(__file__).resolve().parents[1]
TB_MAGNET: dict[str, Any] = orjson.loads(
    (ROOT / "examples" / "cn-export-tb-magnet.json").read_bytes()
)


def modified(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """A deep copy of the Tb-magnet example with `change` applied."""
    transaction = copy.deepcopy(TB_MAGNET)
    change(transaction)
    return transaction


def write_bundle(directory: Path, rego: str) -> Path:
    """A bundle directory with one module, `package exportctl` + `rego`."""
    (directory / ".manifest").write_text('{"roots": ["exportctl"], "rego_version": 1}')
    (directory / "exportctl").mkdir()
    (directory / "exportctl" / "policy.rego").write_text(f"package exportctl\n\n{rego}\n")
    return directory


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.json")), ids=str)
def test_a_decision_is_written_back_as_opa_answered_it(
    example: Path, opa_result: Callable[[Any], Any]
) -> None:
    transaction = orjson.loads(example.read_bytes())
    answered = opa_result(transaction)

    decision = Decision.from_opa(answered)

    assert orjson.dumps(decision.document()) == orjson.dumps(answered)  # same keys, same order
    assert decision.items[0].reasons or not answered["items"][0]["reasons"]


def test_fields_the_contract_does_not_name_are_kept(opa_result: Callable[[Any], Any]) -> None:
    answered = opa_result(TB_MAGNET)
    answered["zz_new"] = {"kept": True}
    answered["reasons"][0]["a_note"] = "kept too"
    answered["missing_facts"] = [{"item": "1", "field": "f", "why": "w", "extra": 1}]

    decision = Decision.from_opa(answered)

    assert decision.extra == {"zz_new": {"kept": True}}
    assert decision.reasons[0].extra == {"a_note": "kept too"}
    assert decision.missing_facts[0].provision is None
    # In OPA's order: sorted by key.
    assert orjson.dumps(decision.document()) == orjson.dumps(answered, option=orjson.OPT_SORT_KEYS)


def test_decide_via_url(sidecar: Sidecar, decision_schema: Draft202012Validator) -> None:
    decision = decide(TB_MAGNET, opa_url=sidecar.url)

    decision_schema.validate(decision.raw)
    assert decision.transaction_id == "SO-2026-00417"
    assert decision.date == "2026-03-02"
    assert decision.outcome == "license_required"
    assert [(item.id, item.outcome) for item in decision.items] == [("1", "license_required")]
    assert decision.reasons
    assert {reason.item for reason in decision.reasons} == {"1"}
    assert decision.policy.revision == sidecar.revision


def test_decide_with_the_embedded_sidecar_starts_one_per_process() -> None:
    decision = decide(TB_MAGNET)

    embedded = default_sidecar()
    assert decision.outcome == "license_required"
    assert decision.policy.revision == embedded.revision
    assert default_sidecar() is embedded


def test_metrics_and_explanation_come_back_when_asked(opa_url: str) -> None:
    decision = decide(TB_MAGNET, opa_url=opa_url, explain=Explain.fails, metrics=True)

    assert decision.metrics is not None
    assert decision.metrics["timer_server_handler_ns"] > 0
    assert any("Fail" in line for line in decision.explanation)


def test_engine_down_is_unavailable(unused_url: str) -> None:
    with pytest.raises(EngineUnavailableError, match="cannot connect to OPA"):
        decide(TB_MAGNET, opa_url=unused_url)


def test_bundle_without_the_decision_rule_is_undefined(tmp_path: Path) -> None:
    with (
        Sidecar(write_bundle(tmp_path, "answer := 42")) as opa,
        pytest.raises(UndefinedDecisionError, match="no decision"),
    ):
        decide(TB_MAGNET, opa_url=opa.url)


def test_opa_errors_and_malformed_decisions_are_engine_errors(tmp_path: Path) -> None:
    policy = write_bundle(tmp_path, "decision := x if some x in input.candidates")
    with Sidecar(policy) as opa:
        with pytest.raises(EngineError) as conflict:
            decide({"candidates": [1, 2]}, opa_url=opa.url, validate=False)
        with pytest.raises(EngineError, match="lacks the field"):
            decide({"candidates": [{"outcome": "exempt"}]}, opa_url=opa.url, validate=False)

    assert conflict.value.code == "internal_error"
    assert "eval_conflict_error" in conflict.value.message


def test_an_outcome_the_contract_does_not_name_is_an_engine_error(
    tmp_path: Path, opa_result: Callable[[Any], Any]
) -> None:
    answer = opa_result(TB_MAGNET)
    answer["outcome"] = "allowed"
    with Sidecar(write_bundle(tmp_path, "decision := input.answer")) as opa:
        answer["policy"]["revision"] = opa.revision
        with pytest.raises(EngineError, match="unknown outcome 'allowed'"):
            decide({"id": TB_MAGNET["id"], "answer": answer}, opa_url=opa.url, validate=False)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda tx: tx.update(date="2026-13-45"), "date", '"2026-13-45" is not a valid date'),
        (lambda tx: tx["items"][0]["value"].update(amount=-1), "items[0].value.amount", "≥ 0"),
        (lambda tx: tx.pop("transferor"), "transferor", "is required"),
        (lambda tx: tx["items"][0].pop("origin"), "items[0].origin", "is required"),
        (lambda tx: tx.update(items=[]), "items", "at least 1 item"),
        (lambda tx: tx["parties"][0].update(role="buyer"), "parties[0].role", '"buyer"'),
        (lambda tx: tx.update(destination=49), "destination", "must be a string, not integer"),
        (
            lambda tx: tx["parties"][0].update(militray=True),
            "parties[0].militray",
            "is not a field of the transaction schema (did you mean military?)",
        ),
        (lambda tx: tx.update(zzzz=1), "zzzz", "is not a field of the transaction schema"),
    ],
)
def test_bad_input_names_the_field(
    change: Callable[[dict[str, Any]], object], field: str, message: str, unused_url: str
) -> None:
    # Validation comes first: nothing listens at unused_url, and the error is still InputError.
    with pytest.raises(InputError) as error:
        decide(modified(change), opa_url=unused_url)

    assert error.value.field == field
    assert message in error.value.message
    assert "\n" not in str(error.value)


def test_json_path_of_the_whole_transaction() -> None:
    assert json_path([]) == "(transaction)"


@given(st.lists(st.one_of(st.integers(0, 99), st.from_regex(r"[a-z_]{1,8}", fullmatch=True))))
def test_json_path_indexes_arrays_and_dots_fields(parts: list[str | int]) -> None:
    path = json_path(parts)

    assert path.count("[") == sum(isinstance(part, int) for part in parts)
    assert path.count(".") == sum(isinstance(part, str) for part in parts[1:])


def test_sidecar_stops_and_reports_its_state(unused_url: str) -> None:
    with Sidecar() as opa:
        url = opa.url
        assert opa.revision == revision(policies_dir())
    with pytest.raises(EngineUnavailableError, match="not running"):
        _ = opa.url
    with pytest.raises(EngineUnavailableError):
        decide(TB_MAGNET, opa_url=url)


def test_sidecar_start_fails_clearly_on_a_broken_policy(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="opa build .* failed: .*rego_parse_error"):
        Sidecar(write_bundle(tmp_path, "decision := {")).start()


def test_revision_covers_policy_files_but_not_tests(tmp_path: Path) -> None:
    policies = write_bundle(tmp_path, "decision := 1")
    before = revision(policies)
    (policies / "exportctl" / "policy_test.rego").write_text("package exportctl_test\n")
    after_test = revision(policies)
    (policies / "exportctl" / "data.json").write_text("{}")

    assert before == after_test
    assert revision(policies) != before
    assert before.startswith("sha256:")
    assert len(before) == len("sha256:") + 16


def test_build_bundle_leaves_tests_out_and_records_the_revision(tmp_path: Path) -> None:
    output = tmp_path / "out" / "bundle.tar.gz"

    bundle_revision = build_bundle(policies_dir(), output)

    with tarfile.open(output) as bundle:
        names = bundle.getnames()
        manifest = bundle.extractfile("/.manifest")
        assert manifest is not None
        assert orjson.loads(manifest.read())["revision"] == bundle_revision
    assert bundle_revision == revision(policies_dir())
    assert not [name for name in names if name.endswith("_test.rego")]
    assert not [name for name in names if str(ROOT) in name]


def test_package_exports() -> None:
    assert exportctl.__version__
    assert set(exportctl.__all__) <= set(dir(exportctl))

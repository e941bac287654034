"""Fixtures shared by the test suite: one real OPA for the whole session, and the contract."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from exportctl import Sidecar
from exportctl._audit import canonical_json
from exportctl._client import DECISION_PATH, client_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sidecar() -> Iterator[Sidecar]:
    """One real OPA serving the project's policies, shared by the session.

    Its token is in `EXPORTCTL_OPA_TOKEN` while it runs, for the CLI started as a subprocess
    with `--opa-url`; in this process the client finds the token by the URL.
    """
    previous = os.environ.get("EXPORTCTL_OPA_TOKEN")
    with Sidecar() as opa:
        os.environ["EXPORTCTL_OPA_TOKEN"] = opa.token
        try:
            yield opa
        finally:
            if previous is None:
                os.environ.pop("EXPORTCTL_OPA_TOKEN", None)
            else:
                os.environ["EXPORTCTL_OPA_TOKEN"] = previous


@pytest.fixture(autouse=True)
def _token_environment() -> Iterator[None]:
    """The environment's token as it was before each test: the CLI run in this process puts an
    `--opa-token` into `EXPORTCTL_OPA_TOKEN`, where its client reads it, and a wrong one would
    stay there for the subprocesses of later tests."""
    before = os.environ.get("EXPORTCTL_OPA_TOKEN")
    yield
    if before is None:
        os.environ.pop("EXPORTCTL_OPA_TOKEN", None)
    else:
        os.environ["EXPORTCTL_OPA_TOKEN"] = before


@pytest.fixture(scope="session")
def opa_url(sidecar: Sidecar) -> str:
    """Base URL of the session's OPA (`unix:///…/opa.sock`)."""
    return sidecar.url


@pytest.fixture(scope="session")
def opa_result(opa_url: str) -> Callable[[Mapping[str, Any]], Any]:
    """The decision for a transaction exactly as the session's OPA answers it: posted to the
    decision API by hand, not read through the client's `Decision`."""

    def result(transaction: Mapping[str, Any]) -> Any:
        body = b'{"input":' + canonical_json(transaction) + b"}"
        return client_for(opa_url).post(DECISION_PATH, body)["result"]

    return result


@pytest.fixture(scope="session")
def decision_schema() -> Draft202012Validator:
    """Validator for `schemas/decision.schema.json`, with format checks."""
    schema = orjson.loads((ROOT / "schemas" / "decision.schema.json").read_bytes())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def unused_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"

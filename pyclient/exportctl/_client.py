"""Asking OPA for a decision over its REST API."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, cast

import orjson

from exportctl._audit import canonical_json, new_audit, utc_now
from exportctl._models import Decision
from exportctl._schema import validate_transaction
from exportctl._sidecar import default_sidecar
from exportctl.errors import EngineError, EngineUnavailableError, InputError, UndefinedDecisionError

DECISION_PATH = "/v1/data/exportctl/decision"


class Explain(StrEnum):
    """OPA's own explanation of an evaluation (`?explain=`)."""

    notes = "notes"
    """Only `trace()` notes, with the rules that led to them."""
    fails = "fails"
    """The expressions that failed."""
    full = "full"
    """Every evaluation step: about 10 times slower, and long on large inputs."""


# opa-python-client's OpaClient.query_rule can add query params over a kept-alive session, but it
# encodes the body with the stdlib json (no pre-encoded orjson bytes), retries POSTs on 500,
# hides OPA's error body behind requests.HTTPError and imports aiohttp (~0.4 s) at import time.
class OpaClient:
    """A kept-alive HTTP connection to one OPA server."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        """OPA's base URL, e.g. `http://127.0.0.1:8181`."""
        self.timeout = timeout
        """Seconds to wait for connecting and for the answer."""
        self._session = requests.Session()
        self._session.headers["Content-Type"] = "application/json"

    def decide(
        self,
        transaction: Mapping[str, Any],
        *,
        explain: Explain | None = None,
        metrics: bool = False,
    ) -> Decision:
        """POST the transaction to the decision rule; no schema validation here.

        The decision carries its `audit`: OPA's decision id (or a UUID4), the bundle revision, the
        SHA-256 of the canonical input (orjson, sorted keys: the very bytes posted) and the time.
        """
        params: dict[str, str] = {}
        if explain is not None:
            params.update(explain=explain.value, pretty="true")
        if metrics:
            params["metrics"] = "true"
        canonical = canonical_json(transaction)
        answer = self.post(DECISION_PATH, b'{"input":' + canonical + b"}", params)
        decided_at = utc_now()
        decision = Decision.from_opa(
            answer["result"],
            explanation=tuple(line for line in answer.get("explanation") or () if line),
            metrics=answer.get("metrics"),
        )
        policy = decision.policy
        return decision.with_audit(
            new_audit(
                policy.revision,
                policy.data_reviewed_on,
                canonical,
                answer.get("decision_id"),
                decided_at,
            )
        )

    def query(
        self, path: str, input_document: Any, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST `input_document` to the data API at `path`; OPA's whole answer, with a `result`."""
        try:
            body = orjson.dumps({"input": input_document})
        except TypeError as e:
            raise InputError("(transaction)", f"cannot be encoded as JSON: {e}") from e
        return self.post(path, body, params)

    def post(
        self, path: str, body: bytes, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST a pre-encoded body (`{"input": ...}`) to the data API at `path`; as `query`."""
        import requests

        url = self.base_url + path
        try:
            response = self._session.post(url, data=body, params=params, timeout=self.timeout)
        except requests.Timeout as e:
            raise EngineUnavailableError(f"OPA at {self.base_url} did not answer in time") from e
        except requests.ConnectionError as e:
            raise EngineUnavailableError(f"cannot connect to OPA at {self.base_url}") from e
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError as e:
            raise EngineError(
                f"OPA answered HTTP {response.status_code} with a body that is not JSON"
            ) from e
        if response.status_code != 200:
            code, message = _opa_error(answer, response.status_code)
            raise EngineError(message, code)
        if "result" not in answer:
            raise UndefinedDecisionError(
                f"OPA at {self.base_url} has no decision at {path}: is the exportctl bundle loaded?"
            )
        return cast(dict[str, Any], answer)

    def close(self) -> None:
        """Close the kept-alive connections."""
        self._session.close()


def _opa_error(answer: object, status: int) -> tuple[str | None, str]:
    """OPA's error `code` and its `message`, followed by the details OPA lists under `errors`."""
    if not isinstance(answer, dict) or "message" not in answer:
        return None, f"OPA answered HTTP {status}"
    message = str(answer["message"])
    for detail in answer.get("errors", ()):
        message += f"; {detail.get('code')}: {detail.get('message')}"
        if location := detail.get("location"):
            message += f" ({location.get('file')}:{location.get('row')})"
    return answer.get("code"), message


_clients: dict[str, OpaClient] = {}
_clients_lock = threading.Lock()


def client_for(base_url: str | None) -> OpaClient:
    """The kept-alive client for `base_url`, or for this process's sidecar when it is None."""
    base_url = base_url or default_sidecar().url
    with _clients_lock:
        if base_url not in _clients:
            _clients[base_url] = OpaClient(base_url)
        return _clients[base_url]


def decide(
    transaction: Mapping[str, Any],
    opa_url: str | None = None,
    *,
    explain: Explain | None = None,
    metrics: bool = False,
    validate: bool = True,
) -> Decision:
    """Decide a transaction.

    The transaction is validated against `schemas/transaction.schema.json` first (`InputError`),
    unless `validate` is false. With `opa_url` the decision comes from that OPA server; without
    it, from a sidecar this process starts on first use and stops at exit.
    """
    if validate:
        validate_transaction(transaction)
    return client_for(opa_url).decide(transaction, explain=explain, metrics=metrics)

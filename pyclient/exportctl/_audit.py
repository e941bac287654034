"""Audit fields of a decision, and the append-only audit log (`--record DIR`)."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import orjson

from exportctl._models import Audit, Decision
from exportctl.errors import ExportCtlError, InputError


def canonical_json(transaction: Any) -> bytes:
    """The canonical input, orjson with sorted keys: both the bytes posted and the bytes hashed."""
    try:
        return orjson.dumps(transaction, option=orjson.OPT_SORT_KEYS)
    except TypeError as e:
        raise InputError("(transaction)", f"cannot be encoded as JSON: {e}") from e


def utc_now() -> str:
    """The current time in UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_audit(
    revision: str,
    data_reviewed_on: str,
    canonical_input: bytes,
    decision_id: str | None,
    decided_at: str,
) -> Audit:
    """The audit fields of one decision; a UUID4 stands in when OPA gave no decision id."""
    return Audit(
        decision_id=decision_id or str(uuid.uuid4()),
        bundle_revision=revision,
        input_sha256=hashlib.sha256(canonical_input).hexdigest(),
        data_reviewed_on=data_reviewed_on,
        decided_at=decided_at,
    )


def audit_record(audit: Audit, decision: Mapping[str, Any], canonical_input: bytes) -> bytes:
    """One line of the audit log: the audit fields, the transaction id, the outcome, the ids of
    the provisions that fired (each once, in the decision's order) and the input itself."""
    head = orjson.dumps(
        {
            **audit.as_dict(),
            "transaction_id": decision["transaction_id"],
            "outcome": decision["outcome"],
            "reasons": list(dict.fromkeys(r["provision"] for r in decision["reasons"])),
        }
    )
    return head[:-1] + b',"input":' + canonical_input + b"}\n"


class AuditLog:
    """Appends audit records to `DIR/audit-YYYY-MM-DD.jsonl`, one file per UTC day of `decided_at`.

    Files are opened for appending and never rewritten; each record is one line written by a
    single unbuffered `write`, so concurrent writers do not interleave within a line.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        """Where the daily files are."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ExportCtlError(
                f"cannot create the audit directory {directory}: {_reason(e)}"
            ) from e
        self._day = ""
        self._file: IO[bytes] | None = None

    def append(self, audit: Audit, decision: Mapping[str, Any], canonical_input: bytes) -> None:
        """Append the record of one decision."""
        record = audit_record(audit, decision, canonical_input)
        path = self.directory / f"audit-{audit.decided_at[:10]}.jsonl"
        try:
            if self._file is None or audit.decided_at[:10] != self._day:
                self.close()
                self._file = path.open("ab", buffering=0)
                self._day = audit.decided_at[:10]
            written = self._file.write(record)
        except OSError as e:
            raise ExportCtlError(f"cannot append to the audit log {path}: {_reason(e)}") from e
        if written != len(record):
            raise ExportCtlError(f"cannot append to the audit log {path}: short write")

    def append_decision(self, decision: Decision, transaction: Any) -> None:
        """Append the record of a decision the client returned for `transaction`."""
        if decision.audit is None:
            raise ExportCtlError(
                f"the decision for {decision.transaction_id} has no audit fields: "
                "only decisions returned by the exportctl client can be recorded"
            )
        self.append(decision.audit, decision.raw, canonical_json(transaction))

    def close(self) -> None:
        """Close the current day's file."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _reason(error: OSError) -> str:
    return error.strerror or str(error)

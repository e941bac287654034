"""`exportctl batch`: JSON Lines in and out, resumable.

Every line of the input is decided (`_batch.pipeline`, chunks in flight) or answered by an error
record, in input order, appended to the output; a rerun with the same output skips what is
already answered there, and records in the audit log what an earlier run wrote but did not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from exportctl._audit import AuditLog, recorded_decision_ids
from exportctl._batch import CHUNK_SIZE, WORKERS, LineError, Prepared, pipeline, prepare
from exportctl._models import OUTCOMES, Audit, Decision
from exportctl.errors import ExportCtlError, InputError, UsageError


@dataclass
class _Chunk:
    """A run of input lines: the transactions to post and what was settled while reading."""

    prepared: list[Prepared] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    """Bad lines not yet in the output."""
    lines: int = 0
    """Input lines read (blank and skipped ones included)."""


@dataclass
class Summary:
    """What a batch run did."""

    outcomes: Counter[str] = field(default_factory=Counter)
    """Decisions written by this run, by outcome."""
    skipped: int = 0
    """Transactions already answered in the output by an earlier run."""
    bad_lines: int = 0
    """Lines that got (or already had) an error record."""
    failures: list[str] = field(default_factory=list)
    """One line for each transaction the engine failed on; left out, decided again on a rerun."""
    by_opa: Counter[str] = field(default_factory=Counter)
    """Decisions written by this run, by the OPA server that made them."""

    @property
    def exit_code(self) -> int:
        """3 when the engine failed on some transactions, 2 with bad lines, else 0."""
        return 3 if self.failures else 2 if self.bad_lines else 0

    def report(self) -> str:
        """The summary, one outcome per line, for standard error."""
        decided = sum(self.outcomes.values())
        head = f"exportctl batch: decided {decided}"
        if self.skipped:
            head += f", skipped {self.skipped} already in the output"
        head += f", {self.bad_lines} bad line{'' if self.bad_lines == 1 else 's'}"
        if self.failures:
            head += f", {len(self.failures)} failed in the engine (rerun to retry)"
        rows = [(o, self.outcomes[o]) for o in OUTCOMES if self.outcomes[o]]
        rows.append(("errors", self.bad_lines + len(self.failures)))
        if len(self.by_opa) > 1:
            rows += [(f"from {url}", n) for url, n in sorted(self.by_opa.items())]
        width = max(len(name) for name, _ in rows)
        return "\n".join([head, *(f"  {name:<{width}}  {n:>8,}" for name, n in rows)])


@dataclass
class Resumed:
    """What earlier runs left in the output."""

    decisions: dict[str, Audit | None] = field(default_factory=dict)
    """The transactions decided there, with the audit fields of their decision."""
    bad_lines: set[int] = field(default_factory=set)
    """The input lines with an error record there."""


def answered_in(output: Path, warn: Callable[[str], None] = lambda message: None) -> Resumed:
    """What `output` already answers.

    A last line without its newline is a complete answer when it is one (its newline is added);
    otherwise it is the start of a record cut short by a run that stopped while writing: it is
    cut off, with a `warn`ing, so that its transaction is decided again and appended whole.
    A file that is not an exportctl batch output is refused (`UsageError`) and left as it is.
    """
    resumed = Resumed()
    try:
        file = output.open("r+b")
    except FileNotFoundError:
        return resumed
    except OSError as e:
        raise UsageError(f"cannot open {output}: {e.strerror or e}") from e
    with file:
        offset = 0
        for number, line in enumerate(file, 1):
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as e:
                if not line.endswith(b"\n") and line.startswith(b"{"):
                    warn(
                        f"{output} line {number} was cut short ({len(line)} bytes without a "
                        "newline, from a run that stopped while writing): cut off, its "
                        "transaction is decided again"
                    )
                    file.truncate(offset)
                    break
                raise UsageError(
                    f"{output} line {number} is not JSON ({e.msg}): not an exportctl batch output"
                ) from e
            match record:
                case {"line": int(bad_line), "error": dict()}:
                    resumed.bad_lines.add(bad_line)
                case {"transaction_id": str(transaction_id)}:
                    resumed.decisions[transaction_id] = _audit_of(record)
                case _:
                    raise UsageError(
                        f"{output} line {number} is neither a decision nor an error record: "
                        "not an exportctl batch output"
                    )
            offset += len(line)
            if not line.endswith(b"\n"):
                file.write(b"\n")
    return resumed


def _audit_of(record: Mapping[str, Any]) -> Audit | None:
    audit = record.get("audit")
    try:
        return Audit(**audit) if isinstance(audit, dict) else None
    except TypeError:
        return None


def _unrecorded(output: Path, resumed: Resumed, record: Path) -> dict[str, Decision]:
    """The decisions in `output` that have no record in the audit log `record` (an earlier run
    stopped between writing and recording them, or ran without `--record`), with their audit
    fields, by transaction id. Only the files of the days from the first `decided_at` in
    `output` on are read."""
    audits = {tx: audit for tx, audit in resumed.decisions.items() if audit is not None}
    if not audits or not record.exists():
        missing = set(audits)
    else:
        since = min(audit.decided_at[:10] for audit in audits.values())
        logged = recorded_decision_ids(record, since)
        missing = {tx for tx, audit in audits.items() if audit.decision_id not in logged}
    unrecorded: dict[str, Decision] = {}
    if not missing:
        return unrecorded
    with output.open("rb") as file:
        for line in file:
            document = orjson.loads(line)
            transaction_id = document.get("transaction_id")
            if transaction_id in missing and "outcome" in document:
                decision = Decision.from_opa(document).with_audit(audits[transaction_id])
                unrecorded[transaction_id] = decision
    return unrecorded


def _write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to `fd`, however many `write` calls it takes."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def run_batch(
    source: IO[bytes],
    output: Path,
    *,
    opa_url: str | Sequence[str] | None,
    validate: bool = True,
    record: Path | None = None,
    chunk_size: int = CHUNK_SIZE,
    workers: int = WORKERS,
    on_lines: Callable[[int], None] = lambda lines: None,
    warn: Callable[[str], None] = lambda message: None,
) -> Summary:
    """Decide every line of `source` (JSON Lines) into `output`, resuming a run that stopped.

    Transactions already decided in `output`, and bad lines already recorded there, are not
    written again. Decisions and error records are appended in input order, one `write` per
    chunk (taken back if it fails); with `record`, each decision's audit record is appended to
    the audit log after its decision is written, and decisions an earlier run wrote but did not
    record are recorded now. With several OPA URLs the chunks are spread over them
    (`_batch.pipeline`). `on_lines` is told how many input lines each written chunk covered;
    `warn` gets what the run repaired. Raises `ExportCtlError` when the engine cannot be reached
    or answers errors throughout, or when the output or the audit log cannot be written.
    """
    resumed = answered_in(output, warn)
    summary = Summary()
    first_line: dict[str, int] = {}
    unrecorded = _unrecorded(output, resumed, record) if record is not None else {}

    def bad(error: LineError, chunk: _Chunk) -> None:
        summary.bad_lines += 1
        if error.line not in resumed.bad_lines:
            chunk.errors.append(error)

    def chunks() -> Iterator[_Chunk]:
        chunk = _Chunk()
        for number, raw in enumerate(source, 1):
            chunk.lines += 1
            if raw.strip():
                _read_line(number, raw, chunk)
            if chunk.lines >= chunk_size:
                yield chunk
                chunk = _Chunk()
        if chunk.lines:
            yield chunk

    def _read_line(number: int, raw: bytes, chunk: _Chunk) -> None:
        try:
            transaction = orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            message = f"is not valid JSON: {e.msg} at column {e.colno}"
            bad(LineError(number, None, "(transaction)", message), chunk)
            return
        known_id = transaction.get("id") if isinstance(transaction, dict) else None
        try:
            prepared = prepare(transaction, number, validate)
        except InputError as e:
            bad(
                LineError(
                    number, known_id if isinstance(known_id, str) else None, e.field, e.message
                ),
                chunk,
            )
            return
        transaction_id = prepared.transaction_id
        if transaction_id in first_line:
            message = f"repeats the id of line {first_line[transaction_id]}"
            bad(LineError(number, transaction_id, "id", message), chunk)
            return
        first_line[transaction_id] = number
        if transaction_id not in resumed.decisions:
            chunk.prepared.append(prepared)
            return
        summary.skipped += 1
        if transaction_id in unrecorded:
            decision = unrecorded.pop(transaction_id)
            assert decision.audit is not None  # `_unrecorded` gives decisions with their audit
            if hashlib.sha256(prepared.canonical).hexdigest() != decision.audit.input_sha256:
                warn(
                    f"line {number} ({transaction_id}): its decision in {output} has no audit "
                    "record and was made for another input: not recorded"
                )
            elif log is not None:
                log.append_all([(decision, prepared.canonical)])

    with contextlib.ExitStack() as stack:
        try:
            out = os.open(output, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as e:
            raise UsageError(f"cannot write {output}: {e.strerror or e}") from e
        stack.callback(os.close, out)
        log = stack.enter_context(AuditLog(record, warn)) if record is not None else None
        for chunk, result in pipeline(chunks(), lambda c: c.prepared, opa_url, workers):
            for error in result.errors:
                bad(error, chunk)
            lines = [(a.prepared.line, a.line()) for a in result.answers]
            lines += [(e.line, e.record()) for e in chunk.errors]
            # The answers first, then their audit records: a run stopped in between leaves
            # answers without a record, which the next run records (`_unrecorded`); never a
            # record of a decision that is not in the output, nor a record twice.
            size = os.fstat(out).st_size
            try:
                _write_all(out, b"".join(line for _, line in sorted(lines)))
            except OSError as e:
                with contextlib.suppress(OSError):
                    os.ftruncate(out, size)
                raise ExportCtlError(f"cannot write {output}: {e.strerror or e}") from e
            if log is not None:
                log.append_all((a.decision, a.prepared.canonical) for a in result.answers)
            summary.outcomes.update(a.decision.outcome for a in result.answers)
            summary.by_opa[result.opa_url] += len(result.answers)
            summary.failures += [
                f"line {p.line} ({p.transaction_id}): {message}" for p, message in result.failures
            ]
            on_lines(chunk.lines)
    if unrecorded:
        warn(
            f"{len(unrecorded)} decisions in {output} have no audit record and their "
            "transactions are not in this input: not recorded"
        )
    return summary

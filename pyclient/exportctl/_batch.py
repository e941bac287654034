"""Many decisions per request: `exportctl batch` (JSON Lines in and out, resumable) and
`decide_many`.

Open-source OPA has no batch endpoint, so chunks of transactions are posted to the policy's
`data.exportctl.batch.decisions`, which evaluates the decision once per transaction. Each
transaction is encoded once, as canonical JSON (orjson, sorted keys): those bytes are posted and
hashed for the audit fields. One or two chunks are in flight, each worker thread with its own
kept-alive connection, while the main thread reads, validates and writes in input order.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import orjson

from exportctl._audit import AuditLog, canonical_json, new_audit, recorded_decision_ids, utc_now
from exportctl._client import DECISION_PATH, OpaClient
from exportctl._models import OUTCOMES, Audit, Decision
from exportctl._schema import validate_transaction
from exportctl._sidecar import default_sidecar
from exportctl.errors import (
    EngineError,
    ExportCtlError,
    InputError,
    UndefinedDecisionError,
    UsageError,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from rich.console import Console

BATCH_PATH = "/v1/data/exportctl/batch/decisions"
CHUNK_SIZE = 250
"""Transactions per request: a few hundred keeps a 20-line-BOM chunk near 1 MB."""
WORKERS = 2
"""Chunks in flight: one per core of OPA on a 2-core machine."""
NO_DECISION = "the policy gave no decision for it: check it with `exportctl validate`"

C = TypeVar("C")


@dataclass(frozen=True)
class Prepared:
    """A transaction ready to post."""

    line: int
    """Its line in the input (1-based), or its index for `decide_many`."""
    transaction_id: str
    """Its `id`."""
    canonical: bytes
    """Canonical JSON: orjson with sorted keys."""


@dataclass(frozen=True)
class LineError:
    """An input line that got no decision: not JSON, not a transaction, or a repeated id."""

    line: int
    """The line (1-based)."""
    transaction_id: str | None
    """The line's `id`, when it has one."""
    field: str
    """JSON path of the offending field, `(transaction)` for the whole line."""
    message: str
    """What is wrong, in one line."""

    def record(self) -> bytes:
        """The error record written to the output, a line of JSON."""
        error = {"field": self.field, "message": self.message}
        record = {"line": self.line, "transaction_id": self.transaction_id, "error": error}
        return orjson.dumps(record) + b"\n"


@dataclass(frozen=True)
class Answer:
    """One decision, as OPA returned it, and its audit fields."""

    prepared: Prepared
    decision: Mapping[str, Any]
    audit: Audit

    def line(self) -> bytes:
        """The output line: the decision with `audit` added."""
        return orjson.dumps({**self.decision, "audit": self.audit.as_dict()}) + b"\n"


@dataclass
class ChunkResult:
    """What OPA made of a chunk."""

    answers: list[Answer] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    """Transactions the policy gave no decision for (possible without validation)."""
    failures: list[tuple[Prepared, str]] = field(default_factory=list)
    """Transactions the engine answered an error for, with its message."""

    def add(
        self, prepared: Prepared, decision: Any, decision_id: str | None, decided_at: str
    ) -> None:
        """Add OPA's decision for `prepared`, checking that it is the decision for it; None
        (the policy had no decision) makes an error record."""
        if decision is None:
            self.errors.append(
                LineError(prepared.line, prepared.transaction_id, "(transaction)", NO_DECISION)
            )
            return
        if (
            not isinstance(decision, dict)
            or decision.get("transaction_id") != prepared.transaction_id
        ):
            raise EngineError(
                f"the batch answer does not line up: expected the decision for "
                f"{prepared.transaction_id!r}"
            )
        if decision.get("outcome") not in OUTCOMES:
            raise EngineError(f"the policy answered an unknown outcome {decision.get('outcome')!r}")
        try:
            policy = decision["policy"]
            audit = new_audit(
                policy["revision"],
                policy["data_reviewed_on"],
                prepared.canonical,
                decision_id,
                decided_at,
            )
        except (KeyError, TypeError) as e:
            raise EngineError(f"the policy's decision lacks the field {e}") from e
        self.answers.append(Answer(prepared, decision, audit))


def decide_chunk(client: OpaClient, chunk: Sequence[Prepared]) -> ChunkResult:
    """Decide a chunk in one request.

    When OPA answers an error, the chunk is decided again one transaction at a time, so that only
    the transactions that cause it fail (`failures`); it is raised when every one of them fails.
    """
    result = ChunkResult()
    if not chunk:
        return result
    body = b'{"input":{"transactions":[' + b",".join(p.canonical for p in chunk) + b"]}}"
    try:
        answer = client.post(BATCH_PATH, body)
    except EngineError:
        return _one_by_one(client, chunk)
    decided_at = utc_now()
    decisions = answer["result"]
    if not isinstance(decisions, list) or len(decisions) != len(chunk):
        count = len(decisions) if isinstance(decisions, list) else "no list of"
        raise EngineError(f"{BATCH_PATH} answered {count} decisions for {len(chunk)} transactions")
    # OPA logs one decision for the whole chunk: each transaction's id is OPA's and its index.
    opa_id = answer.get("decision_id")
    for index, (prepared, decision) in enumerate(zip(chunk, decisions, strict=True)):
        result.add(prepared, decision, f"{opa_id}/{index}" if opa_id else None, decided_at)
    return result


def _one_by_one(client: OpaClient, chunk: Sequence[Prepared]) -> ChunkResult:
    result = ChunkResult()
    first_error: EngineError | None = None
    for prepared in chunk:
        decision_id = None
        try:
            answer = client.post(DECISION_PATH, b'{"input":' + prepared.canonical + b"}")
            decision, decision_id = answer["result"], answer.get("decision_id")
        except UndefinedDecisionError:
            decision = None
        except EngineError as e:
            first_error = first_error or e
            result.failures.append((prepared, str(e)))
            continue
        result.add(prepared, decision, decision_id, utc_now())
    if first_error is not None and len(result.failures) == len(chunk):
        raise first_error
    return result


def pipeline(
    chunks: Iterable[C],
    posted: Callable[[C], Sequence[Prepared]],
    opa_url: str | None,
    workers: int,
) -> Iterator[tuple[C, ChunkResult]]:
    """Decide `chunks` with up to `workers` requests in flight; yield them in order with results.

    Each worker thread has its own `OpaClient` (its own kept-alive connection). The first chunk
    to fail with an error other than a per-transaction one stops the run: it is raised here.
    """
    from concurrent.futures import ThreadPoolExecutor  # imports logging: not on every CLI start

    base_url = opa_url or default_sidecar().url
    local = threading.local()
    clients: list[OpaClient] = []

    def run(chunk: C) -> ChunkResult:
        client: OpaClient | None = getattr(local, "client", None)
        if client is None:
            client = local.client = OpaClient(base_url)
            clients.append(client)
        return decide_chunk(client, posted(chunk))

    pool = ThreadPoolExecutor(workers, thread_name_prefix="exportctl-batch")
    pending: deque[tuple[C, Future[ChunkResult]]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(run, chunk)))
            if len(pending) >= workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for client in clients:
            client.close()


def prepare(transaction: Any, line: int, validate: bool) -> Prepared:
    """Validate (unless told not to) and encode a transaction; `InputError` if it is not one.

    Without validation it must still be an object with a non-empty string `id`.
    """
    if validate:
        validate_transaction(transaction)
    if not isinstance(transaction, dict):
        raise InputError("(transaction)", "must be an object")
    transaction_id = transaction.get("id")
    if not isinstance(transaction_id, str) or not transaction_id:
        raise InputError("id", "is required: a non-empty string")
    return Prepared(line, transaction_id, canonical_json(transaction))


def decide_many(
    transactions: Iterable[Mapping[str, Any]],
    opa_url: str | None = None,
    *,
    validate: bool = True,
    chunk_size: int = CHUNK_SIZE,
    workers: int = WORKERS,
) -> list[Decision]:
    """Decide many transactions, `chunk_size` per request; the decisions in the same order.

    Every transaction is validated first (`InputError`, its field prefixed with the
    transaction's index, e.g. `[3].items[0].value.amount`) unless `validate` is false. With
    `opa_url` the decisions come from that OPA server (its bundle must have `exportctl.batch`);
    without it, from this process's sidecar. Each decision carries its `audit`.
    """
    prepared = []
    for index, transaction in enumerate(transactions):
        try:
            prepared.append(prepare(transaction, index, validate))
        except InputError as e:
            path = "" if e.field == "(transaction)" else e.field
            raise InputError(f"[{index}]" + ("." + path if path else ""), e.message) from e
    if not prepared:
        return []
    chunks = [prepared[i : i + chunk_size] for i in range(0, len(prepared), chunk_size)]
    decisions: list[Decision] = []
    for _, result in pipeline(chunks, lambda chunk: chunk, opa_url, workers):
        if result.failures:
            raise EngineError(result.failures[0][1])
        if result.errors:
            raise InputError(f"[{result.errors[0].line}]", result.errors[0].message)
        decisions += [Decision.from_opa(a.decision).with_audit(a.audit) for a in result.answers]
    return decisions


@contextmanager
def progress(console: Console, source: Path | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on `console` while the batch runs, when it is a terminal; yields the
    function to tell it how many more input lines were done. Counts the lines of `source` first
    (standard input has no known total)."""
    if not console.is_terminal:
        yield lambda lines: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    total = None
    if source is not None:
        total, last = 0, b"\n"
        with source.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                total, last = total + block.count(b"\n"), block[-1:]
        total += last != b"\n"
    columns = (TextColumn("deciding"), BarColumn(), MofNCompleteColumn(), TextColumn("lines"))
    with Progress(
        *columns, TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("batch", total=total)
        yield lambda lines: bar.advance(task, lines)


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


def _unrecorded(output: Path, resumed: Resumed, record: Path) -> dict[str, tuple[Audit, Any]]:
    """The decisions in `output` that have no record in the audit log `record` (an earlier run
    stopped between writing and recording them, or ran without `--record`): their audit fields
    and what the record needs of the decision, by transaction id. Only the files of the days
    from the first `decided_at` in `output` on are read."""
    audits = {tx: audit for tx, audit in resumed.decisions.items() if audit is not None}
    if not audits or not record.exists():
        missing = set(audits)
    else:
        since = min(audit.decided_at[:10] for audit in audits.values())
        logged = recorded_decision_ids(record, since)
        missing = {tx for tx, audit in audits.items() if audit.decision_id not in logged}
    unrecorded: dict[str, tuple[Audit, Any]] = {}
    if not missing:
        return unrecorded
    with output.open("rb") as file:
        for line in file:
            decision = orjson.loads(line)
            transaction_id = decision.get("transaction_id")
            if transaction_id in missing and "outcome" in decision:
                summary = {k: decision.get(k) for k in ("transaction_id", "outcome", "reasons")}
                unrecorded[transaction_id] = (audits[transaction_id], summary)
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
    opa_url: str | None,
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
    record are recorded now. `on_lines` is told how many input lines each written chunk covered;
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
            audit, decision = unrecorded.pop(transaction_id)
            if hashlib.sha256(prepared.canonical).hexdigest() != audit.input_sha256:
                warn(
                    f"line {number} ({transaction_id}): its decision in {output} has no audit "
                    "record and was made for another input: not recorded"
                )
            elif log is not None:
                log.append(audit, decision, prepared.canonical)

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
                log.append_all((a.audit, a.decision, a.prepared.canonical) for a in result.answers)
            summary.outcomes.update(a.decision["outcome"] for a in result.answers)
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

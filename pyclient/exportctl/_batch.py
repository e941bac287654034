"""Many decisions per request, for `decide_many` and `exportctl batch` (`_batch_file`).

Open-source OPA has no batch endpoint, so chunks of transactions are posted to the policy's
`data.exportctl.batch.decisions`, which evaluates the decision once per transaction. Each
transaction is encoded once, as canonical JSON (orjson, sorted keys): those bytes are posted and
hashed for the audit fields. One or two chunks are in flight, each worker thread with its own
kept-alive connection, while the caller's thread reads, validates and writes in input order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from exportctl._audit import canonical_json, new_audit, utc_now
from exportctl._client import DECISION_PATH, OpaClient, check_outcome, decision_body
from exportctl._models import Decision
from exportctl._schema import validate_transaction
from exportctl._sidecar import default_sidecar
from exportctl.errors import EngineError, InputError, UndefinedDecisionError

if TYPE_CHECKING:
    from concurrent.futures import Future

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
    """The decision for a prepared transaction, with its audit fields."""

    prepared: Prepared
    decision: Decision

    def line(self) -> bytes:
        """The output line: the decision as `decide -f json` prints it, with `audit`."""
        return orjson.dumps(self.decision.document()) + b"\n"


@dataclass
class ChunkResult:
    """What OPA made of a chunk."""

    answers: list[Answer] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    """Transactions the policy gave no decision for (possible without validation)."""
    failures: list[tuple[Prepared, str]] = field(default_factory=list)
    """Transactions the engine answered an error for, with its message."""
    opa_url: str = ""
    """The OPA server that answered, set by `pipeline`."""

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
        check_outcome(decision.get("outcome"))
        answer = Decision.from_opa(decision)
        policy = answer.policy
        audit = new_audit(
            policy.revision, policy.data_reviewed_on, prepared.canonical, decision_id, decided_at
        )
        self.answers.append(Answer(prepared, answer.with_audit(audit)))


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
            answer = client.post(DECISION_PATH, decision_body(prepared.canonical))
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
    opa_url: str | Sequence[str] | None,
    workers: int,
) -> Iterator[tuple[C, ChunkResult]]:
    """Decide `chunks` with up to `workers` requests in flight per OPA server; yield them in
    order with results.

    With several servers (`opa_url` a list: a fleet of sidecars) the chunks go to them in turn,
    and every decision of the run must carry the policy revision of the first one yielded: a
    server that serves another bundle stops the run. Each worker thread has its own `OpaClient`
    for each server (its own kept-alive connection). The first chunk to fail with an error other
    than a per-transaction one stops the run: it is raised here.
    """
    from concurrent.futures import ThreadPoolExecutor  # imports logging: not on every CLI start

    urls = [opa_url] if isinstance(opa_url, str) else list(opa_url or ())
    urls = urls or [default_sidecar().url]
    local = threading.local()
    clients: list[OpaClient] = []
    in_flight = workers * len(urls)

    def run(chunk: C, base_url: str) -> ChunkResult:
        by_url: dict[str, OpaClient] = local.__dict__.setdefault("clients", {})
        client = by_url.get(base_url)
        if client is None:
            client = by_url[base_url] = OpaClient(base_url)
            clients.append(client)
        result = decide_chunk(client, posted(chunk))
        result.opa_url = base_url
        return result

    revision = _OneRevision(urls)
    pool = ThreadPoolExecutor(in_flight, thread_name_prefix="exportctl-batch")
    pending: deque[tuple[C, Future[ChunkResult]]] = deque()
    try:
        for index, chunk in enumerate(chunks):
            base_url = urls[index % len(urls)]
            pending.append((chunk, pool.submit(run, chunk, base_url)))
            if len(pending) >= in_flight:
                done, future = pending.popleft()
                yield done, revision.check(future.result())
        while pending:
            done, future = pending.popleft()
            yield done, revision.check(future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for client in clients:
            client.close()


class _OneRevision:
    """Across several OPA servers, the decisions of one run are of one policy revision."""

    def __init__(self, urls: Sequence[str]) -> None:
        self.several = len(urls) > 1
        self.revision: str | None = None
        self.first_url = ""

    def check(self, result: ChunkResult) -> ChunkResult:
        """`result`, unless it holds a decision of another revision."""
        if not self.several:
            return result
        for answer in result.answers:
            answered = answer.decision.policy.revision
            if self.revision is None:
                self.revision, self.first_url = answered, result.opa_url
            elif answered != self.revision:
                raise EngineError(
                    f"the sidecars disagree: OPA at {result.opa_url} answered with policy revision "
                    f"{answered!r}, OPA at {self.first_url} with {self.revision!r} "
                    "(see `exportctl fleet status`); rerun when they agree"
                )
        return result


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
    opa_url: str | Sequence[str] | None = None,
    *,
    validate: bool = True,
    chunk_size: int = CHUNK_SIZE,
    workers: int = WORKERS,
) -> list[Decision]:
    """Decide many transactions, `chunk_size` per request; the decisions in the same order.

    Every transaction is validated first (`InputError`, its field prefixed with the
    transaction's index, e.g. `[3].items[0].value.amount`) unless `validate` is false. With
    `opa_url` the decisions come from that OPA server (its bundle must have `exportctl.batch`),
    or from several in turn (a list, as `pipeline`); without it, from this process's sidecar.
    Each decision carries its `audit`.
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
        decisions += [answer.decision for answer in result.answers]
    return decisions

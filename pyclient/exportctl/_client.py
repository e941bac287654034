"""Asking OPA for a decision over its REST API."""

from __future__ import annotations

import functools
import math
import os
import socket
import struct
import threading
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any, cast
from urllib.parse import urlencode, urlsplit

import orjson

from exportctl._audit import canonical_json, new_audit, utc_now
from exportctl._models import OUTCOMES, Decision
from exportctl._schema import validate_transaction
from exportctl._sidecar import default_sidecar, sidecar_for
from exportctl.errors import EngineError, EngineUnavailableError, InputError, UndefinedDecisionError

DECISION_PATH = "/v1/data/exportctl/decision"
TOKEN_ENV = "EXPORTCTL_OPA_TOKEN"
TIMEOUT_ENV = "EXPORTCTL_OPA_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
"""Seconds a request may take, from connecting to the last byte of the answer: a batch chunk of
250 transactions with 20-line BOMs took 4 s on a loaded 2-core machine."""
REFUSED = "OPA refused the request: wrong or missing token (--opa-token / EXPORTCTL_OPA_TOKEN)"


class Explain(StrEnum):
    """OPA's own explanation of an evaluation (`?explain=`)."""

    notes = "notes"
    """Only `trace()` notes, with the rules that led to them."""
    fails = "fails"
    """The expressions that failed."""
    full = "full"
    """Every evaluation step: about 10 times slower, and long on large inputs."""


class ClientCore:
    """What the sync and the async client share: the URL, token and revision they check, the
    request bytes, and every check on an answer, so that both answer alike."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float | None = None,
        revision: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        """OPA's base URL, e.g. `http://127.0.0.1:8181`."""
        self._sidecar = sidecar_for(self.base_url)
        self._address, self._prefix = _address(self.base_url)
        self.timeout = _timeout() if timeout is None else timeout
        """Seconds a request may take, connecting and reading the whole answer included."""
        self.revision = revision or (self._sidecar.revision if self._sidecar else None)
        """The policy revision every decision must carry, when it is known."""
        token = token or (self._sidecar.token if self._sidecar else os.environ.get(TOKEN_ENV))
        host = "localhost" if isinstance(self._address, str) else _host_header(*self._address)
        headers = f"Host: {host}\r\nContent-Type: application/json\r\n"
        if token:
            if not token.isascii() or not token.isprintable() or " " in token:
                raise EngineUnavailableError("the OPA token must be printable ASCII, no spaces")
            headers += f"Authorization: Bearer {token}\r\n"
        self._headers = headers.encode()
        self._heads: dict[tuple[str, str], bytes] = {}
        """The start of each request sent so far, by method and target: all but its length."""
        self._init_connections()

    def _init_connections(self) -> None:
        """Set up the client's connections (none is open yet)."""
        raise NotImplementedError

    def _request_bytes(self, method: str, target: str, body: bytes | None) -> bytes:
        """The whole request: its head (built once per method and target), length and body."""
        head = self._heads.get((method, target))
        if head is None:
            head = f"{method} {self._prefix}{target} HTTP/1.1\r\n".encode() + self._headers
            self._heads[method, target] = head
        body = body or b""
        return b"%sContent-Length: %d\r\n\r\n%s" % (head, len(body), body)

    def _check_sidecar(self) -> None:
        if self._sidecar is not None:
            self._sidecar.check_running()

    def _check_peer(self, sock: Any) -> None:
        """For a sidecar of this process: the process on the other end of `sock` is its OPA."""
        if self._sidecar is not None and hasattr(socket, "SO_PEERCRED"):
            credentials = sock.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
            )
            pid, _, _ = struct.unpack("3i", credentials)
            if pid != self._sidecar.opa_pid:
                raise EngineError(
                    f"the process answering at {self._address} is not the sidecar's OPA "
                    f"(pid {pid}, not {self._sidecar.opa_pid})"
                )

    def _unreachable(self, error: OSError) -> EngineUnavailableError:
        """What a failure to connect is."""
        if isinstance(error, TimeoutError):
            return self._too_slow()
        return EngineUnavailableError(f"cannot connect to OPA at {self.base_url}")

    def _too_slow(self) -> EngineUnavailableError:
        return EngineUnavailableError(
            f"OPA at {self.base_url} did not answer within {self.timeout:g} s"
        )

    def _broken(self, error: Exception) -> EngineUnavailableError:
        """What a failed exchange on an open connection is."""
        if isinstance(error, TimeoutError):
            return self._too_slow()
        if isinstance(error, ConnectionError):
            return EngineUnavailableError(
                f"OPA at {self.base_url} closed the connection without an answer"
            )
        name = str(error) if isinstance(error, BrokenAnswerError) else type(error).__name__
        return EngineUnavailableError(f"OPA at {self.base_url} sent a broken answer ({name})")

    def _status(self, response: _Response) -> tuple[int, bytes]:
        """The answer's status and body, unless it is a redirect or a refusal."""
        status = response.status
        if 300 <= status < 400:
            location = response.headers.get("location", "")
            raise EngineError(
                f"OPA at {self.base_url} answered HTTP {status} (a redirect to {location!r}): "
                "not followed"
            )
        if status in (401, 403):
            raise EngineError(REFUSED)
        return status, response.body

    def _answer(self, target: str, status: int, content: bytes) -> dict[str, Any]:
        """OPA's answer to a POST to the data API: a JSON object with a `result`, of the
        expected revision."""
        path = target.partition("?")[0]
        try:
            answer = orjson.loads(content)
        except orjson.JSONDecodeError as e:
            raise EngineError(f"OPA answered HTTP {status} with a body that is not JSON") from e
        if status != 200:
            code, message = _opa_error(answer, status)
            raise EngineError(message, code)
        if not isinstance(answer, dict):
            raise EngineError(f"OPA answered {path} with JSON that is not an object")
        if "result" not in answer:
            raise UndefinedDecisionError(
                f"OPA at {self.base_url} has no decision at {path}: is the exportctl bundle loaded?"
            )
        if self.revision is not None:
            self._check_revision(answer["result"])
        return cast(dict[str, Any], answer)

    def _check_revision(self, result: Any) -> None:
        """Every decision in `result` (a decision, or a list of them) is of `self.revision`."""
        for decision in result if isinstance(result, list) else [result]:
            policy = decision.get("policy") if isinstance(decision, dict) else None
            answered = policy.get("revision") if isinstance(policy, dict) else None
            if answered is not None and answered != self.revision:
                raise EngineError(
                    f"OPA at {self.base_url} answered with policy revision {answered!r}, "
                    f"not {self.revision}"
                )

    @staticmethod
    def _decision(
        transaction: Mapping[str, Any], canonical: bytes, answer: Mapping[str, Any]
    ) -> Decision:
        """The decision in OPA's `answer` to the posted `canonical` bytes of `transaction`,
        with its audit fields; `EngineError` when it is the decision of another transaction."""
        decided_at = utc_now()
        decision = Decision.from_opa(
            answer["result"],
            explanation=tuple(line for line in answer.get("explanation") or () if line),
            metrics=answer.get("metrics"),
        )
        check_outcome(decision.outcome)
        if decision.transaction_id != transaction.get("id"):
            raise EngineError(
                f"OPA answered the decision for {decision.transaction_id!r}, "
                f"not for {transaction.get('id')!r}"
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


def check_outcome(outcome: object) -> None:
    """`EngineError` unless `outcome` is one of the contract's: no caller acts on another."""
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        raise EngineError(f"the policy answered an unknown outcome {outcome!r}")


def input_body(input_document: Any) -> bytes:
    """`{"input": input_document}` as JSON; `InputError` when it cannot be encoded."""
    try:
        return orjson.dumps({"input": input_document})
    except TypeError as e:
        raise InputError("(transaction)", f"cannot be encoded as JSON: {e}") from e


def decision_body(canonical: bytes) -> bytes:
    """The body that asks for the decision of a transaction encoded as `canonical`."""
    return b'{"input":' + canonical + b"}"


def data_target(path: str, params: Mapping[str, str] | None) -> str:
    """`path` with its query string."""
    return path + ("?" + urlencode(params) if params else "")


def retried(error: Exception, reused: bool, attempt: int) -> bool:
    """Whether a failed exchange is tried once more: a kept-alive connection that the server has
    closed fails on first use."""
    return isinstance(error, ConnectionError) and reused and attempt == 1


# A small HTTP/1.1 exchange of its own rather than requests or http.client: the request is one
# `sendall` of bytes mostly built once per client, and the answer is read without http.client's
# email-based header parser (together about 100 µs a request); a deadline bounds the whole
# exchange (requests' timeout applies to each read, so a server that trickles bytes could hold
# it forever). It follows no redirects.
class OpaClient(ClientCore):
    """A kept-alive connection to one OPA server: `http://HOST:PORT` or `unix:///PATH/opa.sock`.

    The bearer token is `token`, else, for a sidecar of this process, the sidecar's own, else
    `$EXPORTCTL_OPA_TOKEN`; none is sent when there is none. Each request must be answered in full
    within `timeout` seconds (default `$EXPORTCTL_OPA_TIMEOUT`, else 30). Every decision answered
    must carry the policy revision `revision` when it is given; for a sidecar of this process it
    is the sidecar's, and before each request the client checks that the sidecar's OPA is alive
    and, on connecting, that the process answering on the socket is that OPA.
    """

    def _init_connections(self) -> None:
        self._connection: _Connection | None = None
        self._lock = threading.Lock()

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
        canonical = canonical_json(transaction)
        answer = self._post(_decision_target(explain, metrics), decision_body(canonical))
        return self._decision(transaction, canonical, answer)

    def query(
        self, path: str, input_document: Any, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST `input_document` to the data API at `path`; OPA's whole answer, with a `result`."""
        return self.post(path, input_body(input_document), params)

    def post(
        self, path: str, body: bytes, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST a pre-encoded body (`{"input": ...}`) to the data API at `path`; as `query`."""
        return self._post(data_target(path, params), body)

    def _post(self, target: str, body: bytes) -> dict[str, Any]:
        return self._answer(target, *self._request("POST", target, body))

    def healthy(self) -> bool:
        """Whether OPA answers `GET /health?bundles` with 200 (its bundle is loaded)."""
        try:
            status, _ = self._request("GET", "/health?bundles", None)
        except EngineUnavailableError:
            return False
        return status == 200

    def close(self) -> None:
        """Close the kept-alive connection."""
        with self._lock:
            self._drop()

    def _request(self, method: str, target: str, body: bytes | None) -> tuple[int, bytes]:
        """Send one request and read the whole answer by the deadline: its status and body."""
        deadline = time.monotonic() + self.timeout
        request = self._request_bytes(method, target, body)
        with self._lock:
            self._check_sidecar()
            for attempt in (1, 2):
                reused = self._connection is not None
                connection = self._connect(deadline)
                try:
                    response = connection.exchange(request, deadline)
                except (OSError, BrokenAnswerError) as e:
                    self._drop()
                    if retried(e, reused, attempt):
                        continue
                    raise self._broken(e) from e
                except BaseException:  # interrupted (a signal): the answer may be half read
                    self._drop()
                    raise
                if response.will_close:
                    self._drop()
                break
        return self._status(response)

    def _connect(self, deadline: float) -> _Connection:
        if self._connection is None:
            connection = _Connection(self._address)
            try:
                connection.open(deadline)
            except OSError as e:
                raise self._unreachable(e) from e
            try:
                self._check_peer(connection.sock)
            except EngineError:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@functools.cache
def _decision_target(explain: Explain | None, metrics: bool) -> str:
    """The decision's path with the query that asks for OPA's explanation or metrics."""
    params: dict[str, str] = {}
    if explain is not None:
        params.update(explain=explain.value, pretty="true")
    if metrics:
        params["metrics"] = "true"
    return data_target(DECISION_PATH, params)


def _host_header(host: str, port: int) -> str:
    host = f"[{host}]" if ":" in host else host
    return host if port == 80 else f"{host}:{port}"


def check_opa_url(base_url: str) -> None:
    """`EngineUnavailableError` unless `base_url` is a URL the client can use."""
    _address(base_url)


def _address(base_url: str) -> tuple[str | tuple[str, int], str]:
    """Where to connect for `base_url` (a socket path, or host and port) and the path prefix."""
    usage = f"OPA URL {base_url!r}: expected http://HOST:PORT or unix:///PATH/opa.sock"
    try:
        url = urlsplit(base_url)
        port = url.port
    except ValueError as e:
        raise EngineUnavailableError(usage) from e
    if url.query or url.fragment:
        raise EngineUnavailableError(usage)
    if url.scheme == "unix" and not url.netloc and url.path.startswith("/"):
        return url.path, ""
    if url.scheme == "http" and url.hostname:
        return (url.hostname, port or 80), url.path
    raise EngineUnavailableError(usage)


def _timeout() -> float:
    configured = os.environ.get(TIMEOUT_ENV)
    if not configured:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(configured)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise EngineUnavailableError(
            f"{TIMEOUT_ENV} must be a number of seconds above 0, not {configured!r}"
        )
    return seconds


class _DeadlineSocket(socket.socket):
    """A socket whose every send and receive must end by `deadline` (`time.monotonic()`)."""

    deadline = math.inf

    def _arm(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline has passed")
        self.settimeout(remaining)

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._arm()
        return super().recv_into(buffer, nbytes, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._arm()
        super().sendall(data, flags)


class BrokenAnswerError(Exception):
    """An answer that is not HTTP/1.1 as the client reads it; the message names what broke."""


class _ClosedError(ConnectionError):
    """The server closed the connection before the status line of its answer."""


MAX_LINE = 65_536
"""Longest status or header line read, as http.client allows."""
MAX_HEADERS = 100


@dataclass(frozen=True)
class _Response:
    status: int
    headers: dict[str, str]
    """Header names in lower case; a repeated header keeps its last value."""
    body: bytes
    will_close: bool
    """Whether the server closes the connection after this answer."""


class _Connection:
    """An HTTP/1.1 connection over TCP or a unix socket, bound by a deadline per exchange."""

    def __init__(self, address: str | tuple[str, int]) -> None:
        self.address = address
        self.sock: _DeadlineSocket | None = None
        self._reader: IO[bytes] | None = None

    def open(self, deadline: float) -> None:
        """Connect by `deadline`."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the deadline has passed")
        if isinstance(self.address, str):
            sock = _DeadlineSocket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(remaining)
                sock.connect(self.address)
            except BaseException:
                sock.close()
                raise
        else:
            plain = socket.create_connection(self.address, timeout=remaining)
            sock = _DeadlineSocket(fileno=plain.detach())
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self._reader = sock.makefile("rb")

    def exchange(self, request: bytes, deadline: float) -> _Response:
        """Send `request` (whole, with its body) and read the answer, both by `deadline`."""
        assert self.sock is not None and self._reader is not None
        self.sock.deadline = deadline
        self.sock.sendall(request)
        return _read_response(self._reader)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None


# The answer is parsed by a generator that asks its reader, sync or async, for a line (LINE: at
# most MAX_LINE + 1 bytes), for the rest of the stream (REST) or for a number of bytes, and is
# sent what the reader got: a reader that has no more sends less (an empty line, fewer bytes).
LINE = -1
REST = -2
Parser = Generator[int, bytes, _Response]


def _read_response(reader: IO[bytes]) -> _Response:
    """Read one HTTP/1.x answer from a blocking reader (`parse_response`)."""
    parser = parse_response()
    send, readline = parser.send, reader.readline
    wanted = next(parser)
    try:
        while True:
            if wanted == LINE:
                wanted = send(readline(MAX_LINE + 1))
            else:
                wanted = send(reader.read() if wanted == REST else reader.read(wanted))
    except StopIteration as done:
        return cast(_Response, done.value)


def parse_response() -> Parser:
    """One HTTP/1.x answer: status line, headers and a body of `Content-Length` bytes, in
    chunks, or up to the end of the connection. Written once for the sync and the async client."""
    line = yield LINE
    if not line:
        raise _ClosedError("the server closed the connection")
    version, _, rest = line.partition(b" ")
    code = rest[:3]
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or not code.isdigit() or len(line) > MAX_LINE:
        raise BrokenAnswerError("BadStatusLine")
    status = int(code)
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = yield LINE  # checked here rather than by `_line`: a generator less per header
        if line in (b"\r\n", b"\n"):
            break
        if not line:
            raise BrokenAnswerError("IncompleteRead")
        if len(line) > MAX_LINE:
            raise BrokenAnswerError("LineTooLong")
        name, colon, value = line.partition(b":")
        if not colon:
            raise BrokenAnswerError("BadHeaderLine")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    else:
        raise BrokenAnswerError("TooManyHeaders")
    will_close = version == b"HTTP/1.0" or "close" in headers.get("connection", "").lower()
    if 100 <= status < 200 or status in (204, 304):
        return _Response(status, headers, b"", will_close)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _Response(status, headers, (yield from _chunks()), will_close)
    length = headers.get("content-length")
    if length is None:
        return _Response(status, headers, (yield REST), True)
    if not (length.isascii() and length.isdigit()):  # str.isdigit also takes "²", which int refuses
        raise BrokenAnswerError("BadContentLength")
    return _Response(status, headers, (yield from _exactly(int(length))), will_close)


def _line() -> Generator[int, bytes, bytes]:
    line = yield LINE
    if not line:
        raise BrokenAnswerError("IncompleteRead")
    if len(line) > MAX_LINE:
        raise BrokenAnswerError("LineTooLong")
    return line


def _exactly(size: int) -> Generator[int, bytes, bytes]:
    data = yield size
    if len(data) != size:
        raise BrokenAnswerError("IncompleteRead")
    return data


def _chunks() -> Generator[int, bytes, bytes]:
    """A body in HTTP/1.1 chunked transfer coding; trailers are read and dropped."""
    parts: list[bytes] = []
    while True:
        size_field = (yield from _line()).split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise BrokenAnswerError("BadChunkSize") from None
        if size < 0:
            raise BrokenAnswerError("BadChunkSize")
        if size == 0:
            while (yield from _line()) not in (b"\r\n", b"\n"):
                pass
            return b"".join(parts)
        parts.append((yield from _exactly(size)))
        if (yield from _line()) not in (b"\r\n", b"\n"):
            raise BrokenAnswerError("BadChunk")


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


_clients: dict[tuple[str, str | None], OpaClient] = {}
_clients_lock = threading.Lock()


def client_for(base_url: str | None, token: str | None = None) -> OpaClient:
    """The kept-alive client for `base_url`, or for this process's sidecar when it is None."""
    base_url = base_url or default_sidecar().url
    with _clients_lock:
        if (base_url, token) not in _clients:
            _clients[base_url, token] = OpaClient(base_url, token=token)
        return _clients[base_url, token]


def decide(
    transaction: Mapping[str, Any],
    opa_url: str | None = None,
    *,
    opa_token: str | None = None,
    explain: Explain | None = None,
    metrics: bool = False,
    validate: bool = True,
) -> Decision:
    """Decide a transaction.

    The transaction is validated against `schemas/transaction.schema.json` first (`InputError`),
    unless `validate` is false. With `opa_url` the decision comes from that OPA server (with
    `opa_token`, else `$EXPORTCTL_OPA_TOKEN`, as its bearer token); without it, from a sidecar
    this process starts on first use and stops at exit.
    """
    if validate:
        validate_transaction(transaction)
    return client_for(opa_url, opa_token).decide(transaction, explain=explain, metrics=metrics)

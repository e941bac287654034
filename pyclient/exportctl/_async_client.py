"""Asking OPA for decisions from asyncio code: `AsyncClient`, the sync client's contract on
asyncio streams."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, cast

from exportctl._audit import canonical_json
from exportctl._client import (
    LINE,
    REST,
    BrokenAnswerError,
    ClientCore,
    Explain,
    _decision_target,
    _Response,
    data_target,
    decision_body,
    input_body,
    parse_response,
    retried,
)
from exportctl._models import Decision
from exportctl.errors import EngineError, EngineUnavailableError

STREAM_LIMIT = 1 << 20
"""asyncio's buffer limit for a line: above `MAX_LINE`, so that the parser's own check names an
over-long line as the sync client does."""


class AsyncClient(ClientCore):
    """Kept-alive connections to one OPA server, for asyncio: `http://HOST:PORT` or
    `unix:///PATH/opa.sock`.

    The same contract as `OpaClient`: the same token (`token`, a sidecar's own, else
    `$EXPORTCTL_OPA_TOKEN`), the same deadline for each whole request (`timeout`, default
    `$EXPORTCTL_OPA_TIMEOUT`, else 30 s), the same checks on every answer and the same errors.
    Requests may run concurrently: each takes an idle connection or opens one, and gives it back
    when its answer is read. Close it with `await client.aclose()`, or use `async with`:

        async with AsyncClient("http://127.0.0.1:8181") as opa:
            decision = await opa.decide(transaction)
    """

    def _init_connections(self) -> None:
        self._idle: list[_AsyncConnection] = []

    async def decide(
        self,
        transaction: Mapping[str, Any],
        *,
        explain: Explain | None = None,
        metrics: bool = False,
    ) -> Decision:
        """POST the transaction to the decision rule, as `OpaClient.decide`; no schema
        validation here."""
        canonical = canonical_json(transaction)
        answer = await self._post(_decision_target(explain, metrics), decision_body(canonical))
        return self._decision(transaction, canonical, answer)

    async def query(
        self, path: str, input_document: Any, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST `input_document` to the data API at `path`; OPA's whole answer, with a `result`."""
        return await self.post(path, input_body(input_document), params)

    async def post(
        self, path: str, body: bytes, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST a pre-encoded body (`{"input": ...}`) to the data API at `path`; as `query`."""
        return await self._post(data_target(path, params), body)

    async def healthy(self) -> bool:
        """Whether OPA answers `GET /health?bundles` with 200 (its bundle is loaded)."""
        try:
            status, _ = await self._request("GET", "/health?bundles", None)
        except EngineUnavailableError:
            return False
        return status == 200

    async def aclose(self) -> None:
        """Close the idle connections."""
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _post(self, target: str, body: bytes) -> dict[str, Any]:
        return self._answer(target, *await self._request("POST", target, body))

    async def _request(self, method: str, target: str, body: bytes | None) -> tuple[int, bytes]:
        """Send one request and read the whole answer within the timeout: status and body."""
        request = self._request_bytes(method, target, body)
        self._check_sidecar()
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._exchange(request)
        except TimeoutError as e:
            raise self._too_slow() from e
        return self._status(response)

    async def _exchange(self, request: bytes) -> _Response:
        for attempt in (1, 2):
            reused = bool(self._idle)
            connection = self._idle.pop() if reused else await self._connect()
            try:
                response = await connection.exchange(request)
            except (OSError, BrokenAnswerError) as e:
                connection.close()
                if retried(e, reused, attempt):
                    continue
                raise self._broken(e) from e
            except BaseException:  # cancelled, or out of time: the answer may be half read
                connection.close()
                raise
            if response.will_close:
                connection.close()
            else:
                self._idle.append(connection)
            return response
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _connect(self) -> _AsyncConnection:
        try:
            if isinstance(self._address, str):
                streams = await asyncio.open_unix_connection(self._address, limit=STREAM_LIMIT)
            else:
                host, port = self._address
                streams = await asyncio.open_connection(host, port, limit=STREAM_LIMIT)
        except OSError as e:
            raise self._unreachable(e) from e
        connection = _AsyncConnection(*streams)
        try:
            self._check_peer(connection.writer.get_extra_info("socket"))
        except EngineError:
            connection.close()
            raise
        return connection


class _AsyncConnection:
    """An HTTP/1.1 connection on asyncio streams; the caller bounds each exchange in time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def exchange(self, request: bytes) -> _Response:
        """Send `request` (whole, with its body) and read the answer (`parse_response`)."""
        self.writer.write(request)
        await self.writer.drain()
        return await self.read_response()

    async def read_response(self) -> _Response:
        """Read one answer (`parse_response`)."""
        parser = parse_response()
        wanted = next(parser)
        try:
            while True:
                wanted = parser.send(await self._read(wanted))
        except StopIteration as done:
            return cast(_Response, done.value)

    async def _read(self, wanted: int) -> bytes:
        if wanted == LINE:
            try:
                return await self.reader.readline()
            except ValueError:  # longer than STREAM_LIMIT
                raise BrokenAnswerError("LineTooLong") from None
        if wanted == REST:
            return await self.reader.read()
        try:
            return await self.reader.readexactly(wanted)
        except asyncio.IncompleteReadError as e:
            return e.partial  # the parser names it

    def close(self) -> None:
        self.writer.close()

"""A decision-log collector for tests: the service OPA's decision-log plugin uploads to.

OPA posts each upload to `<service url>/logs` as a gzip-compressed JSON array of events
(https://www.openpolicyagent.org/docs/management-decision-logs). The collector takes exactly
that and keeps the events; anything else is answered 400 or 404 and counted as refused, so a
test sees a change of format. Production uses a real log pipeline (docs/deploy.md, "Decision
logs").
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import orjson

LOGS_PATH = "/logs"
Event = dict[str, Any]


class Collector:
    """An HTTP server on loopback that records the decision-log events posted to `/logs`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self.uploads = 0
        """Uploads accepted: gzip'd JSON arrays of events posted to /logs."""
        self.refused: list[str] = []
        """Why each other request was refused."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The service URL to configure in OPA (`services.<name>.url`)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def events(self) -> list[Event]:
        """Every event received so far, in the order they arrived."""
        with self._lock:
            return list(self._events)

    def wait_for(self, done: Callable[[list[Event]], bool], timeout: float = 15.0) -> list[Event]:
        """The events once `done(events)` holds; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not done(events := self.events()):
            assert time.monotonic() < deadline, f"the collector has {len(events)} events"
            time.sleep(0.05)
        return events

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _received(self, events: list[Event]) -> None:
        with self._lock:
            self._events += events
            self.uploads += 1

    def _refuse(self, why: str) -> None:
        with self._lock:
            self.refused.append(why)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != LOGS_PATH:
                    self._answer(404, f"POST {self.path}: not {LOGS_PATH}")
                    return
                if self.headers.get("Content-Encoding") != "gzip":
                    self._answer(400, "the upload is not gzip-encoded")
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    events = orjson.loads(gzip.decompress(body))
                except (OSError, EOFError, orjson.JSONDecodeError) as e:
                    self._answer(400, f"the upload is not gzip'd JSON: {e}")
                    return
                if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
                    self._answer(400, "the upload is not a JSON array of events")
                    return
                collector._received(events)
                self._answer(200, None)

            def _answer(self, status: int, refused: str | None) -> None:
                if refused is not None:
                    collector._refuse(refused)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

"""The embedded sidecar is the project's and no one else's, and the client believes only it.

Against real OPA processes: processes racing for the sidecar's address, its REST API, the
client's deadline, redirects and echoes, and OPA ending with the process that started it.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import socketserver
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from exportctl import EngineError, EngineUnavailableError, OpaClient, Sidecar, decide, revision
from exportctl._cli import app
from exportctl._client import REFUSED
from exportctl._paths import opa_binary, policies_dir

ROOT = Path(__file__).resolve().parents[1]
EXPORTCTL = Path(sys.executable).with_name("exportctl")
TB_MAGNET_FILE = ROOT / "examples" / "cn-export-tb-magnet.json"
TB_MAGNET: dict[str, Any] = orjson.loads(TB_MAGNET_FILE.read_bytes())
BATCH_PATH = "/v1/data/exportctl/batch/decisions"
URL_USAGE = "expected http://HOST:PORT or unix:///PATH/opa.sock"


def forged_decision(transaction_id: str = "SO-2026-00417", revision: str = "") -> dict[str, Any]:
    """A well-formed `not_required` that no policy gave."""
    return {
        "transaction_id": transaction_id,
        "date": "2026-03-02",
        "outcome": "not_required",
        "items": [{"id": "1", "outcome": "not_required", "reasons": []}],
        "reasons": [],
        "not_applied": [],
        "missing_facts": [],
        "warnings": [],
        "policy": {
            "revision": revision or "sha256:0000000000000000",
            "data_reviewed_on": "2026-11-28",
        },
    }


Respond = Callable[[str, bytes], tuple[int, dict[str, str], bytes]]


def forging(revision: str = "", transaction_id: str = "SO-2026-00417") -> Respond:
    def respond(path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path.startswith(BATCH_PATH):
            count = len(orjson.loads(body)["input"]["transactions"])
            result: Any = [forged_decision(f"T-{i}", revision) for i in range(count)]
        else:
            result = forged_decision(transaction_id, revision)
        return 200, {"Content-Type": "application/json"}, orjson.dumps({"result": result})

    return respond


class Seen:
    """The requests a test server received: path, headers and body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []


def handler_for(respond: Respond, seen: Seen) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.requests.append((self.path, dict(self.headers), body))
            status, headers, content = respond(self.path, body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST

        def address_string(self) -> str:
            return "test"

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def http_server(respond: Respond) -> Iterator[tuple[str, Seen]]:
    """An HTTP server on a loopback port answering every request with `respond`."""
    seen = Seen()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(respond, seen))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def raw_request(
    sidecar: Sidecar, method: str, path: str, body: bytes | None = None, token: str | None = None
) -> tuple[int, bytes]:
    """One request straight to the sidecar's socket, not through the client."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(sidecar.url.removeprefix("unix://"))
    connection = http.client.HTTPConnection("localhost")
    connection.sock = sock
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def processes_mentioning(text: str) -> list[str]:
    """Command lines of the live processes (zombies have none) that contain `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.01)


# --- the sidecar's address -----------------------------------------------------------------------


def tcp_listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


def test_opa_listens_only_on_a_unix_socket_in_a_private_directory(sidecar: Sidecar) -> None:
    assert sidecar.workdir is not None
    socket_path = Path(sidecar.url.removeprefix("unix://"))
    cmdline = Path(f"/proc/{sidecar.opa_pid}/cmdline").read_bytes().split(b"\0")
    opa_sockets = {
        os.readlink(fd)[len("socket:[") : -1]
        for fd in Path(f"/proc/{sidecar.opa_pid}/fd").iterdir()
        if os.readlink(fd).startswith("socket:[")
    }

    assert sidecar.url.startswith("unix://")
    assert socket_path.parent == sidecar.workdir
    assert stat.S_IMODE(sidecar.workdir.stat().st_mode) == 0o700
    assert stat.S_ISSOCK(socket_path.stat().st_mode)
    assert stat.S_IMODE(socket_path.stat().st_mode) == 0o600
    assert opa_sockets, "OPA has no socket open"
    assert not opa_sockets & tcp_listening_inodes(), "OPA listens on a TCP port"
    for flag in (b"--skip-version-check", b"--authentication=token", b"--authorization=basic"):
        assert flag in cmdline
    assert sidecar.token.encode() not in b" ".join(cmdline)


def test_a_racer_for_loopback_ports_never_gets_a_request() -> None:
    with http_server(forging()) as (forger_url, seen):
        taken: list[socket.socket] = []
        stop = threading.Event()

        def take_ports() -> None:  # every port the kernel hands out while the sidecar starts
            while not stop.is_set() and len(taken) < 200:
                grab = socket.socket()
                grab.bind(("127.0.0.1", 0))
                grab.listen()
                grab.setblocking(False)
                taken.append(grab)
                time.sleep(0.002)

        racer = threading.Thread(target=take_ports)
        racer.start()
        try:
            with Sidecar() as opa:
                decision = decide(TB_MAGNET, opa_url=opa.url)
        finally:
            stop.set()
            racer.join()
        connected = []
        for grab in taken:
            with suppress(BlockingIOError):
                connected.append(grab.accept())
            grab.close()
        forged = OpaClient(forger_url)
        forged_outcome = forged.decide(TB_MAGNET).outcome

    assert taken
    assert decision.policy.revision == opa.revision
    assert decision.outcome != forged_outcome == "not_required"
    assert len(seen.requests) == 1  # only the one made on purpose just above
    assert connected == []


class UnixForger(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def test_a_process_that_takes_over_the_socket_is_not_believed(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The strongest racer: one that can write into the private directory (the same user, or
    # root) replaces OPA's socket with its own, answering with the right revision.
    temp = tmp_path_factory.mktemp("race")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    seen = Seen()
    replaced = threading.Event()
    stop = threading.Event()
    servers: list[UnixForger] = []

    right_revision = revision(policies_dir())

    def take_over() -> None:
        while not stop.is_set() and not replaced.is_set():
            for path in temp.glob("exportctl-opa-*/opa.sock"):
                path.unlink()
                server = UnixForger(str(path), handler_for(forging(right_revision), seen))
                threading.Thread(target=server.serve_forever, daemon=True).start()
                servers.append(server)
                replaced.set()
            time.sleep(0.001)

    racer = threading.Thread(target=take_over)
    racer.start()
    try:
        with (
            pytest.raises(EngineError, match="is not the sidecar's OPA") as error,
            Sidecar() as opa,
        ):
            assert replaced.wait(10)
            decide(TB_MAGNET, opa_url=opa.url)
    finally:
        stop.set()
        racer.join()
        for server in servers:
            server.shutdown()
            server.server_close()

    assert replaced.is_set()
    assert seen.requests == []
    assert "\n" not in str(error.value)
    assert list(temp.iterdir()) == []


# --- its REST API --------------------------------------------------------------------------------


def test_the_rest_api_refuses_writes_and_other_reads_and_wants_the_token(sidecar: Sidecar) -> None:
    decision = orjson.dumps({"input": TB_MAGNET})
    writes = [
        ("PUT", "/v1/policies/forged", b"package exportctl\n\ndecision := {}\n"),
        ("DELETE", "/v1/policies/exportctl/decision.rego", None),
        ("PUT", "/v1/data/exportctl", b"{}"),
        ("PUT", "/v1/data/exportctl/decision", b'{"outcome": "not_required"}'),
        ("PATCH", "/v1/data", b'[{"op": "add", "path": "/exportctl/x", "value": 1}]'),
    ]
    reads = [
        ("GET", "/v1/config", None),
        ("GET", "/v1/data/system", None),
        ("GET", "/v1/data", None),
        ("POST", "/v1/query", b'{"query": "data.system.exportctl_token"}'),
        ("GET", "/metrics", None),
    ]
    for token in (None, "not-the-token", sidecar.token):
        for method, path, body in writes + reads:
            status, _ = raw_request(sidecar, method, path, body, token)
            assert status == 401, (method, path, token)
    for token in (None, "not-the-token", ""):
        assert (
            raw_request(sidecar, "POST", "/v1/data/exportctl/decision", decision, token)[0] == 401
        )
        assert raw_request(sidecar, "GET", "/health?bundles", None, token)[0] == 401
        assert raw_request(sidecar, "GET", "/v1/status", None, token)[0] == 401
    status, answer = raw_request(
        sidecar, "POST", "/v1/data/exportctl/decision", decision, sidecar.token
    )

    assert status == 200
    assert orjson.loads(answer)["result"]["policy"]["revision"] == sidecar.revision
    assert raw_request(sidecar, "GET", "/health?bundles", None, sidecar.token)[0] == 200
    assert decide(TB_MAGNET, opa_url=sidecar.url).raw == orjson.loads(answer)["result"]


def test_the_authz_policy_passes_its_own_tests() -> None:
    opa = opa_binary()
    for command in (["fmt", "--list", "--fail"], ["check", "--strict"], ["test"]):
        done = subprocess.run(
            [opa, *command, str(ROOT / "deploy")], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_token_comes_from_the_argument_the_sidecar_or_the_environment(
    sidecar: Sidecar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORTCTL_OPA_TOKEN", "from-the-environment")
    with http_server(forging()) as (url, seen):
        OpaClient(url).decide(TB_MAGNET)
        OpaClient(url, token="from-the-argument").decide(TB_MAGNET)
        monkeypatch.delenv("EXPORTCTL_OPA_TOKEN")
        OpaClient(url).decide(TB_MAGNET)
    monkeypatch.setenv("EXPORTCTL_OPA_TOKEN", "from-the-environment")
    own = decide(TB_MAGNET, opa_url=sidecar.url)  # the sidecar's own token wins over the variable
    with pytest.raises(EngineError) as refused:
        OpaClient(sidecar.url, token="not-the-token").decide(TB_MAGNET)

    sent = [headers.get("Authorization") for _, headers, _ in seen.requests]
    assert sent == ["Bearer from-the-environment", "Bearer from-the-argument", None]
    assert own.policy.revision == sidecar.revision
    assert str(refused.value) == REFUSED


def test_the_cli_in_another_process_needs_the_token(sidecar: Sidecar) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTCTL_OPA")}
    command = [str(EXPORTCTL), "decide", "--opa-url", sidecar.url, str(TB_MAGNET_FILE)]

    without = subprocess.run(command, capture_output=True, env=environment, timeout=60)
    with_token = subprocess.run(
        command,
        capture_output=True,
        env={**environment, "EXPORTCTL_OPA_TOKEN": sidecar.token},
        timeout=60,
    )

    assert without.returncode == 3
    assert without.stderr.decode() == f"exportctl: error: {REFUSED}\n"
    assert with_token.returncode == 1, with_token.stderr
    assert b"LICENSE REQUIRED" in with_token.stdout


# --- the client's strictness ---------------------------------------------------------------------


@contextmanager
def trickling_server(interval: float) -> Iterator[str]:
    """A loopback server that answers every connection one header byte per `interval`, forever."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(interval):
                    connection.sendall(b"a")
            except OSError:
                pass  # the client gave up

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_a_server_that_trickles_bytes_cannot_hold_the_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every byte comes well within the deadline: only a deadline over the whole answer ends it.
    monkeypatch.setenv("EXPORTCTL_OPA_TIMEOUT", "2")
    with trickling_server(0.25) as url:
        start = time.monotonic()
        with pytest.raises(EngineUnavailableError, match="did not answer within 2 s"):
            decide(TB_MAGNET, opa_url=url)
        elapsed = time.monotonic() - start

    assert 1.9 < elapsed < 4


def test_a_redirect_is_not_followed() -> None:
    def redirect(path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        return 302, {"Location": path}, b""

    with http_server(redirect) as (url, seen), pytest.raises(EngineError) as error:
        decide(TB_MAGNET, opa_url=url)

    assert "HTTP 302" in str(error.value)
    assert "not followed" in str(error.value)
    assert len(seen.requests) == 1


def test_an_answer_for_another_transaction_or_bundle_is_refused() -> None:
    with (
        http_server(forging(transaction_id="SO-OTHER")) as (url, _),
        pytest.raises(EngineError, match="decision for 'SO-OTHER', not for 'SO-2026-00417'"),
    ):
        decide(TB_MAGNET, opa_url=url)
    with http_server(forging(revision="sha256:forgedforgedforg")) as (url, _):
        strict = OpaClient(url, revision="sha256:0123456789abcdef")
        with pytest.raises(EngineError, match="revision 'sha256:forgedforgedforg'"):
            strict.decide(TB_MAGNET)
        body = orjson.dumps({"input": {"transactions": [TB_MAGNET, TB_MAGNET]}})
        with pytest.raises(EngineError, match="revision 'sha256:forgedforgedforg'"):
            strict.post(BATCH_PATH, body)
        answer = OpaClient(url, revision="sha256:forgedforgedforg").post(BATCH_PATH, body)
        assert len(answer["result"]) == 2


@pytest.mark.parametrize(
    "url",
    [
        "127.0.0.1:8181",
        "localhost:8181",
        "https://opa.example:8181",
        "ftp://127.0.0.1:8181",
        "unix://relative/opa.sock",
        "http://",
        "http://127.0.0.1:port",
        "http://127.0.0.1:8181/?pretty=true",
    ],
)
def test_an_opa_url_that_is_neither_http_nor_unix_is_one_line(url: str) -> None:
    with pytest.raises(EngineUnavailableError) as error:
        decide(TB_MAGNET, opa_url=url)
    result = CliRunner().invoke(app, ["decide", "--opa-url", url, str(TB_MAGNET_FILE)])

    assert URL_USAGE in str(error.value)
    assert "\n" not in str(error.value)
    # The CLI refuses it with the client's own check, before the command starts: exit 3.
    assert result.exit_code == 3
    assert result.stderr.startswith("exportctl: error: ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("seconds", ["0", "-1", "soon", "inf", "nan"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(
    seconds: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORTCTL_OPA_TIMEOUT", seconds)
    with pytest.raises(EngineUnavailableError, match="EXPORTCTL_OPA_TIMEOUT must be a number"):
        OpaClient("http://127.0.0.1:8181")


def test_a_sidecar_whose_opa_died_is_unavailable_and_its_directory_goes() -> None:
    with Sidecar() as opa:
        workdir = opa.workdir
        assert workdir is not None
        os.kill(opa.opa_pid, signal.SIGKILL)

        def ended() -> bool:
            try:
                opa.check_running()
            except EngineUnavailableError:
                return True
            return False

        wait_for(ended, 5, "the watchdog ends with OPA")
        assert not workdir.exists()
        with pytest.raises(EngineUnavailableError, match="OPA exited with code 137"):
            decide(TB_MAGNET, opa_url=opa.url)


def test_opa_dies_with_its_watchdog() -> None:
    with Sidecar() as opa:
        stat_fields = Path(f"/proc/{opa.opa_pid}/stat").read_text().rsplit(")", 1)[1].split()
        watchdog = int(stat_fields[1])
        os.kill(watchdog, signal.SIGKILL)
        wait_for(lambda: not processes_mentioning(opa.url), 5, "OPA exits with its watchdog")


# --- OPA ends with the CLI that started it -------------------------------------------------------


def big_bom_transaction(lines: int) -> bytes:
    """The Tb-magnet example with a `lines`-line bill of materials: a slow decision."""
    transaction = orjson.loads(TB_MAGNET_FILE.read_bytes())
    transaction["items"][0]["bom"] = [
        {
            "id": f"1.{k}",
            "origin": "CN" if k % 4 == 0 else "KR",
            "material": {"elements": ["Dy"] if k % 4 == 0 else ["Fe"], "form": "metal"},
            "value": {"amount": 1 + k, "currency": "USD"},
        }
        for k in range(lines)
    ]
    return orjson.dumps(transaction)


@pytest.mark.parametrize(
    ("command", "signum"),
    [
        ("decide", signal.SIGTERM),
        ("decide", signal.SIGKILL),
        ("decide", signal.SIGINT),
        ("batch", signal.SIGTERM),
        ("batch", signal.SIGKILL),
        ("batch", signal.SIGINT),
    ],
)
def test_a_signal_to_the_cli_leaves_no_opa_and_no_directory(
    command: str, signum: signal.Signals, tmp_path_factory: pytest.TempPathFactory
) -> None:
    temp = tmp_path_factory.mktemp("kill")  # short: the socket path must fit in 107 bytes
    source = temp / "big.json"
    source.write_bytes(big_bom_transaction(5000))
    args = ["decide", str(source)] if command == "decide" else ["batch", "-", "-o", "out.jsonl"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTCTL_OPA")}
    # `batch -` waits for its input with the sidecar up; `decide` is deciding a 5,000-line BOM.
    process = subprocess.Popen(
        [str(EXPORTCTL), *args],
        cwd=temp,
        env={**environment, "TMPDIR": str(temp)},
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(
            lambda: list(temp.glob("exportctl-opa-*/opa.sock")) or process.poll() is not None,
            30,
            "the sidecar starts",
        )
        assert process.poll() is None, "the CLI ended before it could be signalled"
        [socket_path] = temp.glob("exportctl-opa-*/opa.sock")
        workdir = socket_path.parent
        assert len(processes_mentioning(str(workdir))) == 2  # OPA and its watchdog

        process.send_signal(signum)
        process.wait(timeout=10)
    finally:
        process.kill()
        process.wait()
        assert process.stdin is not None and process.stderr is not None
        process.stdin.close()
        stderr = process.stderr.read()
        process.stderr.close()

    if (command, signum) == ("batch", signal.SIGINT):  # Ctrl-C: it says how to resume
        assert process.returncode == 130, stderr
        assert b"to resume, run the same command again" in stderr
    else:
        assert process.returncode == -signum, stderr
    wait_for(lambda: not processes_mentioning(str(workdir)), 5, "OPA exits")
    wait_for(lambda: not workdir.exists(), 5, "the directory is removed")
    assert b"Traceback" not in stderr


def test_a_kept_alive_connection_that_the_server_closed_is_opened_again() -> None:
    # The server answers one request per connection without saying it will close: the client
    # finds out on its next request and makes it again, once, on a new connection.
    listener = socket.create_server(("127.0.0.1", 0))
    answer = orjson.dumps({"result": forged_decision()})
    connections = []

    def serve() -> None:
        for _ in range(3):
            connection, _ = listener.accept()
            connections.append(connection)
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(answer)}\r\n\r\n".encode()
                    + answer
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = OpaClient(f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        outcomes = [client.decide(TB_MAGNET).outcome for _ in range(3)]
    finally:
        client.close()
        thread.join(timeout=5)
        listener.close()

    assert outcomes == ["not_required"] * 3
    assert len(connections) == 3


class _Interrupted(Exception):
    pass


def test_a_request_interrupted_mid_answer_leaves_no_half_read_connection_behind() -> None:
    # A signal handler raises while the answer is half sent: the rest of that answer must not be
    # read as the answer to the next request, which goes over a new connection.
    listener = socket.create_server(("127.0.0.1", 0))
    answer = orjson.dumps({"result": forged_decision()})
    head = b"HTTP/1.1 200 OK\r\n" + f"Content-Length: {len(answer)}\r\n\r\n".encode()
    interrupted = threading.Event()

    def serve() -> None:
        first, _ = listener.accept()
        with first:
            first.recv(65536)
            first.sendall(head + answer[:10])
            interrupted.wait(10)
            first.sendall(answer[10:])
            listener.settimeout(2)
            with suppress(TimeoutError):
                second, _ = listener.accept()
                with second:
                    second.recv(65536)
                    second.sendall(head + answer)

    def interrupt(signum: int, frame: object) -> None:
        raise _Interrupted

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = OpaClient(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=5)
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(_Interrupted):
            client.decide(TB_MAGNET)
        interrupted.set()
        outcome = client.decide(TB_MAGNET).outcome
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        client.close()
        interrupted.set()
        thread.join(timeout=5)
        listener.close()

    assert outcome == "not_required"


def test_a_wrong_opa_binary_is_one_line_and_exit_3(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTCTL_OPA")}
    missing = tmp_path / "no-such-opa"

    with pytest.raises(EngineUnavailableError, match="cannot run .*no-such-opa"):
        Sidecar(opa=str(missing)).start()
    done = subprocess.run(
        [str(EXPORTCTL), "decide", str(TB_MAGNET_FILE)],
        capture_output=True,
        env={**environment, "OPA_BIN": str(missing), "TMPDIR": str(tmp_path)},
        timeout=60,
    )

    assert done.returncode == 3
    assert done.stderr.decode().startswith("exportctl: error: cannot run ")
    assert done.stderr.count(b"\n") == 1
    assert list(tmp_path.iterdir()) == []

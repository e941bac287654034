"""Real processes for the fleet tests: nginx serving bundles, OPA sidecars configured from deploy/.

    with bundle_server(served) as bundles_url:
        revision = publish_signed_bundle(ROOT / "policies", served, key)
        with sidecar(bundles_url, key.public) as opa:
            opa.decide(transaction)

`sidecar()` starts OPA the way deploy/kubernetes-pod.yaml does: `SIDECAR_FLAGS`, the
configuration deploy/opa-config.yaml with its `${…}` variables pointed at loopback, the public key
by `--set-file`, and the lock (`LOCK_POLICIES` and a token file); only `TEST_OVERRIDES` (shorter
polling and reporting delays) and the listening port differ.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from exportctl._sidecar import build_bundle, revision

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
OPA_CONFIG = DEPLOY / "opa-config.yaml"
LOCK_POLICIES = (DEPLOY / "authz.rego", DEPLOY / "mask.rego")
"""The sidecar's own policies, loaded from files beside the bundle: who may call it, and what of
a decision its decision log may ship."""
OPA = ROOT / ".tools" / "bin" / "opa"
NGINX = ROOT / ".tools" / "bin" / "nginx"
BUNDLE_NAME = "exportctl"
BUNDLE_FILE = "bundle.tar.gz"
"""The file the sidecars poll, in the served directory (`bundles.exportctl.resource`)."""
DISCARD_PATH = "/discard"
"""Under the bundle server: answers every request 204, the default collector and status sink."""
DECISION_PATH = "/v1/data/exportctl/decision"

SIDECAR_FLAGS = (
    "--server",
    "--authentication=token",
    "--authorization=basic",
    "--optimize-store-for-read-speed",
    "--skip-version-check",
)
"""`opa run`'s flags of every sidecar, besides its address, configuration, key and files."""
TEST_OVERRIDES = (
    "--set=bundles.exportctl.polling.min_delay_seconds=1",
    "--set=bundles.exportctl.polling.max_delay_seconds=1",
    "--set=decision_logs.reporting.min_delay_seconds=1",
    "--set=decision_logs.reporting.max_delay_seconds=1",
)
"""What the tests change of deploy/opa-config.yaml: poll and report every second."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    name = Path(str(process.args[0] if isinstance(process.args, list) else process.args)).name
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not listen within {timeout} s: {_tail(log)}")
        time.sleep(0.02)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else "(no output)"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the bundle server ----------------------------------------------------------------------------

NGINX_CONF = """\
daemon off;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{ application/gzip gz; }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri =404; }}
        location {discard}/ {{ return 204; }}
    }}
}}
"""


@contextlib.contextmanager
def bundle_server(directory: Path) -> Iterator[str]:
    """nginx (.tools/bin/nginx) on a free loopback port serving `directory`; yields its base URL.

    Files are served as they are on disk (with ETag and Last-Modified, so a sidecar's poll of an
    unchanged bundle is a 304); every request under `DISCARD_PATH` is answered 204.
    """
    work = Path(tempfile.mkdtemp(prefix="exportctl-nginx-"))
    try:
        for attempt in range(3):
            port = free_port()
            # As root, nginx's workers would run as nobody, who cannot read a private temp dir.
            user = "user root;" if os.geteuid() == 0 else ""
            conf = work / "nginx.conf"
            conf.write_text(
                NGINX_CONF.format(
                    user=user,
                    work=work,
                    port=port,
                    root=directory.resolve(),
                    discard=DISCARD_PATH,
                )
            )
            log = work / "stderr.log"
            with log.open("wb") as stderr:
                process = subprocess.Popen(
                    [str(NGINX), "-p", str(work), "-c", str(conf), "-e", str(work / "error.log")],
                    stdin=subprocess.DEVNULL,
                    stdout=stderr,
                    stderr=stderr,
                )
            try:
                _wait_for_port(port, process, work / "error.log", 10.0)
            except RuntimeError:
                _stop(process)
                if attempt == 2 or "Address already in use" not in _tail(work / "error.log"):
                    raise
                continue
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                _stop(process)
            return
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- keys and bundles -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    """A signing key and its public key, PEM files made by openssl."""

    private: Path
    public: Path
    alg: str


def make_key_pair(directory: Path, name: str, alg: str = "RS256") -> KeyPair:
    """A fresh key pair `directory/NAME.pem` and `directory/NAME.pub.pem`: RSA 2048 for RS256,
    EC P-256 for ES256."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the fleet tests need openssl to make their keys"
    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / f"{name}.pem", directory / f"{name}.pub.pem"
    algorithm = {
        "RS256": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        "ES256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    }[alg]
    subprocess.run(
        [openssl, "genpkey", *algorithm, "-out", str(private)], check=True, capture_output=True
    )
    subprocess.run(
        [openssl, "pkey", "-in", str(private), "-pubout", "-out", str(public)],
        check=True,
        capture_output=True,
    )
    return KeyPair(private, public, alg)


def publish_file(bundle: Path, served: Path) -> None:
    """Put `bundle` in place as `served/BUNDLE_FILE` at once, newer than the one it replaces.

    nginx's ETag is the file's mtime and size: the mtime is moved on by at least a second so
    that two bundles of one size published within a second still differ to a sidecar's poll.
    """
    served.mkdir(parents=True, exist_ok=True)
    target = served / BUNDLE_FILE
    previous = target.stat().st_mtime if target.exists() else 0.0
    partial = served / f".{BUNDLE_FILE}.partial"
    shutil.copyfile(bundle, partial)
    stamp = max(time.time(), previous + 1.0)
    os.utime(partial, (stamp, stamp))
    os.replace(partial, target)


_BUILT = Path(tempfile.mkdtemp(prefix="exportctl-built-"))
atexit.register(shutil.rmtree, _BUILT, True)
_built: dict[tuple[str, str, str], Path] = {}


def publish_signed_bundle(policies: Path, served: Path, key: KeyPair | None) -> str:
    """Build `policies` into `served/BUNDLE_FILE`, signed with `key` (unsigned when None), and
    return its revision. The file appears whole: a sidecar never downloads half a bundle.

    A bundle is built once per revision and key in a process (the revision is a hash of every
    policy file), then copied.
    """
    bundle_revision = revision(policies)
    signer = (str(key.private), key.alg) if key else ("", "")
    built = _built.get((bundle_revision, *signer))
    if built is None:
        built = _BUILT / f"{len(_built)}.tar.gz"
        if key is None:
            build_bundle(policies, built, str(OPA))
        else:
            build_bundle(policies, built, str(OPA), signing_key=key.private, signing_alg=key.alg)
        _built[bundle_revision, *signer] = built
    publish_file(built, served)
    return bundle_revision


# --- sidecars -------------------------------------------------------------------------------------


@dataclass
class FleetSidecar:
    """One running OPA sidecar on loopback: its `url` and the `token` its lock wants."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path
    port: int = field(repr=False)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = "",
        timeout: float = 5.0,
    ) -> tuple[int, Any]:
        """One HTTP request; the status and the JSON answer (None if empty). `token` "" (the
        default) sends the sidecar's own token, None sends no Authorization header."""
        headers = {"Content-Type": "application/json"}
        token = self.token if token == "" else token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        payload = None if body is None else body if isinstance(body, bytes) else orjson.dumps(body)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, payload, headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        return answer.status, orjson.loads(data) if data else None

    def decide(self, transaction: Mapping[str, Any]) -> dict[str, Any]:
        """The decision OPA answers for `transaction` (POST DECISION_PATH, the raw `result`)."""
        status, answer = self.request("POST", DECISION_PATH, {"input": transaction})
        assert status == 200, (status, answer)
        result: dict[str, Any] = answer["result"]
        return result

    def bundle_status(self) -> dict[str, Any]:
        """The bundle plugin's status of the exportctl bundle (GET /v1/status): its
        `active_revision`, `last_successful_activation`, and `code`/`message`/`errors` after a
        failed activation."""
        status, answer = self.request("GET", "/v1/status")
        assert status == 200, (status, answer)
        bundle: dict[str, Any] = answer["result"]["bundles"][BUNDLE_NAME]
        return bundle

    def wait_until_ready(self, timeout: float = 20.0) -> None:
        """Return once OPA answers /health?bundles 200 (the bundle is activated)."""
        _wait_for_port(self.port, self.process, self.log, timeout)
        deadline = time.monotonic() + timeout
        while self.request("GET", "/health?bundles")[0] != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"OPA activated no bundle within {timeout} s: {_tail(self.log)}")
            time.sleep(0.05)

    def stop(self) -> None:
        _stop(self.process)


def sidecar_command(
    port: int, public_key: Path, token_file: Path, extra_args: Sequence[str] = ()
) -> list[str]:
    """`opa run` for one sidecar on 127.0.0.1:`port`, as deploy/kubernetes-pod.yaml starts it
    (plus `TEST_OVERRIDES` and `extra_args`)."""
    return [
        str(OPA),
        "run",
        *SIDECAR_FLAGS,
        f"--addr=127.0.0.1:{port}",
        f"--config-file={OPA_CONFIG}",
        f"--set-file=keys.exportctl.key={public_key}",
        *TEST_OVERRIDES,
        *extra_args,
        *(str(policy) for policy in LOCK_POLICIES),
        str(token_file),
    ]


def sidecar_environment(
    bundle_url: str, collector_url: str | None = None, status_url: str | None = None
) -> dict[str, str]:
    """The environment deploy/opa-config.yaml reads: the bundle server, and the collector and
    status URLs (by default the bundle server's discarding `DISCARD_PATH`)."""
    sink = bundle_url + DISCARD_PATH
    return {
        **os.environ,
        "EXPORTCTL_BUNDLE_SERVER_URL": bundle_url,
        "EXPORTCTL_COLLECTOR_URL": collector_url or sink,
        "EXPORTCTL_STATUS_URL": status_url or sink,
    }


def start_sidecar(
    work: Path,
    bundle_url: str,
    public_key: Path,
    *,
    collector_url: str | None = None,
    status_url: str | None = None,
    extra_args: Sequence[str] = (),
) -> FleetSidecar:
    """Start one sidecar (its files in `work`) without waiting for it; stop it with `.stop()`."""
    work.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    token_file = work / "token.json"
    token_file.write_bytes(orjson.dumps({"system": {"exportctl_token": token}}))
    port = free_port()
    log = work / "opa.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            sidecar_command(port, public_key, token_file, extra_args),
            env=sidecar_environment(bundle_url, collector_url, status_url),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
    return FleetSidecar(f"http://127.0.0.1:{port}", token, process, log, port)


@contextlib.contextmanager
def fleet(
    count: int,
    bundle_url: str,
    public_key: Path,
    *,
    collector_url: str | None = None,
    status_url: str | None = None,
    extra_args: Sequence[str] = (),
    ready: bool = True,
) -> Iterator[list[FleetSidecar]]:
    """`count` sidecars polling `bundle_url`, each with its own token, started together; with
    `ready`, yielded once every one has activated the bundle."""
    work = Path(tempfile.mkdtemp(prefix="exportctl-fleet-"))
    sidecars: list[FleetSidecar] = []

    def start(n: int) -> FleetSidecar:
        return start_sidecar(
            work / f"sidecar-{n}",
            bundle_url,
            public_key,
            collector_url=collector_url,
            status_url=status_url,
            extra_args=extra_args,
        )

    try:
        sidecars.extend(start(n) for n in range(count))
        for n in range(count if ready else 0):
            for attempt in range(3):
                try:
                    sidecars[n].wait_until_ready()
                    break
                except RuntimeError:
                    # Another process may have taken the free port first: start again on another.
                    if attempt == 2 or "address already in use" not in _tail(sidecars[n].log):
                        raise
                    sidecars[n].stop()
                    sidecars[n] = start(n)
        yield sidecars
    finally:
        for one in sidecars:
            one.stop()
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def sidecar(
    bundle_url: str,
    public_key: Path,
    *,
    collector_url: str | None = None,
    status_url: str | None = None,
    extra_args: Sequence[str] = (),
    ready: bool = True,
) -> Iterator[FleetSidecar]:
    """One sidecar (see `fleet`): its `url` and `token`."""
    with fleet(
        1,
        bundle_url,
        public_key,
        collector_url=collector_url,
        status_url=status_url,
        extra_args=extra_args,
        ready=ready,
    ) as (one,):
        yield one


def wait_until(
    sidecars: Sequence[FleetSidecar],
    done: Callable[[dict[str, Any]], bool],
    timeout: float = 15.0,
) -> float:
    """Seconds until `done(bundle_status)` holds for every sidecar; AssertionError after
    `timeout` with the statuses it last saw."""
    start = time.monotonic()
    pending = list(sidecars)
    seen: dict[str, dict[str, Any]] = {}
    while pending:
        for one in list(pending):
            seen[one.url] = one.bundle_status()
            if done(seen[one.url]):
                pending.remove(one)
        if pending:
            assert time.monotonic() - start < timeout, f"after {timeout} s: {seen}"
            time.sleep(0.05)
    return time.monotonic() - start


def wait_for_revision(
    sidecars: Sequence[FleetSidecar], revision: str, timeout: float = 15.0
) -> float:
    """Seconds until every sidecar reports `revision` active."""
    return wait_until(sidecars, lambda s: s.get("active_revision") == revision, timeout)

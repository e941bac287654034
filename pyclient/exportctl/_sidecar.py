"""A private OPA server on 127.0.0.1 that serves the project's policies as a bundle."""

from __future__ import annotations

import atexit
import hashlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from exportctl._paths import opa_binary, policies_dir
from exportctl.errors import EngineError, EngineUnavailableError

TEST_FILES = "*_test.rego"


def revision(policies: Path) -> str:
    """The bundle revision of a policies directory, as `docs/design.md` defines it.

    `sha256:` + the first 16 hex digits of a SHA-256 fed, for every file under `policies`
    except `*_test.rego`, in order of relative POSIX path: the path, a NUL byte, and the
    SHA-256 digest of the file's bytes.
    """
    files = {
        path.relative_to(policies).as_posix(): path
        for path in policies.rglob("*")
        if path.is_file() and not path.match(TEST_FILES)
    }
    digest = hashlib.sha256()
    for relative in sorted(files):
        digest.update(
            relative.encode() + b"\0" + hashlib.sha256(files[relative].read_bytes()).digest()
        )
    return "sha256:" + digest.hexdigest()[:16]


def build_bundle(policies: Path, output: Path, opa: str | None = None) -> str:
    """Build `output` (a bundle tarball) from `policies` without its tests; return its revision."""
    if not policies.is_dir():
        raise EngineUnavailableError(
            f"no policies directory at {policies} (set EXPORTCTL_POLICIES)"
        )
    bundle_revision = revision(policies)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Built from inside the directory so that the bundle's file names are relative to it.
    command = [
        opa or opa_binary(),
        "build",
        "--bundle",
        ".",
        "--ignore",
        TEST_FILES,
        "--revision",
        bundle_revision,
        "--output",
        str(output.resolve()),
    ]
    built = subprocess.run(
        command,
        cwd=policies,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        raise EngineError(f"opa build {policies} failed: {_one_line(built.stdout)}")
    return bundle_revision


class Sidecar:
    """An OPA server on a free loopback port, serving a bundle built from `policies`.

    Use as a context manager, or call `start()` and `stop()`:

        with Sidecar() as opa:
            decide(transaction, opa_url=opa.url)
    """

    def __init__(
        self, policies: Path | None = None, *, opa: str | None = None, startup_timeout: float = 20.0
    ) -> None:
        self.policies = policies or policies_dir()
        """The bundle directory the server was started from."""
        self.revision = ""
        """Revision of the bundle being served, set by `start()`."""
        self._opa = opa
        self._startup_timeout = startup_timeout
        self._workdir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. `http://127.0.0.1:40123`."""
        if self._process is None:
            raise EngineUnavailableError("the OPA sidecar is not running")
        return self._url

    def start(self) -> Self:
        """Build the bundle, start OPA and wait until it reports the bundle loaded."""
        opa = self._opa or opa_binary()
        self._workdir = Path(tempfile.mkdtemp(prefix="exportctl-opa-"))
        try:
            bundle = self._workdir / "bundle.tar.gz"
            self.revision = build_bundle(self.policies, bundle, opa)
            address = f"127.0.0.1:{_free_port()}"
            self._stderr = (self._workdir / "opa.stderr").open("w+b")
            command = [
                opa,
                "run",
                "--server",
                "--addr",
                address,
                "--log-level",
                "error",
                # The policies read the instrument records and the catalogue on every decision.
                "--optimize-store-for-read-speed",
                str(bundle),
            ]
            try:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=self._stderr,
                )
            except OSError as e:
                raise EngineUnavailableError(f"cannot run {opa}: {e}") from e
            self._url = f"http://{address}"
            self._wait_until_ready(address)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop OPA (terminate, then kill after 5 s) and remove the bundle. Safe to call twice."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_until_ready(self, address: str) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if (code := self._process.poll()) is not None:
                raise EngineUnavailableError(f"OPA exited with code {code}: {self._opa_stderr()}")
            if _bundles_healthy(address):
                return
            time.sleep(0.05)
        raise EngineUnavailableError(
            f"OPA did not load the bundle within {self._startup_timeout:g} s: {self._opa_stderr()}"
        )

    def _opa_stderr(self) -> str:
        assert self._stderr is not None
        self._stderr.seek(0)
        return _one_line(self._stderr.read().decode(errors="replace")) or "(no output)"


def _bundles_healthy(address: str) -> bool:
    import http.client

    connection = http.client.HTTPConnection(address, timeout=1)
    try:
        connection.request("GET", "/health?bundles")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _one_line(text: str) -> str:
    """OPA's output on one line, without the indented source excerpts under its errors."""
    return " | ".join(line for line in text.splitlines() if line and not line[0].isspace())


_default_sidecar: Sidecar | None = None
_default_sidecar_lock = threading.Lock()


def default_sidecar() -> Sidecar:
    """The process's own sidecar, started on first use and stopped at exit."""
    global _default_sidecar
    with _default_sidecar_lock:
        if _default_sidecar is None:
            sidecar = Sidecar().start()
            atexit.register(sidecar.stop)
            _default_sidecar = sidecar
        return _default_sidecar

"""A private OPA server that serves the project's policies as a bundle, to this process only.

OPA listens on a unix socket in a fresh 0700 directory, where no other user can bind or connect,
and it answers only requests that carry the token drawn for it (`--authentication=token
--authorization=basic` with `deploy/authz.rego`, which allows the decision, calendar and health
endpoints and nothing else). OPA runs under a small watchdog process that holds one end of a pipe
whose other end this process keeps: when this process ends, however it ends (SIGKILL included),
the pipe closes and the watchdog kills OPA and removes the directory.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Self

import orjson

from exportctl._paths import SIDECAR_AUTHZ, opa_binary, packaged_bundle, policies_dir
from exportctl.errors import EngineError, EngineUnavailableError, UsageError

TEST_FILES = "*_test.rego"
SOCKET_PATH_MAX = 107
"""Longest unix socket path Linux accepts (`sun_path` holds 108 bytes with the final NUL)."""

# Run as `python -I -S -c WATCHDOG WORKDIR OPA-COMMAND...`, in a session of its own (so that a
# Ctrl-C in the terminal reaches only the client, which stops the sidecar itself). It prints OPA's
# pid, then waits until its standard input (the pipe) closes or OPA exits; either way it kills OPA
# and removes WORKDIR. OPA gets SIGKILL as its parent-death signal, so it dies with the watchdog.
WATCHDOG = """
import os, select, shutil, signal, subprocess, sys

workdir, command = sys.argv[1], sys.argv[2:]
watchdog = os.getpid()
if sys.platform == "linux":
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl


def die_with_the_watchdog():
    if sys.platform == "linux":
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != watchdog:
        os._exit(1)


def stop(signum, frame):
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
opa = None
code = 0
try:
    try:
        opa = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=die_with_the_watchdog,
        )
    except OSError as e:
        print(f"cannot run {command[0]}: {e.strerror}", file=sys.stderr, flush=True)
        code = 127
    else:
        print(opa.pid, flush=True)
        poller = select.poll()
        poller.register(0, select.POLLIN)
        try:
            poller.register(os.pidfd_open(opa.pid), select.POLLIN)
            interval = None
        except (AttributeError, OSError):
            interval = 200
        while not poller.poll(interval) and opa.poll() is None:
            pass
        if opa.poll() is not None:
            code = opa.returncode if opa.returncode >= 0 else 128 - opa.returncode
finally:
    if opa is not None and opa.poll() is None:
        opa.kill()
        opa.wait()
    shutil.rmtree(workdir, ignore_errors=True)
sys.exit(code)
"""


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


SIGNING_ALGORITHMS = ("RS256", "ES256")
"""The algorithms `exportctl bundle` signs with: RSA or ECDSA P-256 keys, in PEM files."""


def run_opa(
    command: list[str], cwd: Path | None = None, *, separate_errors: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run an `opa` subcommand to its end, its output and errors as one text (`stdout`), or
    apart (`stderr` too) with `separate_errors`."""
    stderr = subprocess.PIPE if separate_errors else subprocess.STDOUT
    try:
        return subprocess.run(
            command, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, encoding="utf-8"
        )
    except OSError as e:
        raise EngineUnavailableError(f"cannot run {command[0]}: {e.strerror} (set OPA_BIN)") from e


def build_bundle(
    policies: Path,
    output: Path,
    opa: str | None = None,
    *,
    signing_key: Path | None = None,
    signing_alg: str = "RS256",
) -> str:
    """Build `output` (a bundle tarball) from `policies` without its tests; return its revision.

    The bundle's derived index (policies/exportctl/derived/data.json) is derived afresh from the
    records it ships, so no bundle serves an index older than its law, whatever the directory
    holds; `opa test` is what fails on a stale committed copy. With `signing_key` (a PEM private
    key), `opa build` signs it: `.signatures.json` holds a JWT over every file's hash.
    """
    from exportctl._derive import DERIVE, write_index

    if not policies.is_dir():
        raise EngineUnavailableError(
            f"no policies directory at {policies} (set EXPORTCTL_POLICIES)"
        )
    bundle_revision = revision(policies)
    output.parent.mkdir(parents=True, exist_ok=True)
    opa = opa or opa_binary()
    signing = [] if signing_key is None else _signing_flags(opa, signing_key, signing_alg)
    if signing:
        _check_signable_roots(policies)
    with tempfile.TemporaryDirectory(prefix="exportctl-build-") as tmp:
        source = Path(tmp) / "policies"
        shutil.copytree(policies, source, ignore=shutil.ignore_patterns(TEST_FILES))
        if (source / DERIVE).is_dir():  # a revision from before the index has none
            write_index(source, opa)
        _opa_build(opa, source, bundle_revision, output, policies, signing)
    return bundle_revision


def verify_bundle(
    bundle: Path, public_key: Path, signing_alg: str = "RS256", opa: str | None = None
) -> str:
    """Check `bundle`'s signature with `public_key` as a sidecar does; return its revision.

    OPA's own bundle loader does the checking (`opa build --verification-key`, the code path of
    the bundle plugin): every file must be listed in `.signatures.json` with its hash, and the
    JWT must verify with the key. `UsageError` with OPA's reason when it does not.
    """
    if not bundle.is_file():
        raise UsageError(f"--verify: no bundle file at {bundle}")
    flags = _key_flags("--public-key", "--verification-key", public_key, signing_alg)
    opa = opa or opa_binary()
    with tempfile.TemporaryDirectory(prefix="exportctl-verify-") as tmp:
        checked = run_opa(
            [opa, "build", "--bundle", str(bundle.resolve()), *flags]
            + ["--output", str(Path(tmp) / "checked.tar.gz")]
        )
    if checked.returncode != 0:
        reason = _one_line(checked.stdout).removeprefix("error: ").removeprefix("load error: ")
        raise UsageError(f"{bundle}: signature check failed: {reason}")
    return _manifest_revision(bundle)


def _manifest_revision(bundle: Path) -> str:
    import tarfile

    try:
        with tarfile.open(bundle, "r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.lstrip("/") == ".manifest")
            manifest = tar.extractfile(member)
            assert manifest is not None
            found = orjson.loads(manifest.read()).get("revision")
    except (OSError, tarfile.TarError, StopIteration, orjson.JSONDecodeError) as e:
        raise UsageError(f"{bundle}: no readable .manifest: {e}") from e
    if not isinstance(found, str) or not found:
        raise UsageError(f"{bundle}: its .manifest has no revision")
    return found


def _check_signable_roots(policies: Path) -> None:
    """`UsageError` unless the bundle's roots all lie under `exportctl`: a signed bundle whose
    roots covered `system` would erase, on activation, the lock and mask a sidecar loads beside
    it (docs/deploy.md)."""
    manifest = policies / ".manifest"
    try:
        roots = orjson.loads(manifest.read_bytes()).get("roots") if manifest.is_file() else None
    except (OSError, orjson.JSONDecodeError) as e:
        raise UsageError(f"{manifest}: not readable JSON: {e}") from e
    if (
        not isinstance(roots, list)
        or not roots
        or not all(r == "exportctl" or str(r).startswith("exportctl/") for r in roots)
    ):
        raise UsageError(
            f"--signing-key: {manifest} must declare roots under exportctl to be signed, "
            f"not {roots!r}: a sidecar loads its lock beside the bundle, under system"
        )


def _signing_flags(opa: str, signing_key: Path, signing_alg: str) -> list[str]:
    """`opa build`'s flags to sign with `signing_key`, once `opa sign` has signed with it.

    Signing an empty bundle first tells a key OPA cannot use (a public key, an EC key for RS256)
    apart from a build that fails: the one is bad input, the other the engine's failure.
    """
    flags = _key_flags("--signing-key", "--signing-key", signing_key, signing_alg)
    with tempfile.TemporaryDirectory(prefix="exportctl-sign-") as tmp:
        empty = Path(tmp) / "bundle"
        empty.mkdir()
        (empty / ".manifest").write_bytes(b'{"roots": []}')
        signed = run_opa([opa, "sign", "--bundle", str(empty), *flags, "--output-file-path", tmp])
    if signed.returncode != 0:
        reason = _one_line(signed.stdout).removeprefix("error: ")
        raise UsageError(
            f"--signing-key: OPA cannot sign {signing_alg} with {signing_key}: {reason}"
        )
    return flags


def _key_flags(option: str, opa_flag: str, key: Path, signing_alg: str) -> list[str]:
    if signing_alg not in SIGNING_ALGORITHMS:
        raise UsageError(
            f"--signing-alg: {signing_alg!r} is not one of {', '.join(SIGNING_ALGORITHMS)}"
        )
    if not key.is_file():
        raise UsageError(f"{option}: no key file at {key}")
    return [opa_flag, str(key.resolve()), "--signing-alg", signing_alg]


def _opa_build(
    opa: str,
    source: Path,
    bundle_revision: str,
    output: Path,
    named: Path,
    signing: list[str],
) -> None:
    # Built from inside the directory so that the bundle's file names are relative to it.
    command = [
        opa,
        "build",
        "--bundle",
        ".",
        "--revision",
        bundle_revision,
        *signing,
        "--output",
        str(output.resolve()),
    ]
    built = run_opa(command, cwd=source)
    if built.returncode != 0:
        raise EngineError(f"opa build {named} failed: {_one_line(built.stdout)}")


OPA_GC = {"GOGC": "400", "GOMEMLIMIT": "1GiB"}
"""Go's collector for the sidecar: collect a quarter as often (GOGC 400), within a soft memory cap
(GOMEMLIMIT) under which Go collects as needed; either can be set in the environment instead."""


def opa_environment() -> dict[str, str]:
    """The environment OPA runs in: this process's, and `OPA_GC` for a variable it does not set."""
    return {**OPA_GC, **os.environ}


def cache_dir() -> Path:
    """Where built bundles are kept by revision: `$EXPORTCTL_CACHE`, else the user's cache."""
    configured = os.environ.get("EXPORTCTL_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportctl"


def cached_bundle(policies: Path, opa: str | None = None) -> tuple[Path, str]:
    """The bundle of `policies` and its revision, built once per revision and kept in `cache_dir()`.

    The revision is a hash of every policy file, so a cached bundle is the one `opa build` would
    write now; a CLI call that starts its own sidecar does not run `opa build` again.
    """
    bundle_revision = revision(policies)
    bundles = cache_dir() / "bundles"
    bundles.mkdir(mode=0o700, parents=True, exist_ok=True)
    cached = bundles / f"{bundle_revision.removeprefix('sha256:')}.tar.gz"
    if not cached.is_file():
        fd, partial = tempfile.mkstemp(dir=bundles, suffix=".partial")
        os.close(fd)
        try:
            build_bundle(policies, Path(partial), opa)
            os.replace(partial, cached)
        finally:
            Path(partial).unlink(missing_ok=True)
    return cached, bundle_revision


def default_revision() -> str:
    """The revision of the bundle a `Sidecar()` serves, found without starting OPA: the bundle
    an installed wheel ships, else that of `policies_dir()`."""
    packaged = packaged_bundle()
    return _manifest_revision(packaged) if packaged else revision(policies_dir())


class Sidecar:
    """An OPA server on a private unix socket, serving a bundle built from `policies`.

    Use as a context manager, or call `start()` and `stop()`:

        with Sidecar() as opa:
            decide(transaction, opa_url=opa.url)

    While it runs, an `OpaClient` for its `url` in this process finds its token, checks that OPA
    is alive before each request, that the process answering on the socket is its OPA, and that
    every decision carries its `revision`.
    """

    def __init__(
        self, policies: Path | None = None, *, opa: str | None = None, startup_timeout: float = 20.0
    ) -> None:
        self.packaged_bundle = None if policies else packaged_bundle()
        """The bundle an installed wheel ships, served when no `policies` are given."""
        self.policies = policies or (None if self.packaged_bundle else policies_dir())
        """The bundle directory the server was started from, unless it serves `packaged_bundle`."""
        self.revision = ""
        """Revision of the bundle being served, set by `start()`."""
        self.token = ""
        """The bearer token OPA requires, drawn by `start()`: a client in another process needs
        it (`EXPORTCTL_OPA_TOKEN`)."""
        self.opa_pid = 0
        """OPA's process id, set by `start()`."""
        self.workdir: Path | None = None
        """The private directory: the bundle, the token, OPA's socket and its standard error."""
        self._opa = opa
        self._startup_timeout = startup_timeout
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None
        self._stderr: IO[bytes] | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """Base URL of the running server, `unix:///…/exportctl-opa-…/opa.sock`."""
        if self._watchdog is None:
            raise EngineUnavailableError("the OPA sidecar is not running")
        return self._url

    def check_running(self) -> None:
        """`EngineUnavailableError` unless the sidecar was started and OPA is still running."""
        if self._watchdog is None:
            raise EngineUnavailableError("the OPA sidecar is not running")
        if (code := self._watchdog.poll()) is not None:
            raise EngineUnavailableError(f"OPA exited with code {code}: {self._opa_stderr()}")

    def start(self) -> Self:
        """Build the bundle, start OPA and wait until it answers with the bundle loaded."""
        opa = self._opa or opa_binary()
        self.workdir = Path(tempfile.mkdtemp(prefix="exportctl-opa-"))  # mode 0700
        _running.add(self)
        try:
            socket_path = self.workdir / "opa.sock"
            if len(os.fsencode(socket_path)) > SOCKET_PATH_MAX:
                raise EngineUnavailableError(
                    f"the sidecar's socket path {socket_path} is longer than {SOCKET_PATH_MAX} "
                    "bytes: set TMPDIR to a shorter directory"
                )
            if self.packaged_bundle is not None:
                bundle = self.packaged_bundle
                self.revision = _manifest_revision(bundle)
            else:
                assert self.policies is not None
                bundle, self.revision = cached_bundle(self.policies, opa)
            self.token = secrets.token_urlsafe(32)
            # Data outside the bundle's roots: read by deploy/authz.rego, not on the command line.
            token_file = self.workdir / "token.json"
            token_file.write_bytes(orjson.dumps({"system": {"exportctl_token": self.token}}))
            self._stderr = (self.workdir / "opa.stderr").open("w+b")
            command = [
                opa,
                "run",
                "--server",
                "--skip-version-check",
                "--addr",
                f"unix://{socket_path}",
                "--unix-socket-perm",
                "600",
                "--authentication=token",
                "--authorization=basic",
                "--log-level",
                "error",
                # The policies read the instrument records and the catalogue on every decision.
                "--optimize-store-for-read-speed",
                str(bundle),
                str(SIDECAR_AUTHZ),
                str(token_file),
            ]
            self._spawn(command)
            self._url = f"unix://{socket_path}"
            _by_url[self._url] = self
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop OPA and remove its directory. Safe to call twice, and from a signal handler."""
        _by_url.pop(self._url, None)
        _running.discard(self)
        lifeline, self._lifeline = self._lifeline, None
        if lifeline is not None:
            os.close(lifeline)  # the watchdog sees the pipe close: it kills OPA, removes workdir
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            try:
                watchdog.wait(timeout=5)
            except subprocess.TimeoutExpired:
                watchdog.kill()  # OPA dies with it (its parent-death signal)
                watchdog.wait()
        stderr, self._stderr = self._stderr, None
        if stderr is not None:
            stderr.close()
        workdir, self.workdir = self.workdir, None
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, command: list[str]) -> None:
        assert self.workdir is not None
        watchdog_end, self._lifeline = os.pipe()  # neither end is inherited by other children
        try:
            self._watchdog = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", WATCHDOG, str(self.workdir), *command],
                env=opa_environment(),
                stdin=watchdog_end,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                start_new_session=True,
            )
        except OSError as e:
            raise EngineUnavailableError(f"cannot start the OPA watchdog: {e}") from e
        finally:
            os.close(watchdog_end)
        assert self._watchdog.stdout is not None
        with self._watchdog.stdout:
            pid = self._watchdog.stdout.readline().strip()
        if not pid.isdigit():
            self._watchdog.wait()
            raise EngineUnavailableError(self._opa_stderr())
        self.opa_pid = int(pid)

    def _wait_until_ready(self) -> None:
        from exportctl._client import OpaClient  # the client finds this sidecar by its URL

        client = OpaClient(self._url, timeout=2.0)
        deadline = time.monotonic() + self._startup_timeout
        try:
            while True:
                self.check_running()
                if client.healthy():
                    return
                if time.monotonic() > deadline:
                    raise EngineUnavailableError(
                        f"OPA did not load the bundle within {self._startup_timeout:g} s: "
                        f"{self._opa_stderr()}"
                    )
                time.sleep(0.02)
        finally:
            client.close()

    def _opa_stderr(self) -> str:
        if self._stderr is None:
            return "(no output)"
        self._stderr.seek(0)
        return _one_line(self._stderr.read().decode(errors="replace")) or "(no output)"


def _one_line(text: str) -> str:
    """OPA's output on one line, without the indented source excerpts under its errors."""
    return " | ".join(line for line in text.splitlines() if line and not line[0].isspace())


_by_url: dict[str, Sidecar] = {}
_running: set[Sidecar] = set()


def sidecar_for(url: str) -> Sidecar | None:
    """The running sidecar of this process at `url`, if there is one."""
    return _by_url.get(url)


_default_sidecar: Sidecar | None = None
_default_sidecar_lock = threading.Lock()


def default_sidecar() -> Sidecar:
    """The process's own sidecar, started on first use and stopped at exit.

    On first use from the main thread, SIGTERM and SIGINT (where Python's default handling is in
    place) stop every sidecar of the process, then end it by the same signal, as the default
    action would.
    """
    global _default_sidecar
    with _default_sidecar_lock:
        if _default_sidecar is None:
            _stop_on_signals()
            sidecar = Sidecar().start()
            atexit.register(sidecar.stop)
            _default_sidecar = sidecar
        return _default_sidecar


def _stop_on_signals() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, default in (
        (signal.SIGTERM, signal.SIG_DFL),
        (signal.SIGINT, signal.default_int_handler),
    ):
        if signal.getsignal(signum) is default:
            signal.signal(signum, _stop_and_die)


def _stop_and_die(signum: int, frame: FrameType | None) -> None:
    for sidecar in list(_running):
        sidecar.stop()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)

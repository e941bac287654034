"""The state of a fleet of OPA sidecars, read with opa-python-client: for each one its health and
what its bundle plugin reports (`GET /v1/status`), and whether they all serve one revision.

opa-python-client (requests and aiohttp underneath) costs about half a second to import: only
this module imports it, and only `exportctl fleet` imports this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from exportctl.errors import EngineUnavailableError, UsageError

BUNDLE = "exportctl"
"""The bundle's name in the sidecars' configuration (deploy/opa-config.yaml)."""
DEFAULT_TIMEOUT = 5.0
"""Seconds each request to a sidecar may take."""


@dataclass(frozen=True)
class Target:
    """A sidecar to ask: its base URL and the bearer token its lock wants (None: no token)."""

    url: str
    token: str | None = None


@dataclass(frozen=True)
class SidecarState:
    """What one sidecar reports."""

    url: str
    healthy: bool
    """`GET /health?bundles` answered 200: OPA runs and has activated its bundle."""
    revision: str | None
    """The active revision of the exportctl bundle, None when unknown."""
    last_activation: str | None
    """When the bundle plugin last activated a bundle (`last_successful_activation`)."""
    error: str | None
    """The bundle plugin's last error (a bundle refused: bad signature, unreachable server...),
    or why the status could not be read."""
    reachable: bool = True
    """Whether its status could be read at all."""


@dataclass(frozen=True)
class FleetState:
    """The states of the sidecars, in the order they were given."""

    sidecars: list[SidecarState]

    @property
    def revisions(self) -> set[str | None]:
        return {s.revision for s in self.sidecars}

    @property
    def agree(self) -> bool:
        """Every sidecar healthy, no error, and one revision active on all of them."""
        return (
            all(s.healthy and s.error is None for s in self.sidecars)
            and len(self.revisions) == 1
            and None not in self.revisions
        )

    @property
    def exit_code(self) -> int:
        """0 they agree; 1 they disagree or one reports a bundle error, all reachable and
        healthy; 3 one cannot be reached, is unhealthy or its status cannot be read."""
        if not all(s.healthy and s.reachable for s in self.sidecars):
            return 3
        return 0 if self.agree else 1

    def document(self) -> dict[str, Any]:
        """The state as JSON: `agree`, the common `revision` (None if they disagree) and each
        sidecar's fields."""
        return {
            "agree": self.agree,
            "revision": next(iter(self.revisions)) if self.agree else None,
            "sidecars": [vars(s) for s in self.sidecars],
        }


def targets_from_file(path: Path) -> list[Target]:
    """The sidecars listed in `path`: one a line, `URL` or `URL TOKEN`; blank lines and lines
    starting with `#` are skipped. `UsageError` when it cannot be read or a line is off."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise UsageError(f"cannot read {path}: {reason or e}") from e
    targets = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) > 2:
            raise UsageError(f"{path} line {number}: expected URL or URL TOKEN")
        targets.append(Target(checked_url(fields[0], f"{path} line {number}"), *fields[1:]))
    return targets


def checked_url(url: str, where: str) -> str:
    """`url` when it is `http://HOST:PORT` (what opa-python-client reaches);
    `EngineUnavailableError` naming `where` it came from otherwise, as for any unusable OPA URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        port = None
        parts = urlsplit("")
    if parts.scheme != "http" or not parts.hostname or not port or parts.path.strip("/"):
        raise EngineUnavailableError(
            f"{where}: {url!r} is not http://HOST:PORT (a sidecar's address)"
        )
    return url.rstrip("/")


def fleet_state(
    targets: Sequence[Target], *, timeout: float = DEFAULT_TIMEOUT, wait: float = 0.0
) -> FleetState:
    """Ask every sidecar, all at once, for its health and status; with `wait` (seconds), first
    wait up to that long for each to become healthy (opa-python-client's `wait_for_ready`)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(16, len(targets)) or 1) as pool:
        return FleetState(list(pool.map(lambda t: sidecar_state(t, timeout, wait), targets)))


def sidecar_state(target: Target, timeout: float, wait: float) -> SidecarState:
    """What one sidecar reports (`fleet_state`)."""
    import requests
    from opa_client import OpaClient  # type: ignore[import-untyped]
    from opa_client.errors import ConnectionsError  # type: ignore[import-untyped]

    parts = urlsplit(target.url)
    assert parts.hostname is not None and parts.port is not None  # `checked_url`
    client = OpaClient(
        host=parts.hostname, port=parts.port, token=target.token, timeout=timeout, retries=0
    )
    try:
        if wait > 0:
            with contextlib.suppress(ConnectionsError):  # reported below as unhealthy
                client.wait_for_ready(timeout=wait, interval=0.1, query={"bundles": True})
        healthy = client.check_health(query={"bundles": True})
        try:
            status = client.get_status()
        except requests.HTTPError as e:
            return _unreadable(target, healthy, _http_error(e))
        except requests.JSONDecodeError:
            return _unreadable(target, healthy, "its status is not JSON")
        except requests.RequestException as e:
            return _unreadable(target, healthy, f"cannot connect ({type(e).__name__})")
    finally:
        client.close_connection()
    result = status.get("result") if isinstance(status, dict) else None
    bundles = result.get("bundles") if isinstance(result, dict) else None
    bundle = bundles.get(BUNDLE) if isinstance(bundles, dict) else None
    if not isinstance(bundle, dict):
        return _unreadable(target, healthy, f"its status reports no {BUNDLE!r} bundle")
    return SidecarState(
        url=target.url,
        healthy=healthy,
        revision=bundle.get("active_revision") or None,
        last_activation=bundle.get("last_successful_activation") or None,
        error=_bundle_error(bundle),
    )


def _unreadable(target: Target, healthy: bool, why: str) -> SidecarState:
    return SidecarState(target.url, healthy, None, None, why, reachable=False)


def _http_error(error: Any) -> str:
    """What an HTTP error status from a sidecar means here."""
    status = error.response.status_code if error.response is not None else None
    if status in (401, 403):
        return f"HTTP {status}: wrong or missing token (--opa-token, or a token in --from)"
    try:
        body = error.response.json()
    except ValueError:
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    return f"HTTP {status}" + (f": {message}" if message else "")


def _bundle_error(bundle: dict[str, Any]) -> str | None:
    """The bundle plugin's last error, `code: message` and the details OPA lists, if any."""
    if not bundle.get("code") and not bundle.get("message"):
        return None
    text = ": ".join(str(bundle[k]) for k in ("code", "message") if bundle.get(k))
    details = [
        str(e.get("message", e)) if isinstance(e, dict) else str(e)
        for e in bundle.get("errors") or ()
    ]
    return text + (f" ({'; '.join(details)})" if details else "")

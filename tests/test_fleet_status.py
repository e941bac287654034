"""`exportctl fleet status` against real sidecars from deploy/opa-config.yaml polling nginx
(tests/fleet_support.py): agreement, a sidecar on another revision, a refused bundle, a sidecar
out of reach; and `exportctl decide` does not import opa-python-client."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner, Result

from exportctl._cli import app
from exportctl._sidecar import Sidecar
from fleet_support import (
    ROOT,
    FleetSidecar,
    KeyPair,
    bundle_server,
    fleet,
    make_key_pair,
    publish_signed_bundle,
    wait_until,
)

runner = CliRunner()


class Fleet:
    """Two sidecars on one bundle server (`agreeing`), one on another that serves a bundle of
    other data (`other`), with the revisions they serve and the served directory of `other`."""

    def __init__(
        self,
        agreeing: list[FleetSidecar],
        other: FleetSidecar,
        revision: str,
        other_revision: str,
        other_served: Path,
        key: KeyPair,
        bundles_url: str,
    ) -> None:
        self.agreeing = agreeing
        self.other = other
        self.revision = revision
        self.other_revision = other_revision
        self.other_served = other_served
        self.key = key
        self.bundles_url = bundles_url


@pytest.fixture(scope="module")
def sidecars(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    work = tmp_path_factory.mktemp("fleet-status")
    key = make_key_pair(work / "keys", "current")
    law, other_law = work / "law" / "policies", work / "other-law" / "policies"
    shutil.copytree(ROOT / "policies", law)
    shutil.copytree(law, other_law)
    note = other_law / "exportctl" / "fleet_status_test" / "data.json"
    note.parent.mkdir()
    note.write_bytes(orjson.dumps({"note": "another revision of the same law"}))
    served, other_served = work / "served", work / "other-served"
    revision = publish_signed_bundle(law, served, key)
    other_revision = publish_signed_bundle(other_law, other_served, key)
    with ExitStack() as stack:
        url = stack.enter_context(bundle_server(served))
        other_url = stack.enter_context(bundle_server(other_served))
        agreeing = stack.enter_context(fleet(2, url, key.public))
        (other,) = stack.enter_context(fleet(1, other_url, key.public))
        yield Fleet(agreeing, other, revision, other_revision, other_served, key, url)


def listing(path: Path, sidecars: list[FleetSidecar], *extra: str) -> Path:
    """A `--from` file: a comment, a blank line, then `URL TOKEN` for each sidecar."""
    lines = ["# the fleet", "", *(f"{s.url} {s.token}" for s in sidecars), *extra]
    path.write_text("\n".join(lines) + "\n")
    return path


def status(*args: str) -> Result:
    return runner.invoke(app, ["fleet", "status", *args])


def rows(result: Result) -> dict[str, list[str]]:
    """The table's rows by sidecar URL, split on runs of two spaces."""
    table: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        if line.startswith("http://"):
            cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
            table[cells[0]] = cells[1:]
    return table


def test_sidecars_that_agree_exit_0_with_a_table(sidecars: Fleet, tmp_path: Path) -> None:
    result = status("--from", str(listing(tmp_path / "fleet.txt", sidecars.agreeing)))

    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split()
    assert header == ["sidecar", "healthy", "revision", "last", "activation", "last", "error"]
    table = rows(result)
    assert set(table) == {s.url for s in sidecars.agreeing}
    for healthy, revision, activated, error in table.values():
        assert (healthy, revision, error) == ("yes", sidecars.revision, "-")
        assert activated.startswith("20")
    assert f"all 2 sidecars agree on revision {sidecars.revision}" in result.stdout


def test_one_token_for_every_opa_url_and_json_output(sidecars: Fleet) -> None:
    one = sidecars.agreeing[0]

    result = status("--opa-url", one.url, "--opa-token", one.token, "-f", "json")

    assert result.exit_code == 0, result.output
    document: dict[str, Any] = orjson.loads(result.stdout)
    assert document["agree"] is True
    assert document["revision"] == sidecars.revision
    (state,) = document["sidecars"]
    assert state["url"] == one.url
    assert state["healthy"] is True
    assert state["error"] is None


def test_wait_gives_a_starting_fleet_time_to_activate_its_bundle(
    sidecars: Fleet, tmp_path: Path
) -> None:
    with fleet(1, sidecars.bundles_url, sidecars.key.public, ready=False) as starting:
        fleet_file = listing(tmp_path / "fleet.txt", [*starting, sidecars.agreeing[0]])
        result = status("--from", str(fleet_file), "--wait", "20")

    assert result.exit_code == 0, result.output
    assert rows(result)[starting[0].url][:2] == ["yes", sidecars.revision]


def test_a_sidecar_on_another_revision_is_a_disagreement_exit_1(
    sidecars: Fleet, tmp_path: Path
) -> None:
    everyone = [*sidecars.agreeing, sidecars.other]

    result = status("--from", str(listing(tmp_path / "fleet.txt", everyone)))

    assert result.exit_code == 1, result.output
    table = rows(result)
    assert table[sidecars.other.url][:2] == ["yes", sidecars.other_revision]
    assert {table[s.url][1] for s in sidecars.agreeing} == {sidecars.revision}
    verdict = result.stdout.strip().splitlines()[-1]
    assert verdict.startswith("the sidecars do NOT agree: revisions ")
    assert sidecars.revision in verdict and sidecars.other_revision in verdict


def test_a_refused_bundle_is_shown_with_its_error_exit_1(sidecars: Fleet, tmp_path: Path) -> None:
    # An unsigned bundle on the other server: its sidecar refuses it and keeps its revision.
    publish_signed_bundle(ROOT / "policies", sidecars.other_served, None)
    wait_until([sidecars.other], lambda s: s.get("code") == "bundle_error", 10)

    result = status("--from", str(listing(tmp_path / "fleet.txt", [sidecars.other])), "-f", "json")

    assert result.exit_code == 1, result.output
    (state,) = orjson.loads(result.stdout)["sidecars"]
    assert state["healthy"] is True
    assert state["revision"] == sidecars.other_revision
    assert state["error"].startswith("bundle_error: ")
    assert "signature" in state["error"] or "signing" in state["error"]


def test_a_sidecar_out_of_reach_or_refusing_the_token_exits_3(
    sidecars: Fleet, unused_url: str, tmp_path: Path
) -> None:
    one, refusing = sidecars.agreeing
    fleet_file = listing(tmp_path / "fleet.txt", [one], unused_url, f"{refusing.url} wrong-token")

    result = status("--from", str(fleet_file))

    assert result.exit_code == 3, result.output
    table = rows(result)
    assert table[unused_url][:2] == ["NO", "-"]
    assert table[unused_url][-1].startswith("cannot connect")
    assert (
        table[refusing.url][-1]
        == "HTTP 401: wrong or missing token (--opa-token, or a token in --from)"
    )
    assert "do NOT agree" in result.stdout


def test_bad_usage(tmp_path: Path, sidecars: Fleet) -> None:
    nothing = status()
    unix = status("--opa-url", "unix:///tmp/opa.sock")
    bad_line = status("--from", str(listing(tmp_path / "f.txt", [], "http://127.0.0.1:1 a b")))
    missing = status("--from", str(tmp_path / "missing.txt"))

    assert (nothing.exit_code, unix.exit_code, bad_line.exit_code) == (2, 3, 2)
    assert missing.exit_code == 2
    assert "no sidecar" in nothing.stderr
    assert "--opa-url: 'unix:///tmp/opa.sock' is not http://HOST:PORT" in unix.stderr
    assert "f.txt line 3: expected URL or URL TOKEN" in bad_line.stderr
    for result in (nothing, unix, bad_line, missing):
        assert len(result.stderr.splitlines()) == 1, result.stderr


def test_decide_does_not_import_opa_python_client(sidecar: Sidecar) -> None:
    # `exportctl decide` as the console script runs it, in a process of its own.
    script = (
        "import sys\n"
        "from exportctl._cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "heavy = sorted({'opa_client', 'requests', 'aiohttp', 'asyncio'} & set(sys.modules))\n"
        "print(code, heavy)\n"
    )
    example = str(ROOT / "examples" / "cn-export-tb-magnet.json")
    done = subprocess.run(
        [sys.executable, "-c", script, "decide", example, "--opa-url", sidecar.url],
        capture_output=True,
        text=True,
        env={**os.environ, "EXPORTCTL_OPA_TOKEN": sidecar.token},
        check=False,
    )

    assert done.stdout.splitlines()[-1] == "1 []", done.stderr


@pytest.mark.parametrize(
    ("code", "body", "error"),
    [
        (200, b'{"result": []}', "its status reports no 'exportctl' bundle"),
        (200, b"<html>not JSON</html>", "its status is not JSON"),
        (500, b"[]", "HTTP 500"),
    ],
)
def test_a_status_that_is_not_opas_is_unreadable_in_one_line(
    code: int, body: bytes, error: str
) -> None:
    from exportctl._fleet import Target, sidecar_state

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            answer = b"{}" if self.path.startswith("/health") else body
            self.send_response(200 if self.path.startswith("/health") else code)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        state = sidecar_state(Target(f"http://127.0.0.1:{server.server_port}"), 5.0, 0.0)
    finally:
        server.shutdown()
        server.server_close()

    assert (state.healthy, state.reachable, state.revision) == (True, False, None)
    assert state.error == error

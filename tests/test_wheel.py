"""The wheel as a user gets it: built from this checkout, installed into a fresh virtual
environment, and run from a directory outside the checkout, against the session's OPA and with
its own embedded sidecar."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

import exportctl
from exportctl import Sidecar, revision
from exportctl._paths import opa_binary, policies_dir
from exportctl._sidecar import cache_dir

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = cache_dir() / "wheelhouse"
"""Wheels of the build requirements and of the dependencies, downloaded from the index the first
time they are missing (this machine's index answers nothing pip caches), so that later runs, in
any clone, build and install offline."""
BUILD_REQUIREMENTS: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text())[
    "build-system"
]["requires"]
EXAMPLE = "examples/cn-export-tb-magnet.json"
SOURCE_EXPORTCTL = Path(sys.executable).with_name("exportctl")
PER_CALL = ("decision_id", "decided_at")
"""The audit fields that differ between two decisions of the same transaction."""


def pip(
    *args: str, environment: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        env={**os.environ, **(environment or {})},  # pip's build backend runs in a child of pip
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def pip_offline(
    args: list[str], requirements: list[str], environment: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`pip ARGS` with packages from `WHEELHOUSE` only; when it lacks one, `requirements` (and
    what they require) are downloaded into it once and `pip ARGS` runs again."""
    offline = ["--no-index", "--find-links", str(WHEELHOUSE)]
    done = pip(*args, *offline, environment=environment)
    if done.returncode != 0 and "No matching distribution found" in done.stdout + done.stderr:
        fill = pip("download", "--only-binary", ":all:", "--dest", str(WHEELHOUSE), *requirements)
        assert fill.returncode == 0, fill.stdout + fill.stderr
        for built in WHEELHOUSE.glob("exportctl-*.whl"):  # our own wheel, copied by download
            built.unlink()
        done = pip(*args, *offline, environment=environment)
    return done


def build_wheel(into: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return pip_offline(
        ["wheel", "--no-deps", "--wheel-dir", str(into), str(ROOT)],
        BUILD_REQUIREMENTS,
        environment,
    )


@dataclass(frozen=True)
class Installed:
    wheel: Path
    """The wheel built from this checkout."""
    venv: Path
    """The virtual environment it is installed in, and nothing else but its dependencies."""
    workdir: Path
    """A directory outside the checkout, holding a copy of `EXAMPLE`."""

    def run(self, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
        """`ARGS` (`exportctl` or `python` of the venv first) run in `workdir`, with only the
        venv and the system's directories on PATH and no exportctl setting of this process."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("EXPORTCTL_")
            and name not in ("OPA_BIN", "PYTHONPATH", "VIRTUAL_ENV")
        }
        env |= {
            "PATH": f"{self.venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "EXPORTCTL_CACHE": str(self.workdir / "cache"),
            **environment,
        }
        command = [str(self.venv / "bin" / args[0]), *args[1:]]
        return subprocess.run(
            command, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=120
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    built = build_wheel(base / "dist")
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (base / "dist").glob("exportctl-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = ["--python", str(venv / "bin" / "python")]
    done = pip_offline([*python, "install", str(wheel)], [str(wheel)])
    assert done.returncode == 0, done.stdout + done.stderr
    workdir = base / "elsewhere"
    (workdir / "examples").mkdir(parents=True)
    (workdir / EXAMPLE).write_bytes((ROOT / EXAMPLE).read_bytes())
    yield Installed(wheel, venv, workdir)


def decision_json(output: str) -> Any:
    decision = orjson.loads(output)
    for field in PER_CALL:
        decision["audit"].pop(field)
    return decision


@pytest.fixture(scope="module")
def source_decision(sidecar: Sidecar) -> Any:
    """`EXAMPLE` decided by the checkout's own `exportctl`, against the session's OPA."""
    done = subprocess.run(
        [str(SOURCE_EXPORTCTL), "decide", EXAMPLE, "--format", "json", "--opa-url", sidecar.url],
        cwd=ROOT,
        env={**os.environ, "EXPORTCTL_OPA_TOKEN": sidecar.token},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # licence required
    return decision_json(done.stdout)


def test_the_wheel_ships_the_schemas_and_the_bundle_of_the_checkout(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read("exportctl-0.1.0.dist-info/METADATA").decode()
        with (
            wheel.open("exportctl/_data/bundle.tar.gz") as bundle,
            tarfile.open(fileobj=bundle, mode="r:gz") as tar,
        ):
            files = {member.name.lstrip("/"): member for member in tar.getmembers()}
            manifest_file = tar.extractfile(files[".manifest"])
            assert manifest_file is not None
            manifest = orjson.loads(manifest_file.read())

    assert {
        "exportctl/_data/schemas/transaction.schema.json",
        "exportctl/_data/deploy/authz.rego",
        "exportctl-0.1.0.dist-info/licenses/LICENSE",
    } <= names
    assert manifest["revision"] == revision(policies_dir())
    assert "exportctl/decision.rego" in files
    assert not [name for name in files if name.endswith("_test.rego")]
    assert "License-Expression: Apache-2.0\n" in metadata


def test_version_names_the_package_and_the_bundle_revision(installed: Installed) -> None:
    done = installed.run("exportctl", "--version")

    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"exportctl {exportctl.__version__} (bundle revision {revision(policies_dir())})\n"
    )


def test_import_exportctl_gives_the_installed_package(installed: Installed) -> None:
    done = installed.run(
        "python",
        "-c",
        "import exportctl, exportctl._paths as p; "
        "print(exportctl.__version__, exportctl.__file__, p.IN_SOURCE_TREE)",
    )

    assert done.returncode == 0, done.stderr
    version, location, in_source_tree = done.stdout.split()
    assert version == exportctl.__version__
    assert Path(location).is_relative_to(installed.venv)
    assert in_source_tree == "False"


def test_validate_reads_the_packaged_schema(installed: Installed) -> None:
    bad = installed.workdir / "bad.json"
    bad.write_text('{"id": "X", "destination": "Vietnam"}')
    valid = installed.run("exportctl", "validate", EXAMPLE)
    invalid = installed.run("exportctl", "validate", "bad.json")
    in_checkout = subprocess.run(
        [str(SOURCE_EXPORTCTL), "validate", str(bad)], capture_output=True, text=True, check=False
    )

    assert (valid.returncode, valid.stderr) == (0, "")
    assert "SO-2026-00417" in valid.stdout
    assert invalid.returncode == in_checkout.returncode == 2
    assert "destination" in invalid.stderr
    assert invalid.stderr == in_checkout.stderr


def test_decide_against_a_running_opa_equals_the_checkouts_decision(
    installed: Installed, sidecar: Sidecar, source_decision: Any
) -> None:
    done = installed.run(
        "exportctl",
        "decide",
        EXAMPLE,
        "--format",
        "json",
        "--opa-url",
        sidecar.url,
        EXPORTCTL_OPA_TOKEN=sidecar.token,
    )

    assert done.returncode == 1, done.stderr  # licence required, as in the checkout
    assert decision_json(done.stdout) == source_decision


def test_decide_with_the_embedded_sidecar_serves_the_packaged_bundle(
    installed: Installed, source_decision: Any
) -> None:
    done = installed.run("exportctl", "decide", EXAMPLE, "--format", "json", OPA_BIN=opa_binary())

    assert done.returncode == 1, done.stderr
    decision = decision_json(done.stdout)
    assert decision == source_decision
    assert decision["policy"]["revision"] == revision(policies_dir())
    assert not (installed.workdir / "cache").exists()  # nothing built: the wheel's bundle


def test_new_writes_a_transaction_the_installed_command_decides(installed: Installed) -> None:
    written = installed.run("exportctl", "new", "export", "-o", "shipment.yaml")
    decided = installed.run("exportctl", "decide", "shipment.yaml", OPA_BIN=opa_binary())

    assert written.returncode == 0, written.stderr
    assert decided.returncode in (0, 1, 4), decided.stderr  # an outcome, not an error


def test_provisions_and_timeline_read_the_packaged_bundle(installed: Installed) -> None:
    provisions = ["provisions", "--date", "2026-12-01", "--format", "json"]
    source = subprocess.run(
        [str(SOURCE_EXPORTCTL), *provisions], cwd=ROOT, capture_output=True, text=True, check=False
    )
    packaged = installed.run("exportctl", *provisions, OPA_BIN=opa_binary())
    timeline = installed.run("exportctl", "timeline", "--width", "100", OPA_BIN=opa_binary())

    assert packaged.returncode == 0, packaged.stderr
    assert orjson.loads(packaged.stdout) == orjson.loads(source.stdout)
    assert timeline.returncode == 0, timeline.stderr
    assert "mofcom_gac_2025_018" in timeline.stdout or "No. 18 of 2025" in timeline.stdout


def test_without_opa_the_installed_command_says_where_it_looks(installed: Installed) -> None:
    done = installed.run("exportctl", "decide", EXAMPLE)

    assert done.returncode == 3
    assert done.stderr == (
        "exportctl: error: no OPA binary found: put OPA 1.22.3 on PATH or set OPA_BIN\n"
    )


def test_a_command_that_needs_the_checkout_says_so(installed: Installed) -> None:
    done = installed.run("exportctl", "diff", "--base", "HEAD")

    assert done.returncode == 3
    assert "needs the policies/ directory of an exportctl source checkout" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_wheel_is_built_without_the_bundle(tmp_path: Path) -> None:
    built = build_wheel(tmp_path, OPA_BIN=str(tmp_path / "no-opa"))

    assert built.returncode != 0
    assert "cannot build the policy bundle for the wheel" in built.stdout + built.stderr
    assert not list(tmp_path.glob("*.whl"))

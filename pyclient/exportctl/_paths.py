"""Where the project's files are: in the source checkout this module runs from (an editable
install), or in the package data of an installed wheel.

A wheel ships the schemas, the sidecar's `system.authz` policy and the bundle built from
`policies/` under `exportctl/_data` (`write_package_data`, run by setup.py's build step). A
source checkout uses its own live files, and builds the bundle from `policies/` as it is.
"""

from __future__ import annotations

import importlib.resources
import os
import shutil
from pathlib import Path

from exportctl.errors import EngineUnavailableError, ExportCtlError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The source checkout, when exportctl runs from one (`IN_SOURCE_TREE`)."""
IN_SOURCE_TREE = (PROJECT_ROOT / "policies").is_dir() and (PROJECT_ROOT / "schemas").is_dir()
"""Whether exportctl runs from a source checkout rather than from an installed wheel."""

PACKAGE_DATA = "_data"
"""The package-data directory of a wheel, inside the `exportctl` package. It holds
`SHIPPED_FILES` at their paths in the checkout, and `BUNDLE`."""
SHIPPED_FILES = ("schemas", "deploy/authz.rego")
"""The checkout's files a wheel ships as they are."""
BUNDLE = "bundle.tar.gz"
"""The bundle built from the checkout's `policies/`, in `PACKAGE_DATA`."""


def package_data() -> Path:
    """The installed wheel's package-data directory."""
    data = importlib.resources.files("exportctl") / PACKAGE_DATA
    if not isinstance(data, Path):
        raise EngineUnavailableError(
            "exportctl must be installed as files, not run from an archive"
        )
    return data


def project_file(relative: str) -> Path:
    """A file of `SHIPPED_FILES`: in the checkout, else in the wheel's package data."""
    return (PROJECT_ROOT if IN_SOURCE_TREE else package_data()) / relative


TRANSACTION_SCHEMA = project_file("schemas/transaction.schema.json")
SIDECAR_AUTHZ = project_file("deploy/authz.rego")
"""The embedded sidecar's `system.authz` policy: who may call which endpoint."""


def packaged_bundle() -> Path | None:
    """The bundle the wheel ships, unless `$EXPORTCTL_POLICIES` or a source checkout gives a
    policies directory to build one from (`policies_dir`)."""
    if os.environ.get("EXPORTCTL_POLICIES") or IN_SOURCE_TREE:
        return None
    return package_data() / BUNDLE


def policies_dir() -> Path:
    """The bundle directory: `$EXPORTCTL_POLICIES`, else `<root>/policies` of the checkout.

    An installed wheel has no policies directory, only its built bundle (`packaged_bundle`):
    what needs the directory itself (`make docs`, `diff` against git revisions) needs a checkout.
    """
    if configured := os.environ.get("EXPORTCTL_POLICIES"):
        return Path(configured)
    if IN_SOURCE_TREE:
        return PROJECT_ROOT / "policies"
    raise ExportCtlError(
        "this needs the policies/ directory of an exportctl source checkout: run it there, "
        "or set EXPORTCTL_POLICIES to that directory"
    )


def opa_binary() -> str:
    """The OPA executable: `$OPA_BIN`, else (in a checkout) `<root>/.tools/bin/opa` from
    `make setup`, else `opa` on PATH."""
    if configured := os.environ.get("OPA_BIN"):
        return os.path.abspath(configured) if os.sep in configured else configured
    project_opa = PROJECT_ROOT / ".tools" / "bin" / "opa"
    if IN_SOURCE_TREE and os.access(project_opa, os.X_OK):
        return str(project_opa)
    if on_path := shutil.which("opa"):
        return on_path
    if IN_SOURCE_TREE:
        raise EngineUnavailableError("no OPA binary found: run `make setup` or set OPA_BIN")
    raise EngineUnavailableError("no OPA binary found: put OPA 1.22.3 on PATH or set OPA_BIN")


def write_package_data(target: Path) -> str:
    """Write a wheel's package data into `target` (`exportctl/_data` of the build): the schemas,
    the sidecar's authz policy, and the bundle built from the checkout's `policies/` by
    `build_bundle`, as the sidecar would build it. Returns the bundle's revision; raises when
    the bundle cannot be built, so that no wheel ships without the law."""
    from exportctl._sidecar import build_bundle

    if not IN_SOURCE_TREE:
        raise ExportCtlError(f"no source checkout at {PROJECT_ROOT} to build package data from")
    if target.exists():
        shutil.rmtree(target)
    for relative in SHIPPED_FILES:
        source, copy = PROJECT_ROOT / relative, target / relative
        if source.is_dir():
            shutil.copytree(source, copy)
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return build_bundle(PROJECT_ROOT / "policies", target / BUNDLE)

"""Where the project's files are. exportctl runs from an editable install inside the repository."""

import os
import shutil
from pathlib import Path

from exportctl.errors import EngineUnavailableError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TRANSACTION_SCHEMA = PROJECT_ROOT / "schemas" / "transaction.schema.json"
SIDECAR_AUTHZ = PROJECT_ROOT / "deploy" / "authz.rego"
"""The embedded sidecar's `system.authz` policy: who may call which endpoint."""


def policies_dir() -> Path:
    """The bundle directory: `$EXPORTCTL_POLICIES`, else `<root>/policies`."""
    return Path(os.environ.get("EXPORTCTL_POLICIES") or PROJECT_ROOT / "policies")


def opa_binary() -> str:
    """The OPA executable: `$OPA_BIN`, else `<root>/.tools/bin/opa` (`make setup`), else PATH."""
    if configured := os.environ.get("OPA_BIN"):
        return os.path.abspath(configured) if os.sep in configured else configured
    project_opa = PROJECT_ROOT / ".tools" / "bin" / "opa"
    if os.access(project_opa, os.X_OK):
        return str(project_opa)
    if on_path := shutil.which("opa"):
        return on_path
    raise EngineUnavailableError("no OPA binary found: run `make setup` or set OPA_BIN")

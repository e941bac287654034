"""exportctl: China's rare-earth export-control law as Rego, evaluated by Open Policy Agent."""

from typing import TYPE_CHECKING, Any

from exportctl._batch import decide_many
from exportctl._client import Explain, OpaClient, decide
from exportctl._models import (
    OUTCOMES,
    Audit,
    Citation,
    Decision,
    ItemDecision,
    MissingFact,
    NotApplied,
    PolicyInfo,
    Reason,
)
from exportctl._schema import validate_transaction
from exportctl._sidecar import Sidecar, build_bundle, revision
from exportctl.errors import (
    EngineError,
    EngineUnavailableError,
    ExportCtlError,
    InputError,
    UndefinedDecisionError,
)

if TYPE_CHECKING:
    from exportctl._async_client import AsyncClient

__version__ = "0.1.0"

__all__ = [
    "OUTCOMES",
    "AsyncClient",
    "Audit",
    "Citation",
    "Decision",
    "EngineError",
    "EngineUnavailableError",
    "Explain",
    "ExportCtlError",
    "InputError",
    "ItemDecision",
    "MissingFact",
    "NotApplied",
    "OpaClient",
    "PolicyInfo",
    "Reason",
    "Sidecar",
    "UndefinedDecisionError",
    "build_bundle",
    "decide",
    "decide_many",
    "revision",
    "validate_transaction",
]


def __getattr__(name: str) -> Any:
    # AsyncClient is imported on first use: asyncio costs every CLI start tens of milliseconds.
    if name == "AsyncClient":
        from exportctl._async_client import AsyncClient

        return AsyncClient
    raise AttributeError(f"module 'exportctl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "AsyncClient"})

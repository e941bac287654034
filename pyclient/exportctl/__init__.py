"""exportctl: China's rare-earth export-control law as Rego, evaluated by Open Policy Agent."""

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

__version__ = "0.1.0"

__all__ = [
    "OUTCOMES",
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

"""The errors exportctl raises. Every one derives from `ExportCtlError` and carries the CLI's exit
code for it (`exit_code`): 2 for bad usage or bad input, 3 for the engine or the environment.

    ExportCtlError                  3  the environment failed (a file, the disk, the audit log)
    ├── UsageError                  2  bad usage, or a file exportctl cannot use as given
    │   └── InputError              2  the transaction does not follow the schema
    ├── EngineUnavailableError      3  OPA could not be found, started or reached
    ├── EngineError                 3  OPA answered an error, or something that is not a decision
    └── UndefinedDecisionError      3  OPA has no decision rule
"""

from typing import ClassVar

EXIT_USAGE = 2
"""Bad usage, or an input that fails the schema."""
EXIT_ENGINE = 3
"""The policy engine, or the environment exportctl runs in, failed."""


class ExportCtlError(Exception):
    """Base class of every error raised by exportctl: an environment failure unless a subclass
    says otherwise."""

    exit_code: ClassVar[int] = EXIT_ENGINE
    """The CLI's exit code for it."""


class UsageError(ExportCtlError):
    """Bad usage: an option, a path or a file that cannot be used as given."""

    exit_code: ClassVar[int] = EXIT_USAGE


class InputError(UsageError):
    """The transaction does not follow `schemas/transaction.schema.json`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        """JSON path of the offending field, e.g. `items[0].value.amount`."""
        self.message = message
        """What is wrong with it, in one line."""


class EngineUnavailableError(ExportCtlError):
    """OPA could not be found, started or reached."""


class EngineError(ExportCtlError):
    """OPA answered with an error, or with something that is not a decision."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code
        """OPA's error `code` (e.g. `invalid_parameter`), when OPA sent one."""
        self.message = message
        """OPA's error `message`, or what was wrong with its answer."""


class UndefinedDecisionError(ExportCtlError):
    """OPA answered 200 without a `result`: the decision rule is undefined for this bundle."""

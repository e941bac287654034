"""The errors exportctl raises. Every one derives from `ExportCtlError`."""


class ExportCtlError(Exception):
    """Base class of every error raised by exportctl."""


class InputError(ExportCtlError):
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

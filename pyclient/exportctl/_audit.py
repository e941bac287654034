"""Audit fields of a decision, and the audit log (`--record DIR`, `exportctl audit verify DIR`).

The audit log is evidence. `DIR` (mode 0700) holds one file per UTC day of recording,
`audit-YYYY-MM-DD.jsonl` (mode 0600), one record per line. Each record is a JSON object whose
first field, `prev_sha256`, is the SHA-256 (hex) of the line of the record before it, without its
newline: the previous line of the same file, or for the first record of a file the last record
of the newest earlier file, or 64 zeros for the very first record. The records form one hash
chain across the files, in the order they were appended.

An append takes an exclusive lock on `DIR`, finds the hash of the last record, writes each whole
record with one `write` to a file opened with O_APPEND and O_NOFOLLOW, and fsyncs it (a batch
fsyncs the records of a chunk together, before it goes on). A last line
without its newline (an append cut short by a crash) is reported and cut off before the next
record is written, so that the chain goes on from the last complete record. `verify` checks
every line: complete, JSON, with the audit fields, an `input` whose hash is `input_sha256`, and
chained to the record before it. The chain cannot show that records were removed from the end
of the newest file: `verify` prints the hash of the last record, to be kept elsewhere.
"""

from __future__ import annotations

import datetime
import errno
import fcntl
import hashlib
import os
import re
import stat
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import orjson

from exportctl._models import Audit, Decision
from exportctl.errors import EngineError, ExportCtlError, InputError, UsageError

FIRST_PREV_SHA256 = "0" * 64
"""`prev_sha256` of the first record of a log."""
FILE_NAME = re.compile(r"audit-([0-9]{4}-[0-9]{2}-[0-9]{2})\.jsonl")
"""The name of a day's file; its group is the day."""
DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
_FILE_FLAGS = os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_RECORD_FIELDS = (
    "decision_id",
    "bundle_revision",
    "input_sha256",
    "data_reviewed_on",
    "decided_at",
    "transaction_id",
    "outcome",
)


def canonical_json(transaction: Any) -> bytes:
    """The canonical input, orjson with sorted keys: both the bytes posted and the bytes hashed."""
    try:
        return orjson.dumps(transaction, option=orjson.OPT_SORT_KEYS)
    except TypeError as e:
        raise InputError("(transaction)", f"cannot be encoded as JSON: {e}") from e


def utc_now() -> str:
    """The current time in UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_audit(
    revision: str,
    data_reviewed_on: str,
    canonical_input: bytes,
    decision_id: str | None,
    decided_at: str,
) -> Audit:
    """The audit fields of one decision; a UUID4 stands in when OPA gave no decision id."""
    return Audit(
        decision_id=decision_id or str(uuid.uuid4()),
        bundle_revision=revision,
        input_sha256=hashlib.sha256(canonical_input).hexdigest(),
        data_reviewed_on=data_reviewed_on,
        decided_at=decided_at,
    )


def audit_record(decision: Decision, canonical_input: bytes, prev_sha256: str) -> bytes:
    """One line of the audit log: the hash of the record before it, the decision's audit fields,
    the transaction id, the outcome, the ids of the provisions that fired (each once, in the
    decision's order) and the input itself."""
    if decision.audit is None:
        raise ExportCtlError(
            f"the decision for {decision.transaction_id} has no audit fields: "
            "only decisions returned by the exportctl client can be recorded"
        )
    try:
        head = orjson.dumps(
            {
                "prev_sha256": prev_sha256,
                **decision.audit.as_dict(),
                "transaction_id": decision.transaction_id,
                "outcome": decision.outcome,
                "reasons": list(dict.fromkeys(r.provision for r in decision.reasons)),
            }
        )
    except TypeError as e:
        raise EngineError(f"the policy's decision cannot be recorded: {e}") from e
    return head[:-1] + b',"input":' + canonical_input + b"}\n"


def line_sha256(line: bytes) -> str:
    """What the next record's `prev_sha256` is for `line`: the SHA-256 of it without its
    newline."""
    return hashlib.sha256(line.removesuffix(b"\n")).hexdigest()


def _warn(message: str) -> None:
    sys.stderr.write(f"exportctl: warning: {message}\n")


class AuditLog:
    """Appends audit records to `DIR/audit-YYYY-MM-DD.jsonl`, a hash chain (see the module).

    `UsageError` when `directory` cannot be made or is a symbolic link; `ExportCtlError` when
    an append fails. A torn last line found before an append is reported through `warn`.
    """

    def __init__(self, directory: Path, warn: Callable[[str], None] = _warn) -> None:
        self.directory = directory
        """Where the daily files are."""
        self._warn = warn
        self._dir_fd = open_directory(directory, create=True)
        self._day = ""
        self._fd: int | None = None
        self._size = -1
        """The size of the day's file after this log's last append."""
        self._last = ""
        """The hash of the line this log appended last."""

    def append_all(self, entries: Iterable[tuple[Decision, bytes]]) -> None:
        """Append the records of decisions (each with its audit fields, and its canonical
        input), each by one `write`, then fsync them together. On a failure the record being
        written is taken back, the ones before it stay."""
        with _locked(self._dir_fd, fcntl.LOCK_EX):
            fd, name = self._file_for_today()
            size = os.fstat(fd).st_size
            prev = self._last if size == self._size else self._prev_sha256(fd, name)
            size = os.fstat(fd).st_size
            try:
                for decision, canonical_input in entries:
                    record = audit_record(decision, canonical_input, prev)
                    written = os.write(fd, record)
                    if written != len(record):
                        message = f"short write ({written} of {len(record)} bytes)"
                        raise OSError(errno.ENOSPC, message)
                    size, prev = size + len(record), line_sha256(record)
                os.fsync(fd)
            except OSError as e:
                self._size = -1
                with suppress(OSError):  # take the partial record back: leave no torn line
                    os.ftruncate(fd, size)
                    os.fsync(fd)
                raise ExportCtlError(
                    f"cannot append to the audit log {self.directory / name}: {e.strerror or e}"
                ) from e
            self._size, self._last = size, prev

    def append_decision(self, decision: Decision, transaction: Any) -> None:
        """Append the record of a decision the client returned for `transaction`, fsynced."""
        self.append_all([(decision, canonical_json(transaction))])

    def _file_for_today(self) -> tuple[int, str]:
        """The file to append to (opened, created 0600 if new) and its name: today's (UTC),
        or the newest one when the clock says an earlier day."""
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        if self._fd is not None and today <= self._day:
            return self._fd, f"audit-{self._day}.jsonl"
        self.close()
        newest = max(_days(self._dir_fd), default="")
        self._day = max(today, newest)
        self._fd = self._open(f"audit-{self._day}.jsonl", create=True)
        return self._fd, f"audit-{self._day}.jsonl"

    def _open(self, name: str, *, create: bool) -> int:
        path = self.directory / name
        flags = _FILE_FLAGS | (os.O_CREAT if create else 0)
        try:
            fd = os.open(name, flags, FILE_MODE, dir_fd=self._dir_fd)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise UsageError(f"the audit log {path} is a symbolic link: refused") from e
            raise ExportCtlError(f"cannot open the audit log {path}: {e.strerror or e}") from e
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise UsageError(f"the audit log {path} is not a regular file")
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            try:
                os.fchmod(fd, FILE_MODE)
            except OSError as e:
                os.close(fd)
                raise UsageError(f"cannot make {path} mode 0600: {e.strerror or e}") from e
        if info.st_size == 0:
            os.fsync(self._dir_fd)  # the new file's name is as durable as its records
        return fd

    def _prev_sha256(self, fd: int, name: str) -> str:
        """The hash of the last complete record before the end of `name` (cutting off a torn
        last line), else of the newest earlier file, else `FIRST_PREV_SHA256`."""
        line = self._last_line(fd, name)
        if line is not None:
            return line_sha256(line)
        for day in sorted((d for d in _days(self._dir_fd) if d < name[6:16]), reverse=True):
            earlier = f"audit-{day}.jsonl"
            earlier_fd = self._open(earlier, create=False)
            try:
                line = self._last_line(earlier_fd, earlier)
            finally:
                os.close(earlier_fd)
            if line is not None:
                return line_sha256(line)
        return FIRST_PREV_SHA256

    def _last_line(self, fd: int, name: str) -> bytes | None:
        end, line = _tail(fd)
        size = os.fstat(fd).st_size
        if end < size:
            self._warn(
                f"the audit log {self.directory / name} ended in a record cut short "
                f"({size - end} bytes without a newline, from an interrupted append): cut off, "
                "the next record chains from the last complete one"
            )
            os.ftruncate(fd, end)
            os.fsync(fd)
        return line

    def close(self) -> None:
        """Close the current day's file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._size = -1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
        os.close(self._dir_fd)


def open_directory(directory: Path, *, create: bool) -> int:
    """A file descriptor of the audit directory, made 0700 (created when `create`); a symbolic
    link is refused (`UsageError`)."""
    if create and not directory.is_symlink():
        try:
            directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(
                f"cannot create the audit directory {directory}: {e.strerror or e}"
            ) from e
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        # O_NOFOLLOW with O_DIRECTORY fails with ENOTDIR on a link to a directory (Linux)
        if e.errno == errno.ELOOP or directory.is_symlink():
            raise UsageError(f"the audit directory {directory} is a symbolic link: refused") from e
        raise UsageError(f"cannot open the audit directory {directory}: {e.strerror or e}") from e
    if create and stat.S_IMODE(os.fstat(fd).st_mode) != DIRECTORY_MODE:
        try:
            os.fchmod(fd, DIRECTORY_MODE)
        except OSError as e:
            os.close(fd)
            raise UsageError(f"cannot make {directory} mode 0700: {e.strerror or e}") from e
    return fd


@contextmanager
def _locked(fd: int, operation: int) -> Iterator[None]:
    fcntl.flock(fd, operation)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _days(dir_fd: int) -> list[str]:
    """The days of the audit files in the directory."""
    return [m[1] for name in os.listdir(dir_fd) if (m := FILE_NAME.fullmatch(name))]


def _tail(fd: int) -> tuple[int, bytes | None]:
    """Where the file's complete lines end, and its last complete line (None if there is none).
    Reads backwards from the end, no further than the newline before the last one."""
    start = os.fstat(fd).st_size
    chunk = b""
    while start > 0 and chunk.count(b"\n") < 2:
        step = min(start, 1 << 16)
        start -= step
        chunk = os.pread(fd, step, start) + chunk
    last = chunk.rfind(b"\n")
    if last < 0:
        return 0, None
    return start + last + 1, chunk[chunk.rfind(b"\n", 0, last) + 1 : last]


def recorded_decision_ids(directory: Path, since: str) -> set[str]:
    """The `decision_id` of every record in the files of `directory` for days from `since`."""
    ids: set[str] = set()
    dir_fd = open_directory(directory, create=False)
    try:
        with _locked(dir_fd, fcntl.LOCK_SH):
            for day in sorted(d for d in _days(dir_fd) if d >= since):
                for _, line in _lines(dir_fd, f"audit-{day}.jsonl"):
                    try:
                        record = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue
                    if isinstance(record, dict) and isinstance(record.get("decision_id"), str):
                        ids.add(record["decision_id"])
    finally:
        os.close(dir_fd)
    return ids


def _lines(dir_fd: int, name: str) -> Iterator[tuple[int, bytes]]:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as file:
        yield from enumerate(file, 1)


@dataclass
class Verification:
    """What `verify` found."""

    files: int = 0
    """Audit files read."""
    records: int = 0
    """Complete lines read."""
    head: str = FIRST_PREV_SHA256
    """The hash of the last record (what the next record's `prev_sha256` must be)."""
    problems: list[str] = field(default_factory=list)
    """One line per problem: `file:line: what`."""


def verify(directory: Path) -> Verification:
    """Check the audit log in `directory` (see the module); `UsageError` when it is not a
    directory, is a symbolic link or holds no audit file."""
    dir_fd = open_directory(directory, create=False)
    result = Verification()
    try:
        with _locked(dir_fd, fcntl.LOCK_SH):
            days = sorted(_days(dir_fd))
            if not days:
                raise UsageError(f"{directory} holds no audit file (audit-YYYY-MM-DD.jsonl)")
            for day in days:
                result.files += 1
                _verify_file(dir_fd, directory / f"audit-{day}.jsonl", day, result)
    finally:
        os.close(dir_fd)
    return result


def _verify_file(dir_fd: int, path: Path, day: str, result: Verification) -> None:
    try:
        info = os.stat(path.name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            result.problems.append(f"{path}: is a symbolic link")
            return
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            mode = stat.S_IMODE(info.st_mode)
            result.problems.append(f"{path}: has mode {mode:04o}, not {FILE_MODE:04o}")
        for number, line in _lines(dir_fd, path.name):
            where = f"{path}:{number}"
            if not line.endswith(b"\n"):
                result.problems.append(
                    f"{where}: the last record is cut short (no newline): a torn or truncated write"
                )
                return
            result.records += 1
            problem = _record_problem(line, result.head, day)
            if problem:
                result.problems.append(f"{where}: {problem}")
            result.head = line_sha256(line)
    except OSError as e:
        result.problems.append(f"{path}: cannot be read: {e.strerror or e}")


def _record_problem(line: bytes, prev_sha256: str, day: str) -> str | None:
    """What is wrong with one line of the log, or None."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as e:
        return f"is not JSON ({e.msg})"
    if not isinstance(record, dict):
        return "is not a JSON object"
    prev = record.get("prev_sha256")
    if not isinstance(prev, str) or not _SHA256_HEX.fullmatch(prev):
        return "has no prev_sha256 (64 hex digits)"
    missing = [f for f in (*_RECORD_FIELDS, "input") if f not in record]
    if missing or not all(isinstance(record[f], str) for f in _RECORD_FIELDS):
        return f"is not an audit record: {', '.join(missing) or 'a field'} missing or not a string"
    if prev != prev_sha256:
        return (
            "prev_sha256 is not the hash of the record before it: that record was edited, or "
            "records were removed or reordered"
        )
    try:
        input_sha256 = hashlib.sha256(canonical_json(record["input"])).hexdigest()
    except InputError:
        return "its input cannot be encoded again"
    if input_sha256 != record["input_sha256"]:
        return "input_sha256 is not the hash of its input: the input was edited"
    if record["decided_at"][:10] > day:
        return f"was decided on {record['decided_at'][:10]}, after the day of its file"
    return None

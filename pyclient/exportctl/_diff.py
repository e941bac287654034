"""What a change of the policies, or of the day, does to the decisions: for reviewing a change.

`diff_revisions` builds the bundle at a git revision (`git archive REV policies`, no worktree) and
the bundle of the working tree, runs a corpus of transactions through both on two OPA sidecars
and keeps every decision that changed. `diff_dates` runs the corpus twice through one bundle,
with each transaction's `date` replaced. The whole decision is compared, as OPA returned it,
except the fields of `IGNORED`: the outcome, the licensing policy, every item, every reason (its
citation and facts included), every `not_applied` entry (`because`, `would_apply_from`), every
missing fact, the warnings, and any field the contract does not name.
"""

from __future__ import annotations

import functools
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from exportctl._client import OpaClient
from exportctl._models import Decision
from exportctl._paths import policies_dir
from exportctl._provisions import aliases, provision_metadata
from exportctl._schema import validate_transaction
from exportctl._sidecar import Sidecar
from exportctl.errors import ExportCtlError, InputError, UsageError

Pair = tuple[str, str]
Key = tuple[str, ...]

IGNORED = {
    "policy": "the bundle revision and the data review date change with every policy change; "
    "the report's header gives both sides'",
    "audit": "the decision id, the time and the input hash the client adds differ on every call",
    "explanation": "OPA's trace, not requested by diff",
    "metrics": "OPA's timers, not requested by diff",
    "date": "the transaction's date, echoed: `--date` changes it on purpose; each change shows "
    "both sides' dates",
    "transaction_id": "the transaction's id, echoed: the same on both sides",
}
"""The decision fields `diff` does not compare, and why: they differ between two runs whatever the
policies say."""

DATE_IN_WARNING = "(the transaction's date)"
"""What the transaction's date reads as in a warning, in a diff of two dates."""

KEYS: dict[str, tuple[str, ...]] = {
    "items": ("id",),
    "reasons": ("provision", "item"),
    "not_applied": ("provision", "item"),
    "missing_facts": ("item", "field", "provision"),
}
"""The lists of a decision compared entry by entry, and the fields that name an entry."""

PARTS = (
    "outcome",
    "licensing_policy",
    "items",
    "reasons",
    "not_applied",
    "missing_facts",
    "warnings",
    "other",
)
"""Where a difference can be, in the order reports list them."""


class DiffUsageError(ExportCtlError):
    """The revision, the dates or the corpus cannot be used: the CLI exits 2."""


@dataclass(frozen=True)
class CorpusEntry:
    """One transaction of the corpus and where it came from."""

    name: str
    """Path relative to the corpus (`no61_content/x.json`, or `orders.jsonl:3`)."""
    transaction: Mapping[str, Any]


@dataclass(frozen=True)
class Summary:
    """What `diff` compares of a decision: its document without `IGNORED`, the lists of `KEYS`
    keyed by the fields that name an entry."""

    outcome: str
    licensing_policy: str | None
    entries: Mapping[str, Mapping[Key, Any]]
    """Part of `KEYS`, `warnings` or `other` -> key -> the entry (a list when several entries
    share the key). `warnings` is keyed by the warning itself; `other` holds the fields the
    contract does not name, keyed by the field's name. An item's entry leaves out its `reasons`,
    which `reasons` holds."""

    @classmethod
    def of(
        cls, decision: Decision, renames: Mapping[str, str] | None = None, dated: bool = False
    ) -> Summary:
        """The compared parts of a decision; provision ids in `renames` (an earlier id -> today's)
        replaced, so that a rename is no change. With `dated` (a diff of two dates), the
        decision's own date in a warning reads `DATE_IN_WARNING`, so that a warning that only
        repeats the day is no change."""
        document = decision.raw
        for ignored in IGNORED:
            document.pop(ignored, None)
        renames = renames or {}
        entries: dict[str, dict[Key, Any]] = {}
        for part, names in KEYS.items():
            keyed: dict[Key, list[Any]] = {}
            for entry in document.pop(part, None) or ():
                entry = _renamed(entry, renames)
                if part == "items":
                    entry.pop("reasons", None)
                key = tuple("" if entry.get(n) is None else str(entry.get(n)) for n in names)
                keyed.setdefault(key, []).append(entry)
            entries[part] = {k: v[0] if len(v) == 1 else _sorted(v) for k, v in keyed.items()}
        warnings = [str(w) for w in document.pop("warnings", None) or ()]
        if dated:
            warnings = [w.replace(decision.date, DATE_IN_WARNING) for w in warnings]
        entries["warnings"] = {(w,): w for w in warnings}
        outcome = document.pop("outcome")
        licensing_policy = document.pop("licensing_policy", None)
        entries["other"] = {(name,): value for name, value in document.items()}
        return cls(outcome, licensing_policy, entries)

    def item_outcomes(self) -> dict[str, str | None]:
        """Item id -> its outcome, in the decision's order."""
        return {
            key[0]: entry.get("outcome") if isinstance(entry, dict) else None
            for key, entry in self.entries["items"].items()
        }

    def provisions_of(self, items: Iterable[str]) -> set[str]:
        """The provisions of the reasons given for `items`."""
        wanted = set(items)
        return {p for p, item in self.entries["reasons"] if item in wanted}


def _renamed(entry: Any, renames: Mapping[str, str]) -> Any:
    if not isinstance(entry, dict):
        return entry
    entry = dict(entry)
    for name in ("provision", "exempted_by"):
        if isinstance(entry.get(name), str):
            entry[name] = renames.get(entry[name], entry[name])
    return entry


def _sorted(entries: list[Any]) -> list[Any]:
    return sorted(entries, key=lambda e: orjson.dumps(e, option=orjson.OPT_SORT_KEYS))


@dataclass(frozen=True)
class Difference:
    """One thing that differs between the two sides' decisions."""

    part: str
    """One of `PARTS`."""
    key: Key
    """The entry: `(provision, item)` of a reason, `(item, field, provision)` of a missing fact
    (an empty provision when none asks for it), `(id,)` of an item, `(warning,)`, `(field,)` of
    `other`; `()` for the outcome and the licensing policy."""
    kind: str
    """`changed`, `added` (only the head has the entry) or `removed` (only the base has it)."""
    field: str = ""
    """With `changed`: the field of the entry that differs, dotted (`citation.url`); empty for
    the outcome, the licensing policy, and an entry compared whole."""
    base: Any = None
    """The base's value (None when added)."""
    head: Any = None
    """The head's value (None when removed)."""


def _field_changes(base: Any, head: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted field, base value, head value) of every field in which two entries differ; lists
    and scalars are compared whole."""
    if isinstance(base, dict) and isinstance(head, dict):
        found = []
        for name in dict.fromkeys([*base, *head]):
            if base.get(name) != head.get(name):
                path = f"{prefix}.{name}" if prefix else name
                found += _field_changes(base.get(name), head.get(name), path)
        return found
    return [(prefix, base, head)] if base != head else []


@dataclass(frozen=True)
class Change:
    """A transaction whose decision differs between the two sides."""

    name: str
    transaction_id: str
    base_date: str
    head_date: str
    base: Summary
    head: Summary

    @functools.cached_property
    def differences(self) -> list[Difference]:
        """Everything that differs, part by part (`PARTS`), removed entries before added ones
        before changed ones, each sorted by key."""
        found = []
        for scalar in ("outcome", "licensing_policy"):
            before, after = getattr(self.base, scalar), getattr(self.head, scalar)
            if before != after:
                found.append(Difference(scalar, (), "changed", "", before, after))
        for part in PARTS[2:]:
            base, head = self.base.entries[part], self.head.entries[part]
            found += [Difference(part, k, "removed", "", base[k]) for k in self.removed(part)]
            found += [Difference(part, k, "added", "", None, head[k]) for k in self.added(part)]
            for key in sorted(base.keys() & head.keys()):
                found += [
                    Difference(part, key, "changed", name, before, after)
                    for name, before, after in _field_changes(base[key], head[key])
                ]
        return found

    @property
    def items(self) -> list[tuple[str, str | None, str | None]]:
        """(item id, base outcome, head outcome) of every item whose outcome changed."""
        base, head = self.base.item_outcomes(), self.head.item_outcomes()
        return [
            (item, base.get(item), head.get(item))
            for item in dict.fromkeys([*base, *head])
            if base.get(item) != head.get(item)
        ]

    def added(self, part: str) -> list[Key]:
        """Keys of the entries of `part` only the head has."""
        return sorted(self.head.entries[part].keys() - self.base.entries[part].keys())

    def removed(self, part: str) -> list[Key]:
        """Keys of the entries of `part` only the base has."""
        return sorted(self.base.entries[part].keys() - self.head.entries[part].keys())

    @property
    def provisions(self) -> list[str]:
        """The provisions behind the change.

        Those whose reasons or `not_applied` entries were added, removed or changed, and those
        asking for a missing fact that was added, removed or changed. When the change left them
        all alone but changed the outcome, the licensing policy or an item, the provisions that
        fired on the changed items (on every item when no item's outcome changed); none when
        only warnings or fields the contract does not name changed.
        """
        moved = {
            d.key[2 if d.part == "missing_facts" else 0]
            for d in self.differences
            if d.part in ("reasons", "not_applied", "missing_facts")
        }
        moved.discard("")  # a missing fact no provision asks for
        if moved:
            return sorted(moved)
        if not any(d.part in ("outcome", "licensing_policy", "items") for d in self.differences):
            return []
        changed = {item for item, _, _ in self.items} or set(self.head.item_outcomes())
        return sorted(self.head.provisions_of(changed) | self.base.provisions_of(changed))


@dataclass(frozen=True)
class Side:
    """One side of the comparison."""

    label: str
    """`HEAD~1 (3f2a1bc)`, `working tree`, or `date 2026-11-10`."""
    revision: str
    """The bundle revision that answered."""
    data_reviewed_on: str = ""
    """The data review date its decisions gave (`policy.data_reviewed_on`), when it decided any."""


@dataclass(frozen=True)
class DiffReport:
    """Every decision that changed between two sides."""

    base: Side
    head: Side
    compared: tuple[Pair, ...]
    """(name, transaction id) of every transaction compared, in corpus order."""
    changes: tuple[Change, ...]
    titles: Mapping[str, str] = field(default_factory=dict)
    """Provision id -> METADATA title, from both bundles (the head's wins)."""

    @property
    def total(self) -> int:
        """How many transactions were compared."""
        return len(self.compared)

    def title(self, provision: str) -> str:
        """The provision's title, or an empty string when neither bundle has it."""
        return self.titles.get(provision, "")


# --- the corpus --------------------------------------------------------------------------------


def default_corpus(policies: Path) -> Path:
    """The scenario suite beside the policies: `<policies>/../tests/scenarios`."""
    return policies.resolve().parent / "tests" / "scenarios"


def load_corpus(path: Path, root: Path) -> list[CorpusEntry]:
    """The transactions of `path`: a directory of JSON files (searched recursively, names starting
    with `_` skipped), a `.json` file, a JSON Lines file (`.jsonl`, one per line) or a YAML file
    (`.yaml`, `.yml`: one document or several separated by `---`, read as `exportctl._yaml`
    reads them). A JSON object
    with `transaction` or `transaction_file` is a scenario case: its transaction is used, and
    `transaction_file` is read relative to `root`."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix in (".json", ".jsonl", *YAML_SUFFIXES)
            and not any(part.startswith("_") for part in p.relative_to(path).parts)
        )
        entries = [e for f in files for e in _entries(f, f.relative_to(path).as_posix(), root)]
    elif path.is_file():
        entries = _entries(path, path.name, root)
    else:
        raise DiffUsageError(f"--corpus {path}: no such file or directory")
    if not entries:
        raise DiffUsageError(f"--corpus {path}: no transactions found")
    return entries


def _entries(path: Path, name: str, root: Path) -> list[CorpusEntry]:
    try:
        text = path.read_bytes()
    except OSError as e:
        raise DiffUsageError(f"cannot read {path}: {e.strerror or e}") from e
    if path.suffix in YAML_SUFFIXES:
        documents = _yaml_documents(text, name)
        return [
            CorpusEntry(f"{name}:{n}" if len(documents) > 1 else name, _transaction(d, name, root))
            for n, d in enumerate(documents, start=1)
        ]
    if path.suffix == ".jsonl":
        return [
            CorpusEntry(
                f"{name}:{number}", _transaction(_json(line, f"{name}:{number}"), name, root)
            )
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    return [CorpusEntry(name, _transaction(_json(text, name), name, root))]


YAML_SUFFIXES = (".yaml", ".yml")


def _yaml_documents(data: bytes, name: str) -> list[Any]:
    from exportctl._yaml import load_yaml_documents

    try:
        return list(load_yaml_documents(data, name))
    except UsageError as e:  # not YAML, or YAML read otherwise than JSON: names the field
        message = f"{name}: invalid transaction: {e}" if isinstance(e, InputError) else str(e)
        raise DiffUsageError(message) from e


def _json(data: bytes, name: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise DiffUsageError(f"{name} is not valid JSON: {e.msg} at line {e.lineno}") from e


def _transaction(document: Any, name: str, root: Path) -> Mapping[str, Any]:
    if not isinstance(document, dict):
        raise DiffUsageError(f"{name}: expected a JSON object (a transaction or a scenario case)")
    if isinstance(document.get("transaction"), dict):
        return document["transaction"]  # type: ignore[no-any-return]
    if isinstance(document.get("transaction_file"), str):
        target = root / document["transaction_file"]
        try:
            loaded = _json(target.read_bytes(), str(target))
        except OSError as e:
            raise DiffUsageError(f"{name}: cannot read transaction_file {target}") from e
        return _transaction(loaded, str(target), root)
    return document


def with_date(transaction: Mapping[str, Any], date: str) -> dict[str, Any]:
    """A copy of the transaction dated `date`."""
    return {**transaction, "date": date}


# --- git ---------------------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as e:
        raise DiffUsageError(f"cannot run git: {e}") from e


def _git_line(args: Sequence[str], cwd: Path, what: str) -> str:
    done = _git(args, cwd)
    if done.returncode != 0:
        message = " ".join(done.stderr.decode(errors="replace").split()) or "git failed"
        raise DiffUsageError(f"{what}: {message}")
    return done.stdout.decode().strip()


def export_policies(rev: str, policies: Path, into: Path) -> tuple[Path, str]:
    """Extract the policies directory as it is at git revision `rev` into `into`.

    Returns the extracted policies directory and the abbreviated commit id. The repository is the
    one that holds `policies`; nothing but `git archive` is run (no worktree, no checkout).
    """
    policies = policies.resolve()
    if not policies.is_dir():
        raise DiffUsageError(f"no policies directory at {policies}")
    top = Path(_git_line(["rev-parse", "--show-toplevel"], policies, f"{policies}"))
    prefix = _git_line(["rev-parse", "--show-prefix"], policies, f"{policies}")
    commit = _git_line(
        ["rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}"],
        top,
        f"--base {rev}: not a revision of {top}",
    )
    archive = _git(["archive", "--format=tar", commit, "--", prefix or "."], top)
    if archive.returncode != 0:
        message = " ".join(archive.stderr.decode(errors="replace").split())
        raise DiffUsageError(f"--base {rev}: cannot export {prefix or '.'}: {message}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    short = _git_line(["rev-parse", "--short", commit], top, f"--base {rev}")
    return into / prefix, short


# --- running -----------------------------------------------------------------------------------


def _decide_all(
    url: str,
    transactions: Iterable[Mapping[str, Any]],
    renames: Mapping[str, str] | None = None,
    dated: bool = False,
) -> tuple[list[Summary], list[str], str]:
    """The summaries and dates of the transactions' decisions, and the data review date."""
    client = OpaClient(url)
    try:
        summaries, dates, reviewed = [], [], ""
        for transaction in transactions:
            decision = client.decide(transaction)
            summaries.append(Summary.of(decision, renames, dated))
            dates.append(decision.date)
            reviewed = decision.policy.data_reviewed_on
        return summaries, dates, reviewed
    finally:
        client.close()


def _validated(entries: Sequence[CorpusEntry], dates: Sequence[str | None]) -> None:
    for entry in entries:
        for date in dates:
            transaction = entry.transaction if date is None else with_date(entry.transaction, date)
            try:
                validate_transaction(transaction)
            except InputError as e:
                raise DiffUsageError(f"{entry.name}: invalid transaction: {e}") from e


def _compare(
    entries: Sequence[CorpusEntry],
    base: tuple[list[Summary], list[str], str],
    head: tuple[list[Summary], list[str], str],
) -> tuple[Change, ...]:
    changes = []
    for entry, before, after, before_date, after_date in zip(
        entries, base[0], head[0], base[1], head[1], strict=True
    ):
        if before != after:
            changes.append(
                Change(
                    name=entry.name,
                    transaction_id=str(entry.transaction.get("id", "")),
                    base_date=before_date,
                    head_date=after_date,
                    base=before,
                    head=after,
                )
            )
    return tuple(changes)


def _compared(entries: Sequence[CorpusEntry]) -> tuple[Pair, ...]:
    return tuple((e.name, str(e.transaction.get("id", ""))) for e in entries)


def _titles(*metadata: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Provision id -> title, from each bundle's `provision_metadata` in turn (the last wins)."""
    titles: dict[str, str] = {}
    for bundle in metadata:
        for meta in bundle:
            titles[meta["custom"]["id"]] = " ".join(str(meta.get("title", "")).split())
    return titles


def diff_revisions(
    base_rev: str,
    entries: Sequence[CorpusEntry],
    policies: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> DiffReport:
    """Decisions of the corpus under the policies at `base_rev` and under the working tree."""
    head_dir = (policies or policies_dir()).resolve()
    _validated(entries, [None])
    with tempfile.TemporaryDirectory(prefix="exportctl-diff-") as tmp:
        base_dir, commit = export_policies(base_rev, head_dir, Path(tmp))
        if progress:
            progress(f"comparing {len(entries)} transactions: {base_rev} ({commit}) and {head_dir}")
        with Sidecar(base_dir) as base_opa, Sidecar(head_dir) as head_opa:
            transactions = [e.transaction for e in entries]
            head_metadata = provision_metadata(head_dir)
            base = _decide_all(base_opa.url, transactions, aliases(head_metadata))
            head = _decide_all(head_opa.url, transactions)
            return DiffReport(
                base=Side(f"{base_rev} ({commit})", base_opa.revision, base[2]),
                head=Side("working tree", head_opa.revision, head[2]),
                compared=_compared(entries),
                changes=_compare(entries, base, head),
                titles=_titles(provision_metadata(base_dir), head_metadata),
            )


def diff_dates(
    date_a: str,
    date_b: str,
    entries: Sequence[CorpusEntry],
    policies: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> DiffReport:
    """Decisions of the corpus dated `date_a` and dated `date_b`, under the working tree."""
    directory = (policies or policies_dir()).resolve()
    _validated(entries, [date_a, date_b])
    if progress:
        progress(f"comparing {len(entries)} transactions on {date_a} and {date_b} ({directory})")
    with Sidecar(directory) as opa:
        base = _decide_all(opa.url, (with_date(e.transaction, date_a) for e in entries), dated=True)
        head = _decide_all(opa.url, (with_date(e.transaction, date_b) for e in entries), dated=True)
        return DiffReport(
            base=Side(f"date {date_a}", opa.revision, base[2]),
            head=Side(f"date {date_b}", opa.revision, head[2]),
            compared=_compared(entries),
            changes=_compare(entries, base, head),
            titles=_titles(provision_metadata(directory)),
        )

"""What a change of the policies, or of the day, does to the decisions: for reviewing a change.

`diff_revisions` builds the bundle at a git revision (`git archive REV policies`, no worktree) and
the bundle of the working tree, runs a corpus of transactions through both on two OPA sidecars
and keeps every decision that changed. `diff_dates` runs the corpus twice through one bundle,
with each transaction's `date` replaced. Compared: the outcome, the licensing policy, each item's
outcome, the (provision, item) pairs of `reasons` and `not_applied`, and the (item, field) pairs
of `missing_facts`. Facts, warnings and the bundle revision are not compared.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from exportctl._client import OpaClient
from exportctl._models import Decision
from exportctl._paths import policies_dir
from exportctl._provisions import aliases, provision_metadata
from exportctl._schema import validate_transaction
from exportctl._sidecar import Sidecar
from exportctl.errors import ExportCtlError, InputError

Pair = tuple[str, str]


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
    """What `diff` compares of a decision."""

    outcome: str
    licensing_policy: str | None
    items: tuple[Pair, ...]
    """(item id, outcome), in order."""
    reasons: frozenset[Pair]
    """(provision, item) of every reason."""
    not_applied: frozenset[Pair]
    """(provision, item) of every provision that matched but was not in force."""
    missing_facts: frozenset[Pair]
    """(item, field) of every missing fact."""
    asking: frozenset[Pair]
    """(provision, item) of every provision that asks for a missing fact."""

    @classmethod
    def of(cls, decision: Decision) -> Summary:
        """The compared parts of a decision."""
        return cls(
            outcome=decision.outcome,
            licensing_policy=decision.licensing_policy,
            items=tuple((i.id, i.outcome) for i in decision.items),
            reasons=frozenset((r.provision, r.item) for r in decision.reasons),
            not_applied=frozenset((n.provision, n.item) for n in decision.not_applied),
            missing_facts=frozenset((m.item, m.field) for m in decision.missing_facts),
            asking=frozenset((m.provision, m.item) for m in decision.missing_facts if m.provision),
        )

    def renamed(self, aliases: Mapping[str, str]) -> Summary:
        """The summary with earlier provision ids replaced by today's, so a rename is no change."""

        def rename(pairs: frozenset[Pair]) -> frozenset[Pair]:
            return frozenset((aliases.get(provision, provision), item) for provision, item in pairs)

        return replace(
            self,
            reasons=rename(self.reasons),
            not_applied=rename(self.not_applied),
            asking=rename(self.asking),
        )


@dataclass(frozen=True)
class Change:
    """A transaction whose decision differs between the two sides."""

    name: str
    transaction_id: str
    base_date: str
    head_date: str
    base: Summary
    head: Summary

    @property
    def items(self) -> list[tuple[str, str | None, str | None]]:
        """(item id, base outcome, head outcome) of every item whose outcome changed."""
        base, head = dict(self.base.items), dict(self.head.items)
        return [
            (item, base.get(item), head.get(item))
            for item in dict.fromkeys([*base, *head])
            if base.get(item) != head.get(item)
        ]

    def added(self, part: str) -> list[Pair]:
        """Pairs of `reasons`, `not_applied` or `missing_facts` only the head has."""
        return sorted(getattr(self.head, part) - getattr(self.base, part))

    def removed(self, part: str) -> list[Pair]:
        """Pairs of `reasons`, `not_applied` or `missing_facts` only the base has."""
        return sorted(getattr(self.base, part) - getattr(self.head, part))

    @property
    def provisions(self) -> list[str]:
        """The provisions behind the change.

        Those added to or removed from `reasons`, `not_applied` or the provisions asking for
        missing facts; when the change left them alone (a licensing policy, say), the provisions
        that fired on the changed items.
        """
        moved = {
            provision
            for part in ("reasons", "not_applied", "asking")
            for provision, _ in self.added(part) + self.removed(part)
        }
        if moved:
            return sorted(moved)
        changed = {item for item, _, _ in self.items} or {item for item, _ in self.head.items}
        return sorted({p for p, item in self.head.reasons | self.base.reasons if item in changed})


@dataclass(frozen=True)
class Side:
    """One side of the comparison."""

    label: str
    """`HEAD~1 (3f2a1bc)`, `working tree`, or `date 2026-11-10`."""
    revision: str
    """The bundle revision that answered."""


@dataclass(frozen=True)
class DiffReport:
    """Every decision that changed between two sides."""

    base: Side
    head: Side
    total: int
    """How many transactions were compared."""
    changes: tuple[Change, ...]
    titles: Mapping[str, str] = field(default_factory=dict)
    """Provision id -> METADATA title, from both bundles (the head's wins)."""

    def title(self, provision: str) -> str:
        """The provision's title, or an empty string when neither bundle has it."""
        return self.titles.get(provision, "")


# --- the corpus --------------------------------------------------------------------------------


def default_corpus(policies: Path) -> Path:
    """The scenario suite beside the policies: `<policies>/../tests/scenarios`."""
    return policies.resolve().parent / "tests" / "scenarios"


def load_corpus(path: Path, root: Path) -> list[CorpusEntry]:
    """The transactions of `path`: a directory of JSON files (searched recursively, names starting
    with `_` skipped), a `.json` file or a JSON Lines file (`.jsonl`, one per line). A JSON object
    with `transaction` or `transaction_file` is a scenario case: its transaction is used, and
    `transaction_file` is read relative to `root`."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix in (".json", ".jsonl")
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
    if path.suffix == ".jsonl":
        return [
            CorpusEntry(
                f"{name}:{number}", _transaction(_json(line, f"{name}:{number}"), name, root)
            )
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    return [CorpusEntry(name, _transaction(_json(text, name), name, root))]


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
    url: str, transactions: Iterable[Mapping[str, Any]]
) -> tuple[list[Summary], list[str]]:
    client = OpaClient(url)
    try:
        summaries, dates = [], []
        for transaction in transactions:
            decision = client.decide(transaction)
            summaries.append(Summary.of(decision))
            dates.append(decision.date)
        return summaries, dates
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
    base: tuple[list[Summary], list[str]],
    head: tuple[list[Summary], list[str]],
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


def _titles(*directories: Path) -> dict[str, str]:
    titles: dict[str, str] = {}
    for directory in directories:
        for meta in provision_metadata(directory):
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
            base_summaries, base_dates = _decide_all(base_opa.url, (e.transaction for e in entries))
            renames = aliases(head_dir)
            base = [s.renamed(renames) for s in base_summaries], base_dates
            head = _decide_all(head_opa.url, (e.transaction for e in entries))
            return DiffReport(
                base=Side(f"{base_rev} ({commit})", base_opa.revision),
                head=Side("working tree", head_opa.revision),
                total=len(entries),
                changes=_compare(entries, base, head),
                titles=_titles(base_dir, head_dir),
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
        base = _decide_all(opa.url, (with_date(e.transaction, date_a) for e in entries))
        head = _decide_all(opa.url, (with_date(e.transaction, date_b) for e in entries))
        return DiffReport(
            base=Side(f"date {date_a}", opa.revision),
            head=Side(f"date {date_b}", opa.revision),
            total=len(entries),
            changes=_compare(entries, base, head),
            titles=_titles(directory),
        )

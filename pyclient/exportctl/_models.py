"""The decision, as the contract defines it (`schemas/decision.schema.json`).

A `Decision` is the one copy of a decision: each object holds the contract's fields by name, and
in `extra` any field OPA sent that the contract does not name (its objects are open).
`document()` writes it back as OPA returned it (keys sorted, as OPA sends them; an absent
optional field stays absent), for `decide -f json` and `batch`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from exportctl.errors import EngineError

OUTCOMES = (
    "prohibited",
    "license_required",
    "insufficient_information",
    "licensed",
    "exempt",
    "not_required",
)
"""The contract's outcomes, most severe first."""

PASSING = frozenset({"not_required", "exempt", "licensed"})
"""The outcomes that let the transfer go ahead: no licence is needed, the item is exempt, or a
held licence covers it (`decide` exits 0, `batch --format junit` passes). Every other outcome,
and any outcome this client does not know, holds the order."""


class _ContractObject:
    """An object of the contract (a dataclass): its fields by name, and in `extra` (when it has
    one) the fields OPA sent that the contract does not name."""

    __dataclass_fields__: ClassVar[dict[str, Any]]
    NOT_SENT: ClassVar[frozenset[str]] = frozenset()
    """Fields the client adds: not part of the object OPA sent."""

    def document(self) -> dict[str, Any]:
        """The object as OPA sent it: keys sorted, as OPA sends them; an absent optional field
        (None) left out."""
        fields = {
            f.name: _json(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in self.NOT_SENT and f.name != "extra"
        }
        present = {key: value for key, value in fields.items() if value is not None}
        extra: Mapping[str, Any] = getattr(self, "extra", {})
        return dict(sorted({**extra, **present}.items()))


@dataclass(frozen=True)
class Citation(_ContractObject):
    """Where a provision comes from."""

    instrument: str
    """The legal instrument, e.g. `MOFCOM Announcement No. 61 of 2025`."""
    article: str
    """The article or clause within it, e.g. `Art. I(1)`."""
    url: str
    """The text the clause record was read from (`read.url`)."""
    effective_from: str | None = None
    """First day the clause takes effect, as its data record says."""
    read: Mapping[str, str] | None = None
    """`{url, publisher?}`: the copy of the text the record was read from."""
    rests_on: str | None = None
    """`official` or `secondary`: what the encoding rests on."""
    official: Mapping[str, str] | None = None
    """`{url, title}` of the issuer's own text, where it was located; None: not located."""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields OPA sent that the contract does not name."""


@dataclass(frozen=True)
class Reason(_ContractObject):
    """A provision that fired for one item."""

    provision: str
    """Stable provision id, e.g. `mofcom_2025_061/content_rule`."""
    title: str
    """One-line title of the provision."""
    item: str
    """Id of the item it fired for."""
    outcome: str
    """What the provision makes of the item (`license_required`, `licensed`, …)."""
    citation: Citation
    """Legal basis."""
    facts: Mapping[str, Any]
    """The facts of the transaction that made it fire."""
    licence: Mapping[str, Any] | None
    """`{id, issuer, valid_until}` of the held licence, when the outcome is `licensed`."""
    description: str | None = None
    """What the provision says, in a few sentences, from its METADATA."""
    clause: str | None = None
    """The clause of the instrument's data record it applies."""
    exempted_by: str | None = None
    """With `exempt`: the provision that exempts the item."""
    confidence: str | None = None
    """How well the sources support the clause record: `high`, `medium` or `low`."""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields OPA sent that the contract does not name."""

    @classmethod
    def from_opa(cls, reason: Mapping[str, Any]) -> Reason:
        """The reason from OPA's JSON object; `KeyError` or `TypeError` if it breaks the
        contract."""
        citation = reason["citation"]
        return cls(
            provision=reason["provision"],
            title=reason["title"],
            item=reason["item"],
            outcome=reason["outcome"],
            citation=Citation(
                instrument=citation["instrument"],
                article=citation["article"],
                url=citation["url"],
                effective_from=citation.get("effective_from"),
                read=citation.get("read"),
                rests_on=citation.get("rests_on"),
                official=citation.get("official"),
                extra=_extra(citation, Citation),
            ),
            facts=reason["facts"],
            licence=reason.get("licence"),
            description=reason.get("description"),
            clause=reason.get("clause"),
            exempted_by=reason.get("exempted_by"),
            confidence=reason.get("confidence"),
            extra=_extra(reason, cls),
        )


@dataclass(frozen=True)
class ItemDecision(_ContractObject):
    """The outcome for one transferred item."""

    id: str
    """The item's id, echoed from the transaction."""
    outcome: str
    """The most severe outcome of the item's reasons."""
    de_minimis: Mapping[str, Any] | None
    """`{ratio, threshold, cn_content_value, item_value, currency, lines}`, when computed."""
    reasons: tuple[Reason, ...] = ()
    """The provisions that fired for this item."""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields OPA sent that the contract does not name."""


@dataclass(frozen=True)
class NotApplied(_ContractObject):
    """A provision that matched the facts but was not in force on the transaction's date."""

    provision: str
    """Stable provision id."""
    item: str
    """Id of the item it matched."""
    because: str
    """Why it did not apply: not yet effective, suspended until …, lapsed."""
    would_apply_from: str | None
    """The day it applies from, when known."""
    title: str | None = None
    """One-line title of the provision."""
    clause: str | None = None
    """The clause of the instrument's data record that did not apply."""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields OPA sent that the contract does not name."""


@dataclass(frozen=True)
class MissingFact(_ContractObject):
    """A fact the caller must supply for a definite answer."""

    item: str
    """Id of the item concerned."""
    field: str
    """The transaction field to fill in."""
    why: str
    """What the policy needs it for."""
    provision: str | None = None
    """The provision that asks for it (`SCHEMA` for a schema error), when the policy names one."""
    line: str | None = None
    """The bill-of-materials line concerned, when it is one line's fact."""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields OPA sent that the contract does not name."""


@dataclass(frozen=True)
class PolicyInfo(_ContractObject):
    """Which policy bundle and data gave the answer."""

    revision: str
    """Bundle revision: `sha256:` + 16 hex digits over the policy files."""
    data_reviewed_on: str
    """Day the legal data was last checked against its sources."""


@dataclass(frozen=True)
class Audit:
    """Which engine, policy and input gave a decision, and when: added by the client."""

    decision_id: str
    """OPA's decision id when the server returns one (decision logging on), else a client UUID4.
    In a batch, OPA logs one decision per chunk: its id, `/` and the transaction's index in it."""
    bundle_revision: str
    """The policy bundle's revision, as `policy.revision`."""
    input_sha256: str
    """SHA-256 (hex) of the canonical input: the transaction as orjson with sorted keys."""
    data_reviewed_on: str
    """Day the legal data was last reviewed, as `policy.data_reviewed_on`."""
    decided_at: str
    """When the client received the decision: UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`."""

    def as_dict(self) -> dict[str, str]:
        """The audit fields as a JSON object."""
        return {
            "decision_id": self.decision_id,
            "bundle_revision": self.bundle_revision,
            "input_sha256": self.input_sha256,
            "data_reviewed_on": self.data_reviewed_on,
            "decided_at": self.decided_at,
        }


@dataclass(frozen=True)
class Decision(_ContractObject):
    """The answer for one transaction."""

    NOT_SENT: ClassVar[frozenset[str]] = frozenset({"explanation", "metrics", "audit"})

    transaction_id: str
    """The transaction's id, echoed."""
    date: str
    """The day of the transfer, echoed: every provision is applied as in force on it."""
    outcome: str
    """Most severe of the items' outcomes."""
    licensing_policy: str | None
    """With `license_required`: `presumption_of_denial`, `case_by_case` or `standard`."""
    items: tuple[ItemDecision, ...]
    """One entry per transferred item."""
    reasons: tuple[Reason, ...]
    """Every provision that fired."""
    not_applied: tuple[NotApplied, ...]
    """Provisions that matched but were not in force on `date`."""
    missing_facts: tuple[MissingFact, ...]
    """What the caller must supply; non-empty with `insufficient_information`."""
    warnings: tuple[str, ...]
    """Plain sentences the reader should know about."""
    policy: PolicyInfo
    """Policy bundle revision and data review date."""
    explanation: tuple[str, ...] = ()
    """OPA's evaluation trace, one line per event, when `explain` was requested."""
    metrics: Mapping[str, int] | None = None
    """OPA's timers and counters (`timer_server_handler_ns`, …), when `metrics` was requested."""
    audit: Audit | None = None
    """Decision id, bundle revision, input hash, time: on every decision the client returns."""
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields OPA sent that the contract does not name."""

    def document(self) -> dict[str, Any]:
        """The decision as OPA returned it, with `audit` added as the last field when set."""
        document = super().document()
        if self.audit is not None:
            document["audit"] = self.audit.as_dict()
        return document

    @property
    def raw(self) -> dict[str, Any]:
        """The decision as OPA returned it, without the client's `audit`."""
        return dataclasses.replace(self, audit=None).document()

    def with_audit(self, audit: Audit) -> Decision:
        """This decision carrying `audit`."""
        return dataclasses.replace(self, audit=audit)

    @classmethod
    def from_opa(
        cls,
        result: Mapping[str, Any],
        explanation: tuple[str, ...] = (),
        metrics: Mapping[str, int] | None = None,
    ) -> Decision:
        """Build a decision from OPA's `result`; `EngineError` if it breaks the contract."""
        try:
            return cls(
                transaction_id=result["transaction_id"],
                date=result["date"],
                outcome=result["outcome"],
                licensing_policy=result.get("licensing_policy"),
                items=tuple(
                    ItemDecision(
                        id=item["id"],
                        outcome=item["outcome"],
                        de_minimis=item.get("de_minimis"),
                        reasons=tuple(Reason.from_opa(r) for r in item.get("reasons", ())),
                        extra=_extra(item, ItemDecision),
                    )
                    for item in result["items"]
                ),
                reasons=tuple(Reason.from_opa(reason) for reason in result["reasons"]),
                not_applied=tuple(
                    NotApplied(
                        provision=entry["provision"],
                        item=entry["item"],
                        because=entry["because"],
                        would_apply_from=entry.get("would_apply_from"),
                        title=entry.get("title"),
                        clause=entry.get("clause"),
                        extra=_extra(entry, NotApplied),
                    )
                    for entry in result.get("not_applied", ())
                ),
                missing_facts=tuple(
                    MissingFact(
                        item=fact["item"],
                        field=fact["field"],
                        why=fact["why"],
                        provision=fact.get("provision"),
                        line=fact.get("line"),
                        extra=_extra(fact, MissingFact),
                    )
                    for fact in result.get("missing_facts", ())
                ),
                warnings=tuple(result.get("warnings", ())),
                policy=PolicyInfo(
                    revision=result["policy"]["revision"],
                    data_reviewed_on=result["policy"]["data_reviewed_on"],
                ),
                explanation=explanation,
                metrics=metrics,
                extra=_extra(result, cls),
            )
        except KeyError as e:
            raise EngineError(f"the policy's decision lacks the field {e}") from e
        except TypeError as e:
            raise EngineError(f"the policy's decision has a field of the wrong type: {e}") from e


def _extra(document: Mapping[str, Any], model: type) -> dict[str, Any]:
    """The fields of `document` that `model` does not name (a field called `extra` is one)."""
    named = _named_fields(model)
    return {key: value for key, value in document.items() if key not in named}


@functools.cache
def _named_fields(model: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(model)) - {"extra"}


def _json(value: Any) -> Any:
    """A field's value as JSON: a contract object as its document, a tuple as a list."""
    if isinstance(value, _ContractObject):
        return value.document()
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    return value

"""Properties of the decision, checked with generated transactions through the real OPA.

Transactions are generated small but varied: one or two items (magnets, assemblies, Part I metals,
oxides and alloys, targets, unlisted goods) of Chinese or other origin, bills of materials up to
three levels deep in several currencies with or without exchange rates, parties (military or not,
some matching the control list by name or through owners), end uses and licences, dated
2025-03-01..2027-06-30 with extra weight on the days No. 61 is in force. Each property compares the
decision for a transaction with the decisions for transactions derived from it:

(a) more Chinese-origin Annex 1 Part I content never lowers the outcome;
(b) making a party military or control-listed never relaxes the outcome;
(c) removing a fact (a value, produced_with_cn_technologies, a control_code, a material, an
    exchange rate) never yields not_required: if the full transaction's outcome is not
    not_required, the reduced one's is not not_required either (fail closed).

Severity, most severe first: prohibited, license_required, insufficient_information, licensed,
exempt, not_required. A counterexample is a policy bug: the assertion message carries the
transaction and the change that broke the property.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportctl import OUTCOMES, decide

SEVERITY = list(OUTCOMES)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Tx = dict[str, Any]
Change = tuple[str, Tx]  # (what was changed, the changed transaction)

# --- building blocks -------------------------------------------------------------

CURRENCIES = ["USD", "EUR", "CNY"]
COUNTRIES = ["CN", "KR", "JP", "VN", "DE", "MY"]
DESTINATIONS = ["US", "DE", "IN", "VN", "FR", "JP", "MX", "CN"]
END_USES = [
    "civil",
    "military",
    "wmd",
    "terrorism",
    "logic_chips_14nm_or_below",
    "memory_chips_256_layers_or_more",
    "semiconductor_equipment_advanced",
    "military_ai",
    "emergency_medical",
    "public_health_emergency",
    "disaster_relief",
]
TECHNOLOGIES = [
    "mining",
    "smelting_separation",
    "metal_smelting",
    "magnet_manufacturing",
    "recycling",
]
PARTY_NAMES = [
    "Example Customer",
    "Example Systems Ltd.",
    "Example Defence Ltd.",
    "MP Materials",
    "Hensoldt AG",
]
LISTED = "MP Materials"

# Things a line or an item can be: (fields, Part I?, may have children?)
KINDS: dict[str, tuple[dict[str, Any], bool, bool]] = {
    "dy_metal": ({"material": {"elements": ["Dy"], "form": "metal"}}, True, False),
    "tb_oxide": ({"material": {"elements": ["Tb", "O"], "form": "oxide"}}, True, False),
    "dy_fe_alloy": ({"material": {"elements": ["Dy", "Fe"], "form": "alloy"}}, True, True),
    "tb_fe_alloy": ({"material": {"elements": ["Tb", "Fe"], "form": "alloy"}}, True, True),
    "sm_metal_by_code": ({"control_code": "1C902.a.1"}, True, False),
    "nd_metal": ({"material": {"elements": ["Nd"], "form": "metal"}}, False, False),
    "gd_oxide": ({"material": {"elements": ["Gd", "O"], "form": "oxide"}}, False, True),
    "dy_magnet": (
        {"material": {"elements": ["Nd", "Fe", "B", "Dy"], "form": "magnet"}},
        False,
        True,
    ),
    "tb_magnet_by_code": ({"control_code": "1C904.a.4"}, False, True),
    "smco_magnet": ({"material": {"elements": ["Sm", "Co"], "form": "magnet"}}, False, True),
    "plain_magnet": ({"material": {"elements": ["Nd", "Fe", "B"], "form": "magnet"}}, False, True),
    "steel": ({"material": {"elements": ["Fe"], "form": "other"}}, False, False),
    "not_listed": ({"control_code": "not_listed"}, False, True),
    "unknown": ({}, False, True),
}
LINE_KINDS = list(KINDS)
ITEM_KINDS = [
    "dy_magnet",
    "tb_magnet_by_code",
    "smco_magnet",
    "dy_metal",
    "tb_oxide",
    "tb_fe_alloy",
    "sm_target",
    "not_listed",
    "unknown",
    "steel",
    "nd_metal",
]
ITEM_FIELDS = dict({k: v[0] for k, v in KINDS.items()}, sm_target={"control_code": "1C902.a.3.a"})


def _money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


@st.composite
def bom_line(draw: st.DrawFn, line_id: str, depth: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(LINE_KINDS))
    fields, _, composite = KINDS[kind]
    line: dict[str, Any] = {"id": line_id, **copy.deepcopy(fields)}
    line["origin"] = draw(st.sampled_from(["CN", "CN", "KR", "JP"]))
    if draw(st.integers(0, 9)) > 0:
        amount = draw(st.sampled_from([0.5, 1, 2, 3, 5, 10, 40, 100, 300]))
        line["value"] = _money(amount, draw(st.sampled_from(CURRENCIES)))
    if composite and depth < 3 and draw(st.booleans()):
        n = draw(st.integers(1, 2))
        line["bom"] = [draw(bom_line(f"{line_id}.{k + 1}", depth + 1)) for k in range(n)]
    return line


@st.composite
def item(draw: st.DrawFn, item_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(ITEM_KINDS))
    it: dict[str, Any] = {"id": item_id, "description": kind, **copy.deepcopy(ITEM_FIELDS[kind])}
    it["origin"] = draw(st.sampled_from(["CN", "KR", "KR", "JP", "VN"]))
    techs = draw(st.integers(0, 9))
    if techs >= 2:
        it["produced_with_cn_technologies"] = (
            []
            if techs < 7
            else draw(st.lists(st.sampled_from(TECHNOLOGIES), min_size=1, max_size=2, unique=True))
        )
    if draw(st.integers(0, 9)) > 0:
        amount = draw(st.sampled_from([0, 100, 500, 1000, 2500, 10000]))
        it["value"] = _money(amount, draw(st.sampled_from(CURRENCIES)))
    if draw(st.integers(0, 9)) > 1:
        n = draw(st.integers(1, 3))
        it["bom"] = [draw(bom_line(f"{item_id}.{k + 1}", 1)) for k in range(n)]
    return it


PART_1_KINDS = [k for k, (_, part_1, _) in KINDS.items() if part_1]
MAGNET_KINDS = ["dy_magnet", "tb_magnet_by_code", "smco_magnet"]


@st.composite
def content_item(draw: st.DrawFn, item_id: str) -> dict[str, Any]:
    """A Part II magnet, or an assembly holding one, made abroad with Chinese Part I content."""
    cn_lines = [
        {
            "id": f"{item_id}.cn{k + 1}",
            **copy.deepcopy(KINDS[draw(st.sampled_from(PART_1_KINDS))][0]),
            "origin": "CN",
            "value": _money(
                draw(st.sampled_from([0.5, 1, 2, 3, 5, 10, 40])), draw(st.sampled_from(CURRENCIES))
            ),
        }
        for k in range(draw(st.integers(1, 2)))
    ]
    others = [draw(bom_line(f"{item_id}.{k + 1}", 2)) for k in range(draw(st.integers(0, 1)))]
    currency = draw(st.sampled_from(CURRENCIES))
    it: dict[str, Any] = {"id": item_id, "origin": draw(st.sampled_from(["KR", "JP", "VN"]))}
    if draw(st.booleans()):
        it.update(
            copy.deepcopy(KINDS[draw(st.sampled_from(MAGNET_KINDS))][0]), description="magnet"
        )
        it["bom"] = cn_lines + others
    else:
        it.update(
            copy.deepcopy(KINDS[draw(st.sampled_from(["not_listed", "unknown", "steel"]))][0]),
            description="assembly",
        )
        magnet = {
            "id": f"{item_id}.m",
            **copy.deepcopy(KINDS[draw(st.sampled_from(MAGNET_KINDS))][0]),
            "origin": draw(st.sampled_from(["KR", "JP"])),
            "value": _money(draw(st.sampled_from([100, 300])), currency),
            "bom": cn_lines,
        }
        it["bom"] = [magnet, *others]
    techs = draw(st.integers(0, 9))
    if techs >= 1:
        it["produced_with_cn_technologies"] = (
            []
            if techs < 8
            else draw(st.lists(st.sampled_from(TECHNOLOGIES), min_size=1, max_size=2, unique=True))
        )
    it["value"] = _money(draw(st.sampled_from([500, 1000, 2500, 10000])), currency)
    return it


@st.composite
def party(draw: st.DrawFn) -> dict[str, Any]:
    p: dict[str, Any] = {
        "role": draw(st.sampled_from(["consignee", "end_user", "end_user", "intermediary"])),
        "name": draw(st.sampled_from(PARTY_NAMES)),
        "country": draw(st.sampled_from(["US", "DE", "IN", "JP", "VN"])),
        "military": draw(st.booleans()),
    }
    if draw(st.integers(0, 3)) == 0:
        p["owners"] = [
            {
                "name": draw(st.sampled_from(PARTY_NAMES)),
                "share": draw(st.sampled_from([0.3, 0.5, 0.6])),
            }
        ]
    return p


DAY = st.one_of(
    st.dates(dt.date(2026, 11, 11), dt.date(2027, 6, 30)),  # No. 61 applies again
    st.dates(dt.date(2025, 10, 9), dt.date(2025, 11, 6)),  # No. 61 Art. 1(3) before No. 70
    st.dates(dt.date(2025, 3, 1), dt.date(2027, 6, 30)),
)


@st.composite
def transaction(draw: st.DrawFn) -> Tx:
    """Half the time a No. 61 content case (overseas transferor, Part II item made abroad with
    Chinese Part I content); otherwise anything."""
    content = draw(st.booleans())
    transferor = draw(st.sampled_from(COUNTRIES[1:] if content else COUNTRIES))
    destination = draw(
        st.sampled_from([d for d in DESTINATIONS if d not in (transferor, "CN" if content else "")])
    )
    make_item = content_item if content else item
    tx: Tx = {
        "id": "PROP",
        "date": draw(DAY).isoformat(),
        "transferor": {"name": f"Example Transferor {transferor}", "country": transferor},
        "destination": destination,
        "parties": draw(st.lists(party(), max_size=2)),
        "end_use": {
            "categories": draw(
                st.lists(st.sampled_from(END_USES), min_size=1, max_size=2, unique=True)
            )
        },
        "items": [draw(make_item(str(k + 1))) for k in range(draw(st.integers(1, 2)))],
    }
    rates: dict[str, dict[str, float]] = {}
    for a in CURRENCIES:
        for b in CURRENCIES:
            if a != b and draw(st.integers(0, 4)) < 2:
                rates.setdefault(a, {})[b] = draw(st.sampled_from([0.125, 0.5, 1.25, 2.0, 8.0]))
    if rates:
        tx["fx_rates"] = rates
    if draw(st.integers(0, 3)) == 0:
        tx["licenses"] = [
            {
                "id": "LIC-1",
                "issuer": "MOFCOM",
                "type": "general",
                "valid_from": "2025-01-01",
                "valid_until": "2027-12-31",
                "control_codes": draw(
                    st.lists(
                        st.sampled_from(["1C902", "1C904", "1C905"]),
                        min_size=1,
                        max_size=2,
                        unique=True,
                    )
                ),
                "destinations": [],
                "end_users": [],
            }
        ]
    return tx


# --- deciding and comparing --------------------------------------------------------


def _outcome(tx: Tx, opa_url: str) -> str:
    return decide(tx, opa_url=opa_url).outcome


def _more_severe_or_equal(a: str, b: str) -> bool:
    return SEVERITY.index(a) <= SEVERITY.index(b)


def _lines(
    node: dict[str, Any], path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for k, line in enumerate(node.get("bom", [])):
        yield (*path, "bom", k), line
        yield from _lines(line, (*path, "bom", k))


def _things(tx: Tx) -> Iterator[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    """Every item and BOM line: (label, path from the transaction, the object)."""
    for i, it in enumerate(tx["items"]):
        yield f"item {it['id']}", ("items", i), it
        for path, line in _lines(it):
            yield f"item {it['id']} line {line['id']}", ("items", i, *path), line


def _at(tx: Tx, path: tuple[Any, ...]) -> Any:
    node: Any = tx
    for key in path:
        node = node[key]
    return node


def _changed(tx: Tx, path: tuple[Any, ...], change: Callable[[dict[str, Any]], None]) -> Tx:
    new = copy.deepcopy(tx)
    change(_at(new, path))
    return new


def _is_cn_part_1(line: dict[str, Any]) -> bool:
    kind = next(
        (
            k
            for k, (fields, _, _) in KINDS.items()
            if all(line.get(f) == v for f, v in fields.items()) and fields
        ),
        None,
    )
    return line.get("origin") == "CN" and kind is not None and KINDS[kind][1]


def _fail(prop: str, tx: Tx, what: str, before: str, after: str) -> str:
    return (
        f"property {prop} broken: {what} turned {before} into {after}\n"
        f"transaction: {json.dumps(tx, sort_keys=True)}"
    )


# --- (a) more Chinese Part I content ----------------------------------------------


def more_content(tx: Tx) -> Iterator[Change]:
    for label, path, thing in _things(tx):
        if path[-2:-1] == ("bom",) and _is_cn_part_1(thing) and "value" in thing:
            yield (
                f"{label}: Chinese Part I value x10",
                _changed(
                    tx,
                    path,
                    lambda ln: ln["value"].__setitem__("amount", ln["value"]["amount"] * 10),
                ),
            )
    for i, it in enumerate(tx["items"]):
        if it.get("bom") and "value" in it:

            def add(node: dict[str, Any], it: dict[str, Any] = it) -> None:
                node["bom"].append(
                    {
                        "id": f"{it['id']}.cn-dy",
                        "material": {"elements": ["Dy"], "form": "metal"},
                        "origin": "CN",
                        "value": _money(
                            max(it["value"]["amount"], 1) * 0.01, it["value"]["currency"]
                        ),
                    }
                )

            yield (
                f"item {it['id']}: one more Chinese Dy metal line (1 % of its value)",
                _changed(tx, ("items", i), add),
            )


@SETTINGS
@given(tx=transaction())
def test_more_chinese_content_never_lowers_the_outcome(tx: Tx, opa_url: str) -> None:
    before = _outcome(tx, opa_url)
    for what, changed in more_content(tx):
        after = _outcome(changed, opa_url)
        assert _more_severe_or_equal(after, before), _fail("(a)", tx, what, before, after)


# --- (b) a military or listed party -------------------------------------------------


def harsher_parties(tx: Tx) -> Iterator[Change]:
    for k, p in enumerate(tx["parties"]):
        if not p.get("military"):
            yield (
                f"party {k} ({p['name']}) made military",
                _changed(tx, ("parties", k), lambda q: q.__setitem__("military", True)),
            )
        if p["name"] != LISTED:
            yield (
                f"party {k} ({p['name']}) renamed {LISTED}",
                _changed(tx, ("parties", k), lambda q: q.__setitem__("name", LISTED)),
            )
        yield (
            f"party {k} ({p['name']}) 60 % owned by {LISTED}",
            _changed(
                tx,
                ("parties", k),
                lambda q: q.setdefault("owners", []).append({"name": LISTED, "share": 0.6}),
            ),
        )
    new = copy.deepcopy(tx)
    new["parties"].append(
        {
            "role": "end_user",
            "name": "Example Defence Ltd.",
            "country": tx["destination"],
            "military": True,
        }
    )
    yield "a military end user added", new


@SETTINGS
@given(tx=transaction())
def test_military_or_listed_party_never_relaxes_the_outcome(tx: Tx, opa_url: str) -> None:
    before = _outcome(tx, opa_url)
    for what, changed in harsher_parties(tx):
        after = _outcome(changed, opa_url)
        assert _more_severe_or_equal(after, before), _fail("(b)", tx, what, before, after)


# --- (c) a fact removed ---------------------------------------------------------------


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    def remove(node: dict[str, Any]) -> None:
        node.pop(key)

    return remove


def fewer_facts(tx: Tx) -> Iterator[Change]:
    for label, path, thing in _things(tx):
        for field in ("value", "produced_with_cn_technologies", "control_code", "material"):
            if field in thing:
                yield f"{label}: {field} removed", _changed(tx, path, _without(field))
    for a, to in tx.get("fx_rates", {}).items():
        for b in to:
            yield f"fx rate {a}->{b} removed", _changed(tx, ("fx_rates", a), _without(b))


@SETTINGS
@given(tx=transaction())
def test_removing_a_fact_never_yields_not_required(tx: Tx, opa_url: str) -> None:
    before = _outcome(tx, opa_url)
    if before == "not_required":
        return
    for what, changed in fewer_facts(tx):
        after = _outcome(changed, opa_url)
        assert after != "not_required", _fail("(c)", tx, what, before, after)

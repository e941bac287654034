"""Rewrite the scenario cases' expectations from the current bundle (`make scenarios-update`).

Like snapshot testing: a legitimate change of the law or of the policy changes many expected
decisions at once. This decides every case through a real OPA and rewrites, where they differ,
the parts of `expect` the case already states (outcome, licensing policy, the listed items'
outcomes, the (provision, item) pairs of reasons and not_applied with the keys the case names,
and missing facts), then prints what changed. Nothing is committed: review the diff
(`git diff tests/scenarios`) and keep only what the law says; `make test` still judges.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from exportctl import Sidecar  # noqa: E402
from test_scenarios import (  # noqa: E402
    SCENARIOS,
    case_id,
    decision_for,
    load_case,
    scenario_paths,
    subset_match,
)


def _holds(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> bool:
    def pair(e: dict[str, Any]) -> tuple[Any, Any]:
        return e["provision"], e["item"]

    return {pair(e) for e in expected} == {pair(a) for a in actual} and all(
        any(pair(a) == pair(e) and subset_match(e, a) for a in actual) for e in expected
    )


def _updated_entries(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[Any]:
    """The actual (provision, item) pairs, each with the keys its expected entry named."""
    if _holds(expected, actual):
        return expected
    named = {(e["provision"], e["item"]): e for e in expected}
    entries: list[dict[str, Any]] = []
    for a in actual:
        pair = (a["provision"], a["item"])
        if pair in {(e["provision"], e["item"]) for e in entries}:
            continue
        old = named.get(pair, {"provision": pair[0], "item": pair[1], "outcome": a.get("outcome")})
        entry = {}
        for key, value in old.items():
            if key in ("provision", "item") or subset_match(value, a.get(key)):
                entry[key] = value
            elif key in a:
                entry[key] = a[key]
        entries.append(entry)
    return sorted(entries, key=lambda e: (e["provision"], e["item"]))


def updated(expect: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """`expect` rewritten so that the case holds for `decision`."""
    new = dict(expect)
    new["outcome"] = decision["outcome"]
    if "licensing_policy" in expect:
        if "licensing_policy" in decision:
            new["licensing_policy"] = decision["licensing_policy"]
        else:
            del new["licensing_policy"]
    if "items" in expect:
        outcomes = {i["id"]: i["outcome"] for i in decision["items"]}
        new["items"] = {item: outcomes.get(item, o) for item, o in expect["items"].items()}
    new["reasons"] = _updated_entries(expect["reasons"], decision["reasons"])
    if "not_applied" in expect:
        new["not_applied"] = _updated_entries(expect["not_applied"], decision["not_applied"])
    if "missing_facts" in expect:
        facts = {(m["item"], m["field"]) for m in decision["missing_facts"]}
        if facts != {(m["item"], m["field"]) for m in expect["missing_facts"]}:
            new["missing_facts"] = [{"item": i, "field": f} for i, f in sorted(facts)]
    return new


def main() -> int:
    changed = []
    with Sidecar() as opa:
        for path in scenario_paths():
            case = load_case(path)
            new = updated(case["expect"], decision_for(path, opa.url))
            if _canonical(new) != _canonical(case["expect"]):
                if case["expect"]["outcome"] != new["outcome"]:
                    print(f"{case_id(path)}: {case['expect']['outcome']} -> {new['outcome']}")
                path.write_text(with_expect(path.read_text(encoding="utf-8"), new))
                changed.append(case_id(path))
    print(f"{len(changed)} of {len(scenario_paths())} cases rewritten under {SCENARIOS}")
    print("review them with `git diff tests/scenarios` before committing")
    return 0


def with_expect(text: str, expect: dict[str, Any]) -> str:
    """The case file's text with only its `expect` value replaced, the rest left as written."""
    start = text.index('"expect":') + len('"expect":')
    while text[start] in " \n":
        start += 1
    _, end = json.JSONDecoder().raw_decode(text, start)
    return text[:start] + _compact(expect, 2) + text[end:]


def _compact(value: Any, indent: int) -> str:
    """JSON with every object or array that fits in a line of 100 on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= 100 or not isinstance(value, dict | list) or not value:
        return flat
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        parts = [f"{json.dumps(k)}: {_compact(v, indent + 2)}" for k, v in value.items()]
    else:
        parts = [_compact(v, indent + 2) for v in value]
    return (
        "{["[isinstance(value, list)]
        + "\n"
        + ",\n".join(inner + p for p in parts)
        + ("\n" + " " * indent + "}]"[isinstance(value, list)])
    )


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())

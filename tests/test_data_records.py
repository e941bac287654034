"""The law changes by data: an operator adds a record, no Rego is touched, and decisions follow."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from exportctl import Sidecar, decide

ROOT = Path(__file__).resolve().parents[1]
KR_MOTOR = orjson.loads((ROOT / "examples" / "kr-motor-de-minimis.json").read_bytes())


def _policies_with(tmp_path: Path, instrument_id: str, record: dict[str, object]) -> Path:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    folder = policies / "exportctl" / "instruments" / instrument_id
    folder.mkdir()
    (folder / "data.json").write_bytes(orjson.dumps(record))
    return policies


def _record(**measure: object) -> dict[str, object]:
    return {
        "title": "Hypothetical MOFCOM announcement recorded by an operator",
        "citation": "MOFCOM Announcement No. 99 of 2026 (test record)",
        "issuer": "MOFCOM",
        "published_on": "2026-11-09",
        "source": {"url": "https://example.test/no-99"},
        "clauses": {},
        **measure,
    }


@pytest.mark.parametrize(
    ("measure", "because", "would_apply_from"),
    [
        (
            {
                "suspends": [
                    {"instrument": "mofcom_2025_061", "from": "2026-11-11", "through": "2027-11-10"}
                ]
            },
            "suspended by MOFCOM Announcement No. 99 of 2026 (test record) from 2026-11-11",
            "2027-11-11",
        ),
        (
            {"repeals": [{"instrument": "mofcom_2025_061", "from": "2026-11-11"}]},
            "lapsed: mofcom_2025_061/content_rule ceased to apply on 2026-11-11",
            None,
        ),
    ],
    ids=["extension", "repeal"],
)
def test_an_added_record_changes_the_decision(
    tmp_path: Path, measure: dict[str, object], because: str, would_apply_from: str | None
) -> None:
    assert decide(KR_MOTOR).outcome == "license_required"
    policies = _policies_with(tmp_path, "mofcom_2026_099", _record(**measure))
    with Sidecar(policies) as opa:
        decision = decide(KR_MOTOR, opa_url=opa.url)
    assert decision.outcome == "not_required"
    [not_applied] = [
        n for n in decision.not_applied if n.provision == "mofcom_2025_061/content_rule"
    ]
    assert because in not_applied.because
    assert not_applied.would_apply_from == would_apply_from

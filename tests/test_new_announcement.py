"""A new announcement of an existing shape is data and a provision of a few lines, no Rego edit.

The test adds to a copy of the bundle what issue 8 says such a change is: one instrument record
and one provision folder whose rule is a single line over the shape library, then derives the
bundle's index from the records as `make docs` does. Through a real OPA,
the new provision then decides an export of the listed element from its effective date, and the
decision names it and cites the record; before that date it is not applied and says from when.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson

from exportctl import Sidecar
from exportctl._client import OpaClient
from exportctl._derive import write_index

ROOT = Path(__file__).resolve().parents[1]
ID = "mofcom_gac_2099_001"
CLAUSE = f"{ID}/items_licence"

RECORD = {
    "title": "Test Announcement No. 1 of 2099 on export controls on niobium-related items",
    "citation": "Test Announcement No. 1 of 2099",
    "issuer": "MOFCOM; General Administration of Customs",
    "published_on": "2099-01-01",
    "source": {"url": "https://example.invalid/announcement-1-2099"},
    "clauses": {
        "items_licence": {
            "article": "Part 1",
            "summary": "Exporters in China need a dual-use export licence for niobium items.",
            "effective_from": "2099-02-01",
            "elements": ["Nb"],
            "confidence": "high",
            "sources": ["https://example.invalid/announcement-1-2099"],
        }
    },
}

PROVISION = f"""# METADATA
# title: Export from China of niobium items needs a licence
# description: >-
#   Test Announcement No. 1 of 2099 requires a dual-use export licence for niobium items.
# related_resources:
#   - description: The announcement
#     ref: https://example.invalid/announcement-1-2099
# custom:
#   id: {CLAUSE}
#   aliases:
#     - cn_export_test_2099
# schemas:
#   - input: schema["transaction.schema"]
package exportctl.provisions.{ID}.items_licence

import data.exportctl.lib.listed_export

findings := listed_export.by_element(rego.metadata.chain())
"""


def _transaction(date: str) -> dict[str, Any]:
    return {
        "id": "NB-1",
        "date": date,
        "transferor": {"name": "Exporter", "country": "CN"},
        "destination": "DE",
        "parties": [{"role": "end_user", "name": "Buyer", "country": "DE", "military": False}],
        "end_use": {"categories": ["civil"]},
        "items": [
            {
                "id": "1",
                "origin": "CN",
                "description": "niobium metal",
                "material": {"elements": ["Nb"], "form": "metal"},
                "value": {"amount": 1000, "currency": "USD"},
            }
        ],
    }


def test_a_record_and_a_one_line_provision_decide_a_new_announcement(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    record = policies / "exportctl" / "instruments" / ID / "data.json"
    record.parent.mkdir()
    record.write_bytes(orjson.dumps(RECORD))
    provision = policies / "exportctl" / "provisions" / ID / "items_licence" / "provision.rego"
    provision.parent.mkdir(parents=True)
    provision.write_text(PROVISION)
    write_index(policies)  # what `make docs` does

    with Sidecar(policies) as opa:
        client = OpaClient(opa.url, token=opa.token)
        try:
            before = client.decide(_transaction("2099-01-31"))
            after = client.decide(_transaction("2099-02-01"))
        finally:
            client.close()

    assert [(r.provision, r.item, r.outcome) for r in after.reasons] == [
        (CLAUSE, "1", "license_required")
    ]
    assert after.outcome == "license_required"
    assert after.reasons[0].citation.instrument == "Test Announcement No. 1 of 2099"
    # Before its date the new clause neither requires nor asks anything; the item's category is
    # still asked by the announcements that list items by category (Nos. 55 and 58).
    assert before.reasons == ()
    assert {m.provision for m in before.missing_facts} == {
        "mofcom_gac_2025_055/items_licence",
        "mofcom_gac_2025_058/items_licence",
    }
    assert [(n.provision, n.would_apply_from) for n in before.not_applied] == [
        (CLAUSE, "2099-02-01")
    ]

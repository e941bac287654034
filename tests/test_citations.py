"""Citations: each record says who published the copy it was read from and what the encoding
rests on, names the official text where one was located (and where it was found), and every
reason carries that citation and the record's confidence, shown in text and markdown."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exportctl import Decision, decide
from exportctl._render import render

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENTS = ROOT / "policies" / "exportctl" / "instruments"
RECORDS = {
    path.parent.name: json.loads(path.read_text()) for path in INSTRUMENTS.glob("*/data.json")
}
SCHEMA = Draft202012Validator(
    json.loads((ROOT / "schemas" / "instrument.schema.json").read_text()),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)
OFFICIAL_HOSTS = ("www.mofcom.gov.cn/", "english.mofcom.gov.cn/", "exportcontrol.mofcom.gov.cn/")

GERMANIUM_EXPORT = {
    "id": "GE-1",
    "date": "2026-05-01",
    "transferor": {"name": "Exporter", "country": "CN"},
    "destination": "DE",
    "parties": [{"role": "end_user", "name": "Customer", "country": "DE", "military": False}],
    "end_use": {"categories": ["civil"]},
    "items": [{"id": "1", "material": {"elements": ["Ge"], "form": "metal"}, "origin": "CN"}],
}
"""Licensed under MOFCOM/GAC No. 23 of 2023, whose official text was not located."""


@pytest.mark.parametrize("instrument", sorted(RECORDS))
def test_every_record_names_its_copy_and_what_it_rests_on(instrument: str) -> None:
    source = RECORDS[instrument]["source"]
    assert source["publisher"].strip()
    assert source["rests_on"] in ("official", "secondary")
    official = source.get("official")
    if source["rests_on"] == "official":
        # Read from the official text: the copy read is the official page (or its snapshot).
        assert official is not None and official["url"] == source["url"], instrument
    if official:
        assert official["url"].split("://", 1)[1].startswith(OFFICIAL_HOSTS), instrument
        assert official["found_in"].strip() and official["title"].strip()
    for name, clause in RECORDS[instrument]["clauses"].items():
        if "url" in clause:
            assert clause["publisher"] and clause["rests_on"] in ("official", "secondary"), name


def test_most_records_rest_on_a_secondary_copy_and_say_so() -> None:
    # The data was read mostly from news and republications: none of them may pass for the
    # official text.
    rests = [r["source"]["rests_on"] for r in RECORDS.values()]
    assert rests.count("secondary") >= 25
    not_located = [i for i, r in RECORDS.items() if "official" not in r["source"]]
    assert "mofcom_gac_2023_023" in not_located and len(not_located) >= 5


def test_an_older_record_without_the_new_fields_still_validates() -> None:
    older = copy.deepcopy(RECORDS["mofcom_gac_2023_023"])
    for key in ("publisher", "rests_on", "official"):
        older["source"].pop(key, None)
    assert SCHEMA.is_valid(older)


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("source", {"rests_on": "primary"}),
        (
            "source",
            {"official": {"url": "https://news.example.test/x", "title": "X", "found_in": "Y"}},
        ),
        ("source", {"official": {"url": "http://www.mofcom.gov.cn/x.html", "title": "X"}}),
        ("clause", {"url": "https://news.example.test/x"}),
    ],
)
def test_the_schema_refuses_a_muddled_citation(where: str, change: dict[str, Any]) -> None:
    record = copy.deepcopy(RECORDS["mofcom_gac_2025_018"])
    target = record["source"] if where == "source" else record["clauses"]["items_licence"]
    target.update(change)
    assert not SCHEMA.is_valid(record)


def decided(opa_url: str, transaction: dict[str, Any]) -> Decision:
    return decide(transaction, opa_url)


def test_a_reason_cites_the_official_text_and_the_copy_read(
    opa_url: str, decision_schema: Draft202012Validator
) -> None:
    example = json.loads((ROOT / "examples" / "kr-motor-de-minimis.json").read_text())
    decision = decided(opa_url, example)
    decision_schema.validate(decision.document())
    (reason,) = decision.reasons
    source = RECORDS["mofcom_2025_061"]["source"]
    assert reason.citation.url == source["url"]
    assert reason.citation.read == {"url": source["url"], "publisher": source["publisher"]}
    assert reason.citation.rests_on == "secondary"
    assert reason.citation.official == {
        "url": source["official"]["url"],
        "title": source["official"]["title"],
    }
    assert reason.confidence == RECORDS["mofcom_2025_061"]["clauses"]["content_rule"]["confidence"]


def test_an_official_text_not_located_is_said_so(
    opa_url: str, decision_schema: Draft202012Validator
) -> None:
    decision = decided(opa_url, GERMANIUM_EXPORT)
    decision_schema.validate(decision.document())
    (reason,) = decision.reasons
    assert reason.clause == "mofcom_gac_2023_023/items_licence"
    assert reason.citation.official is None and reason.citation.rests_on == "secondary"
    publisher = RECORDS["mofcom_gac_2023_023"]["source"]["publisher"]
    table = render(decision, "table", 100)
    markdown = render(decision, "markdown")
    for shown in (table, markdown):
        assert "official text not located" in shown
        assert f"{publisher} (secondary copy); the encoding rests on this copy" in " ".join(
            shown.split()
        )
    assert "- **Confidence:** medium (the clause record's)" in markdown

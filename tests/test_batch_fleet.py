"""`exportctl batch` over a fleet of real OPA sidecars: every id answered once, the answers of
single decisions, resumable, and refused when the sidecars serve different bundles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from exportctl import Sidecar, decide_many
from exportctl._paths import policies_dir
from test_batch import OpaResult, batch, jsonl, read_out, transactions, without_audit


@pytest.fixture(scope="module")
def second_sidecar() -> Iterator[Sidecar]:
    """A second OPA serving the same bundle as the session's."""
    with Sidecar() as opa:
        yield opa


def fleet_args(*urls: str) -> list[str]:
    return [arg for url in urls for arg in ("--opa-url", url)]


def fleet_batch(source: Path, out: Path, chunk_size: int, *urls: str) -> Result:
    """`exportctl batch SOURCE -o OUT --chunk-size N --opa-url URL ...`, in this process."""
    return batch(str(source), "-o", str(out), "--chunk-size", str(chunk_size), *fleet_args(*urls))


def decided_by(stderr: str) -> dict[str, int]:
    """The summary's `from URL  N` rows."""
    rows = [line.split() for line in stderr.splitlines() if line.strip().startswith("from ")]
    return {url: int(n.replace(",", "")) for _, url, n in rows}


def test_every_id_is_answered_once_as_a_single_decision_would(
    tmp_path: Path, sidecar: Sidecar, second_sidecar: Sidecar, opa_result: OpaResult
) -> None:
    txs = transactions(40, bom_lines=3)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))

    result = fleet_batch(source, out, 5, sidecar.url, second_sidecar.url)

    assert result.exit_code == 0, result.output
    records = read_out(out)
    assert [r["transaction_id"] for r in records] == [tx["id"] for tx in txs]
    for tx, record in zip(txs, records, strict=True):
        assert without_audit(record) == opa_result(tx)
    # Eight chunks of five, in turn: four to each sidecar.
    assert decided_by(result.stderr) == {sidecar.url: 20, second_sidecar.url: 20}


def test_a_stopped_run_over_the_fleet_resumes_without_loss_or_duplicates(
    tmp_path: Path, sidecar: Sidecar, second_sidecar: Sidecar
) -> None:
    txs = transactions(30)
    urls = (sidecar.url, second_sidecar.url)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    # An earlier run stopped after 12 transactions, cut short while writing the 13th.
    source.write_bytes(jsonl(txs[:13]))
    assert fleet_batch(source, out, 4, *urls).exit_code == 0
    written = out.read_bytes()
    out.write_bytes(written[: written.rindex(b"\n", 0, len(written) - 1) + 40])
    source.write_bytes(jsonl(txs))

    resumed = fleet_batch(source, out, 4, *urls)

    assert resumed.exit_code == 0, resumed.output
    assert "skipped 12 already in the output" in resumed.stderr
    assert "was cut short" in resumed.stderr
    ids = [r["transaction_id"] for r in read_out(out)]
    assert ids == [tx["id"] for tx in txs]
    assert sum(decided_by(resumed.stderr).values()) == 18


def test_sidecars_that_serve_different_bundles_stop_the_run(
    tmp_path: Path, sidecar: Sidecar, second_sidecar: Sidecar
) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(policies_dir(), policies)
    decision_rego = policies / "exportctl" / "decision.rego"
    decision_rego.write_text(decision_rego.read_text() + "\n# another revision\n")
    txs = transactions(12)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(txs))

    with Sidecar(policies) as other:
        other_url, other_revision = other.url, other.revision
        stopped = fleet_batch(source, out, 4, sidecar.url, other_url)

    assert other_revision != sidecar.revision
    assert stopped.exit_code == 3
    assert "the sidecars disagree" in stopped.stderr
    assert f"OPA at {other_url} answered with policy revision {other_revision!r}" in (
        stopped.stderr
    )
    assert [r["transaction_id"] for r in read_out(out)] == [tx["id"] for tx in txs[:4]]
    resumed = fleet_batch(source, out, 4, sidecar.url, second_sidecar.url)
    assert resumed.exit_code == 0, resumed.output
    records = read_out(out)
    assert [r["transaction_id"] for r in records] == [tx["id"] for tx in txs]
    assert {r["policy"]["revision"] for r in records} == {sidecar.revision}


def test_one_url_from_the_environment_and_a_bad_one_among_several(
    tmp_path: Path, sidecar: Sidecar, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(jsonl(transactions(3)))
    monkeypatch.setenv("EXPORTCTL_OPA_URL", sidecar.url)

    from_environment = batch(str(source), "-o", str(out))
    bad = batch(str(source), "-o", str(tmp_path / "x.jsonl"), *fleet_args(sidecar.url, "opa:8181"))

    assert from_environment.exit_code == 0, from_environment.output
    assert len(read_out(out)) == 3
    assert bad.exit_code == 3
    assert bad.stderr.startswith("exportctl: error: --opa-url: OPA URL 'opa:8181'")
    assert len(bad.stderr.splitlines()) == 1


def test_decide_many_spreads_over_the_fleet_too(
    sidecar: Sidecar, second_sidecar: Sidecar, opa_result: OpaResult
) -> None:
    txs = transactions(9)

    decisions = decide_many(txs, [sidecar.url, second_sidecar.url], chunk_size=2)

    assert [without_audit(d.document()) for d in decisions] == [opa_result(tx) for tx in txs]

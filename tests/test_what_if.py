"""`exportctl decide --date D`: the same transaction asked on another day, said so, and recorded
as decided."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from exportctl._audit import canonical_json

ROOT = Path(__file__).resolve().parents[1]
EXPORTCTL = Path(sys.executable).with_name("exportctl")
# A Japanese re-export of Chinese terbium oxide on 2026-03-10, while No. 61 was suspended.
SUSPENDED = ROOT / "examples" / "jp-reexport-during-suspension.json"


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}
    return subprocess.run(
        [str(EXPORTCTL), *args], capture_output=True, env=environment, timeout=120
    )


def test_decide_on_another_day_says_so_and_decides_that_day(opa_url: str, tmp_path: Path) -> None:
    own = run("decide", "-f", "json", "--opa-url", opa_url, str(SUSPENDED))
    what_if = run(
        "decide", "-f", "json", "--opa-url", opa_url, "--date", "2026-12-01", "--record",
        str(tmp_path / "audit"), str(SUSPENDED),
    )  # fmt: skip

    on_own_day, on_other_day = orjson.loads(own.stdout), orjson.loads(what_if.stdout)
    assert own.stderr == b""
    assert what_if.stderr == (
        b"exportctl: warning: what-if (--date): decided as on 2026-12-01, not on the "
        b"transaction's own date (2026-03-10)\n"
    )
    assert on_own_day["date"] == "2026-03-10"
    assert on_other_day["date"] == "2026-12-01"
    # The suspension of No. 61 ended on 2026-11-10: the same re-export is decided otherwise.
    assert on_own_day["outcome"] != on_other_day["outcome"]
    assert "mofcom_2025_061/origin_rule" in [r["provision"] for r in on_other_day["reasons"]]
    # What was decided, posted and recorded is the transaction on the day decided.
    transaction = {**orjson.loads(SUSPENDED.read_bytes()), "date": "2026-12-01"}
    digest = hashlib.sha256(canonical_json(transaction)).hexdigest()
    assert on_other_day["audit"]["input_sha256"] == digest
    [log] = (tmp_path / "audit").glob("audit-*.jsonl")
    [record] = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    assert record["input"]["date"] == "2026-12-01"
    assert record["input_sha256"] == digest
    assert record["outcome"] == on_other_day["outcome"]


@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_a_report_says_in_its_warnings_that_the_date_was_replaced(
    output_format: str, opa_url: str
) -> None:
    process = run(
        "decide", "-f", output_format, "--opa-url", opa_url, "--date", "2026-12-01",
        str(SUSPENDED),
    )  # fmt: skip

    assert process.returncode == 1, process.stderr
    assert process.stderr == b""  # said once, in the report
    text = " ".join(process.stdout.decode().split())
    first_warning = text.split("Warnings", 1)[1].lstrip(" #•-")
    assert first_warning.startswith(
        "what-if (--date): decided as on 2026-12-01, not on the transaction's own date (2026-03-10)"
    )


def test_the_same_day_decides_without_a_warning(opa_url: str) -> None:
    process = run("decide", "--opa-url", opa_url, "--date", "2026-03-10", str(SUSPENDED))

    assert process.returncode == 0, process.stderr
    assert process.stderr == b""


def test_a_bad_date_is_refused_naming_the_option() -> None:
    process = run("decide", "--date", "1 December 2026", str(SUSPENDED))

    assert process.returncode == 2
    assert process.stderr == (
        b"exportctl: error: --date: '1 December 2026' is not a date (YYYY-MM-DD)\n"
    )

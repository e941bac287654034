"""`exportctl provisions`: every provision and its status on a day, through a real OPA."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from typer.testing import CliRunner

from exportctl import Sidecar
from exportctl._cli import app

EXPORTCTL = Path(sys.executable).with_name("exportctl")


def test_json_gives_every_provision_with_its_status_on_the_day(opa_url: str) -> None:
    result = CliRunner().invoke(
        app, ["provisions", "--date", "2026-01-01", "-f", "json", "--opa-url", opa_url]
    )
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in orjson.loads(result.stdout)}
    assert rows["mofcom_gac_2025_018/items_licence"]["state"] == "in_force"
    content = rows["mofcom_2025_061/content_rule"]
    assert content["state"] == "suspended"
    assert content["would_apply_from"] == "2026-11-11"
    assert content["status"] == "suspended, applies again from 2026-11-11"
    assert content["instrument"] == "MOFCOM Announcement No. 61 of 2025"
    assert content["article"] == "Art. 1(1)"
    before = CliRunner().invoke(
        app, ["provisions", "--date", "2026-01-05", "-f", "json", "--opa-url", opa_url]
    )
    japan = {row["id"]: row for row in orjson.loads(before.stdout)}["mofcom_2026_001/military_ban"]
    assert (japan["state"], japan["would_apply_from"]) == ("not_yet_in_force", "2026-01-06")


def test_table_and_markdown_as_a_real_subprocess(sidecar: Sidecar) -> None:
    for output_format, marker in (
        ("table", "Provisions on 2026-12-01"),
        ("markdown", "| `state_council_2024_792/control_list` |"),
    ):
        done = subprocess.run(
            [str(EXPORTCTL), "provisions", "--date", "2026-12-01", "-f", output_format],
            capture_output=True,
            env={
                "EXPORTCTL_OPA_URL": sidecar.url,
                "EXPORTCTL_OPA_TOKEN": sidecar.token,
                "PATH": "/usr/bin:/bin",
                "COLUMNS": "200",
            },
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert marker in done.stdout.decode()


def test_a_bad_date_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(app, ["provisions", "--date", "2026-13-45"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "--date" in result.output


def test_the_review_date_and_its_age_are_shown(opa_url: str) -> None:
    later = CliRunner().invoke(
        app, ["provisions", "--date", "2026-12-02", "-f", "markdown", "--opa-url", opa_url]
    )
    assert later.exit_code == 0, later.output
    reviewed = orjson.loads(
        (Path(__file__).parents[1] / "policies/exportctl/config/data.json").read_bytes()
    )["data_reviewed_on"]
    assert f"Legal data reviewed on {reviewed}, " in later.stdout
    assert "measures published after the review are not covered" in later.stdout
    earlier = CliRunner().invoke(
        app, ["provisions", "--date", reviewed, "-f", "markdown", "--opa-url", opa_url]
    )
    assert earlier.stdout.rstrip().endswith(f"Legal data reviewed on {reviewed}.")


def test_one_provision_by_its_id_or_an_earlier_id(opa_url: str) -> None:
    def ids(name: str) -> list[str]:
        result = CliRunner().invoke(
            app, ["provisions", name, "--date", "2026-12-01", "-f", "json", "--opa-url", opa_url]
        )
        assert result.exit_code == 0, result.output
        return [row["id"] for row in orjson.loads(result.stdout)]

    expected = ["mofcom_2025_061/content_rule"]
    assert ids("mofcom_2025_061/content_rule") == expected
    assert ids("CN-REE-0061-01") == expected
    assert ids("cn_no61_content") == expected
    unknown = CliRunner().invoke(app, ["provisions", "CN-REE-9999-99", "--opa-url", opa_url])
    assert unknown.exit_code == 2
    assert "CN-REE-9999-99" in unknown.output

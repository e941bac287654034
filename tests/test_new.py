"""`exportctl new`: a filled transaction of each common shape, valid against the schema, that a
real OPA decides without missing facts; and the README's Vietnam question, start to answer."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from exportctl._cli import app
from exportctl._cli.new import Shape
from exportctl._docs import VIETNAM_BLOCK, vietnam_question

ROOT = Path(__file__).resolve().parents[1]
EXPORTCTL = Path(sys.executable).with_name("exportctl")
SCHEMA = orjson.loads((ROOT / "schemas" / "transaction.schema.json").read_bytes())
REFERENCE = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
EXIT_CODES = {
    "not_required": 0,
    "exempt": 0,
    "licensed": 0,
    "license_required": 1,
    "prohibited": 1,
}

runner = CliRunner()


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}
    return subprocess.run(
        [str(EXPORTCTL), *args], capture_output=True, env=environment, timeout=120
    )


def load(path: Path) -> Any:
    text = path.read_bytes()
    return orjson.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def test_every_shape_has_a_template_shipped_as_package_data() -> None:
    templates = ROOT / "pyclient" / "exportctl" / "templates"
    assert {path.stem for path in templates.glob("*.yaml")} == {shape.value for shape in Shape}
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"templates/*.yaml"' in pyproject


@pytest.mark.parametrize("shape", list(Shape))
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_new_writes_a_valid_transaction_that_decides_definitely(
    shape: Shape, suffix: str, opa_url: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{shape}{suffix}"

    written = invoke("new", str(shape), "--output", str(path), "--date", "2026-12-01")
    decided = run("decide", "-f", "json", "--opa-url", opa_url, str(path))

    assert written.exit_code == 0, written.output
    assert f"wrote {path}" in written.stderr
    transaction = load(path)
    # The schema itself says it is valid (yaml.safe_load would turn an unquoted date into a
    # date object: the template quotes it).
    assert list(REFERENCE.iter_errors(transaction)) == []
    assert transaction["date"] == "2026-12-01"
    decision = orjson.loads(decided.stdout)
    assert decision["outcome"] in EXIT_CODES, decision  # not insufficient_information
    assert decision["missing_facts"] == []
    assert decision["reasons"] or decision["outcome"] == "not_required"
    assert decided.returncode == EXIT_CODES[decision["outcome"]], decided.stderr


@pytest.mark.parametrize("shape", list(Shape))
def test_the_yaml_and_the_json_of_a_shape_are_one_transaction(shape: Shape) -> None:
    as_yaml = invoke("new", str(shape), "--date", "2026-11-30")
    as_json = invoke("new", str(shape), "--date", "2026-11-30", "--format", "json")

    assert as_yaml.exit_code == as_json.exit_code == 0
    assert as_yaml.stdout.startswith("# ")  # commented for the person who edits it
    assert yaml.safe_load(as_yaml.stdout) == orjson.loads(as_json.stdout)


def test_the_date_is_today_unless_given() -> None:
    before = datetime.datetime.now(datetime.UTC).date().isoformat()
    result = invoke("new", "export", "-f", "json")
    after = datetime.datetime.now(datetime.UTC).date().isoformat()

    assert result.exit_code == 0
    assert orjson.loads(result.stdout)["date"] in (before, after)


def test_new_refuses_to_replace_a_file_and_a_bad_date(tmp_path: Path) -> None:
    path = tmp_path / "shipment.yaml"
    path.write_text("mine\n")

    replaced = invoke("new", "export", "-o", str(path))
    bad_date = invoke("new", "export", "--date", "2026-02-30")

    assert replaced.exit_code == 2
    assert replaced.stderr == f"exportctl: error: {path} exists: remove it or choose another name\n"
    assert path.read_text() == "mine\n"
    assert bad_date.exit_code == 2
    assert bad_date.stderr.startswith("exportctl: error: --date: '2026-02-30' is not a date")


def test_the_vietnam_question_from_start_to_answer(opa_url: str, tmp_path: Path) -> None:
    """As README.md, "Asking a question": does this shipment to Vietnam, on 1 December 2026,
    need a MOFCOM licence, and why?"""
    path = tmp_path / "shipment.yaml"
    assert invoke("new", "export", "-o", str(path)).exit_code == 0
    text = path.read_text()
    for line, edited in [('destination: "DE"', "destination: VN"), ("date: ", "date: 2026-12-01")]:
        [old] = [row for row in text.splitlines() if row.startswith(line)]
        text = text.replace(old, edited)
    text = text.replace('country: "DE"', "country: VN")
    path.write_text(text)

    decided = run("decide", "-f", "json", "--opa-url", opa_url, str(path))
    table = run("decide", "--opa-url", opa_url, str(path))

    assert decided.returncode == table.returncode == 1, decided.stderr
    decision = orjson.loads(decided.stdout)
    assert (decision["date"], decision["outcome"]) == ("2026-12-01", "license_required")
    assert [r["provision"] for r in decision["reasons"]] == ["mofcom_gac_2025_018/items_licence"]
    assert decision["reasons"][0]["facts"]["destination"] == "VN"
    assert b"LICENSE REQUIRED" in table.stdout
    assert b"mofcom_gac_2025_018/items_licence" in table.stdout


def test_the_readme_shows_the_vietnam_question_as_it_runs(opa_url: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = VIETNAM_BLOCK.search(readme)

    assert match, "README.md lacks its <!-- vietnam-question --> block"
    assert match.group(2) == vietnam_question(opa_url), "README.md is stale: run `make docs`"
    assert "exportctl new export -o shipment.yaml" in readme
    assert "exited with 1\n```" in match.group(2)  # license_required, as the README says

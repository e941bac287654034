""".github/workflows/policy-review.yml: the commands it runs, run here as GitHub would run them.

The workflow cannot run here; its steps' commands can. The diff step runs, word for word, in a
clone of the project whose pull request changes one `through` date, with `origin/main` the
project's main as `actions/checkout` with full history leaves it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from exportctl._render.diff import COMMENT_LIMIT
from exportctl._render.text import NOT_LEGAL_ADVICE

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "policy-review.yml"
SUSPENSION_FILE = Path("policies/exportctl/instruments/mofcom_gac_2025_070/data.json")
GITHUB = {
    "github.server_url": "https://github.com",
    "github.repository": "example/exportctl",
    "github.run_id": "4242",
}
"""The `github` context the steps' expressions read, as a run would give it."""


def workflow() -> dict[Any, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def steps() -> list[dict[str, Any]]:
    found = workflow()["jobs"]["review"]["steps"]
    assert isinstance(found, list)
    return found


def step(named: str) -> dict[str, Any]:
    (found,) = [s for s in steps() if s.get("name") == named]
    return found


def expanded(value: str) -> str:
    """`value` with its `${{ github.… }}` expressions replaced as a run would replace them."""
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: GITHUB[m.group(1)], value)


def run_step(
    found: Mapping[str, Any], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run a step's `run` script as GitHub runs `shell: bash`: `bash --noprofile --norc -eo
    pipefail`, with the step's `env`."""
    assert workflow()["defaults"]["run"]["shell"] == "bash"
    step_env = {name: expanded(str(value)) for name, value in found.get("env", {}).items()}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", found["run"]],
        cwd=cwd,
        env={**os.environ, **env, **step_env},
        capture_output=True,
        text=True,
        check=False,
    )


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=exportctl tests", "-c", "user.email=tests@exportctl.invalid"]
        + list(args),
        cwd=cwd,
        capture_output=True,
        check=True,
    )


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A checkout of a pull request against main: a clone of the project (its `origin/main` is
    the project's main) whose last commit ends No. 70's suspension of No. 61 a year late. The
    clone's `.venv` is the project's, as `make test` would have left it."""
    clone = tmp_path_factory.mktemp("workflow") / "exportctl"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=ROOT)
    # origin/main is the commit cloned, whatever branches the project's checkout has (in CI a
    # pull request's merge commit, with main only as a remote-tracking branch).
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=clone)
    path = clone / SUSPENSION_FILE
    record = orjson.loads(path.read_bytes())
    for suspension in record["suspends"]:
        if suspension["instrument"] == "mofcom_2025_061":
            suspension["through"] = "2027-11-10"
    path.write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2) + b"\n")
    git("commit", "--quiet", "--all", "--message", "No. 70 through 2027-11-10", cwd=clone)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    yield clone
    shutil.rmtree(clone, ignore_errors=True)


def test_it_runs_on_pull_requests_that_touch_the_policies() -> None:
    document = workflow()
    on = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true

    assert on == {"pull_request": {"paths": ["policies/**"]}}
    assert document["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_it_checks_out_with_full_history_and_runs_make_test() -> None:
    (checkout,) = [s for s in steps() if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    assert steps().index(checkout) == 0
    assert step("Test")["run"] == "make test"
    # `make test` is a target of this Makefile, which runs the test script.
    done = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "scripts/test.sh" in done.stdout


def test_the_diff_step_writes_a_comment_that_fits_and_the_full_report(
    pull_request: Path,
) -> None:
    diff = step("Diff the decisions against main")
    assert "exportctl diff --base origin/main --format markdown" in diff["run"]

    done = run_step(diff, pull_request, {"EXPORTCTL_POLICIES": str(pull_request / "policies")})

    assert done.returncode == 0, done.stderr
    comment = (pull_request / "comment.md").read_text(encoding="utf-8")
    assert len(comment.encode()) < COMMENT_LIMIT
    assert comment.startswith("## exportctl diff: origin/main (")
    changed = int(re.search(r"\*\*(\d+) of \d+ decisions changed\*\*", comment)[1])  # type: ignore[index]
    assert changed > 0
    assert "`mofcom_2025_061/content_rule`" in comment
    run_url = "https://github.com/example/exportctl/actions/runs/4242"
    assert (
        f"The full report, every changed decision: [policy-review.md]({run_url}) "
        "(an artifact of the workflow run)."
    ) in comment
    assert comment.endswith(f"_{NOT_LEGAL_ADVICE}_\n")
    report = (pull_request / "policy-review.md").read_text(encoding="utf-8")
    assert report.count("\n#### `") == changed

    # The artifact is the report the diff wrote, the comment the file it wrote.
    keep = step("Keep the full report")
    assert str(keep["uses"]).startswith("actions/upload-artifact@")
    assert keep["with"]["path"] == "policy-review.md"
    post = step("Comment on the pull request")
    assert "gh pr comment" in post["run"] and "--body-file comment.md" in post["run"]
    assert post["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_the_diff_step_fails_when_diff_fails(pull_request: Path, tmp_path: Path) -> None:
    broken = tmp_path / "no-main"
    git("clone", "--quiet", str(pull_request), str(broken), cwd=tmp_path)
    (broken / ".venv").symlink_to(ROOT / ".venv")
    # Without an origin/main (this clone's would be the pull request's branch) diff exits 2.
    subprocess.run(["git", "update-ref", "-d", "refs/remotes/origin/main"], cwd=broken, check=False)
    missing = ["git", "rev-parse", "--verify", "--quiet", "origin/main"]
    assert subprocess.run(missing, cwd=broken, capture_output=True, check=False).returncode != 0

    done = run_step(
        step("Diff the decisions against main"),
        broken,
        {"EXPORTCTL_POLICIES": str(broken / "policies")},
    )

    assert done.returncode == 2
    assert "--base origin/main: not a revision" in done.stderr

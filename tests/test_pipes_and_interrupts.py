"""A reader that stops reading a listing (`exportctl timeline | head`) is no failure, and Ctrl-C
in `batch` says how to resume: both with real processes, pipes and signals, and a real OPA."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORTCTL = Path(sys.executable).with_name("exportctl")
TB_MAGNET = orjson.loads((ROOT / "examples" / "cn-export-tb-magnet.json").read_bytes())
LISTINGS = [
    ["timeline"],
    ["timeline", "--width", "400"],
    ["timeline", "--svg", "-"],
    ["provisions", "-f", "json"],
    ["provisions", "-f", "markdown"],
    ["new", "reexport"],
]


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "EXPORTCTL_OPA_URL"}


def into_a_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """`exportctl ARGS` writing to a pipe whose reader is gone before the first write, as
    `| head -0`."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [str(EXPORTCTL), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=environment(),
            timeout=60,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", LISTINGS, ids=[" ".join(args) for args in LISTINGS])
def test_a_listing_into_a_closed_pipe_exits_0(args: list[str], opa_url: str) -> None:
    process = into_a_closed_pipe([*args, *(["--opa-url", opa_url] if args[0] != "new" else [])])

    assert process.returncode == 0, process.stderr
    assert process.stderr == b""


@pytest.mark.parametrize("args", LISTINGS[:4], ids=[" ".join(args) for args in LISTINGS[:4]])
def test_a_listing_piped_into_head_exits_0(args: list[str], opa_url: str) -> None:
    command = " ".join([str(EXPORTCTL), *args, "--opa-url", opa_url])
    full = subprocess.run(
        [str(EXPORTCTL), *args, "--opa-url", opa_url],
        capture_output=True,
        env=environment(),
        timeout=60,
    )

    process = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} | head -n 3"],
        capture_output=True,
        env=environment(),
        timeout=60,
    )

    assert process.returncode == 0, process.stderr
    assert process.stderr in (b"", full.stderr)  # `provisions` notes the data's age, if it can
    assert process.stdout == b"".join(full.stdout.splitlines(keepends=True)[:3])


HELP_PAGES = [["--help"], ["decide", "--help"], ["audit", "-h"], ["fleet", "status", "--help"]]


@pytest.mark.parametrize("args", HELP_PAGES, ids=[" ".join(args) for args in HELP_PAGES])
def test_a_help_page_into_a_closed_pipe_exits_0(args: list[str]) -> None:
    process = into_a_closed_pipe(args)

    assert process.returncode == 0, process.stderr
    assert process.stderr == b""


def test_decide_into_a_closed_pipe_still_fails(opa_url: str) -> None:
    # decide's exit code is its outcome: a lost answer is a failed write (exit 3), not 0 or 1.
    example = str(ROOT / "examples" / "cn-export-tb-magnet.json")
    process = into_a_closed_pipe(["decide", "--opa-url", opa_url, example])

    assert process.returncode == 3


@pytest.mark.parametrize("sidecar_of_its_own", [False, True], ids=["opa-url", "own-sidecar"])
def test_ctrl_c_in_batch_says_how_to_resume_and_the_rerun_finishes(
    sidecar_of_its_own: bool, opa_url: str, tmp_path: Path
) -> None:
    source, out = tmp_path / "orders.jsonl", tmp_path / "decisions.jsonl"
    ids = [f"SO-{n}" for n in range(4000)]
    source.write_bytes(b"".join(orjson.dumps({**TB_MAGNET, "id": i}) + b"\n" for i in ids))
    command = [str(EXPORTCTL), "batch", str(source), "--output", str(out)]
    engine = [] if sidecar_of_its_own else ["--opa-url", opa_url]
    slow = ["--chunk-size", "10", "--workers", "1"]

    running = subprocess.Popen(
        [*command, *engine, *slow], stderr=subprocess.PIPE, env=environment()
    )
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 20_000) and time.monotonic() < deadline:
        assert running.poll() is None, running.stderr.read() if running.stderr else None
        time.sleep(0.02)
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=60)

    assert running.returncode == 130, stderr
    assert stderr == (
        b"exportctl: error: interrupted: to resume, run the same command again (exportctl "
        b"batch "
        + str(source).encode()
        + b" --output "
        + str(out).encode()
        + b"): what "
        + str(out).encode()
        + b" already answers is skipped\n"
    )
    decided_before = len(out.read_bytes().splitlines())
    assert 0 < decided_before < len(ids)

    rerun = subprocess.run([*command, *engine], capture_output=True, env=environment(), timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    answers = [orjson.loads(line)["transaction_id"] for line in out.read_bytes().splitlines()]
    assert answers == ids  # none lost, none twice, in input order
    assert f"skipped {decided_before} already in the output".encode() in rerun.stderr

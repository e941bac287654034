"""A fleet of real OPA sidecars, configured from deploy/, polling signed bundles from nginx.

Everything runs on loopback: nginx (.tools/bin/nginx) serves the bundle directory, each sidecar
is `opa run` with deploy/opa-config.yaml and the lock, and the bundles are signed with keys made
by openssl in a temporary directory. Sidecars poll every second (`TEST_OVERRIDES`).
"""

from __future__ import annotations

import gzip
import io
import re
import secrets
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from exportctl._sidecar import revision
from fleet_support import (
    DEPLOY,
    LOCK_POLICIES,
    OPA,
    OPA_CONFIG,
    ROOT,
    TEST_OVERRIDES,
    FleetSidecar,
    KeyPair,
    bundle_server,
    fleet,
    free_port,
    make_key_pair,
    publish_file,
    publish_signed_bundle,
    sidecar_command,
    sidecar_environment,
    wait_for_revision,
    wait_until,
)

EXPORTCTL = ROOT / ".venv" / "bin" / "exportctl"
TB_MAGNET_FILE = ROOT / "examples" / "cn-export-tb-magnet.json"
TB_MAGNET = orjson.loads(TB_MAGNET_FILE.read_bytes())
LICENCE_CLAUSE = "mofcom_gac_2025_018/items_licence"
"""The clause that requires a licence for the Tb magnet of the example on 2026-03-02."""
ACTIVATION_TIMEOUT = 10.0
"""Bound on the time from publishing a bundle to every sidecar acting on it (polling is 1 s)."""


def later_licence_start(data: dict[str, Any]) -> None:
    """The changed record: the licence clause takes effect only on 2026-06-01."""
    data["clauses"]["items_licence"]["effective_from"] = "2026-06-01"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KeyPair]:
    directory = tmp_path_factory.mktemp("keys")
    return {name: make_key_pair(directory, name) for name in ("current", "next", "stranger")}


@pytest.fixture(scope="module")
def law(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's policies, as they are when the module starts."""
    copy = tmp_path_factory.mktemp("law") / "policies"
    shutil.copytree(ROOT / "policies", copy)
    return copy


@pytest.fixture(scope="module")
def changed_law(law: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`law` with one record changed (`later_licence_start`)."""
    copy = tmp_path_factory.mktemp("changed-law") / "policies"
    shutil.copytree(law, copy)
    record = copy / "exportctl" / "instruments" / "mofcom_gac_2025_018" / "data.json"
    data = orjson.loads(record.read_bytes())
    later_licence_start(data)
    record.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    return copy


@pytest.fixture
def served(tmp_path: Path) -> Path:
    directory = tmp_path / "served"
    directory.mkdir()
    return directory


@pytest.fixture
def bundles_url(served: Path) -> Iterator[str]:
    with bundle_server(served) as url:
        yield url


def provisions(decision: dict[str, Any]) -> list[str]:
    return [reason["provision"] for reason in decision["reasons"]]


def assert_serves_the_law(sidecars: list[FleetSidecar], law_revision: str) -> None:
    for one in sidecars:
        decision = one.decide(TB_MAGNET)
        assert decision["policy"]["revision"] == law_revision
        assert decision["outcome"] == "license_required"
        assert LICENCE_CLAUSE in provisions(decision)


def tampered(bundle: Path, output: Path) -> None:
    """`bundle` with one record changed after signing (`later_licence_start`), every file name
    and the signature kept."""
    with tarfile.open(bundle, "r:gz") as source:
        members = [(m, source.extractfile(m)) for m in source.getmembers()]
        files = {m.name: f.read() if f else b"" for m, f in members}
        infos = [m for m, _ in members]
    data = orjson.loads(files["/data.json"])
    later_licence_start(data["exportctl"]["instruments"]["mofcom_gac_2025_018"])
    files["/data.json"] = orjson.dumps(data)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as target:
        for info in infos:
            info.size = len(files[info.name])
            target.addfile(info, io.BytesIO(files[info.name]))
    output.write_bytes(gzip.compress(buffer.getvalue()))


# --- distribution, rotation and refusal ---------------------------------------------------------


def test_three_sidecars_activate_the_one_signed_bundle(
    law: Path, keys: dict[str, KeyPair], served: Path, bundles_url: str
) -> None:
    law_revision = publish_signed_bundle(law, served, keys["current"])

    with fleet(3, bundles_url, keys["current"].public) as sidecars:
        wait_for_revision(sidecars, law_revision)
        statuses = [one.bundle_status() for one in sidecars]
        assert_serves_the_law(sidecars, law_revision)

    assert law_revision == revision(law)
    assert {s["active_revision"] for s in statuses} == {law_revision}
    assert all(s["last_successful_activation"] for s in statuses)
    assert not any("code" in s or "errors" in s for s in statuses)


def test_a_new_signed_bundle_reaches_every_sidecar_and_its_data_decides(
    law: Path, changed_law: Path, keys: dict[str, KeyPair], served: Path, bundles_url: str
) -> None:
    before = publish_signed_bundle(law, served, keys["current"])
    with fleet(3, bundles_url, keys["current"].public) as sidecars:
        wait_for_revision(sidecars, before)
        assert_serves_the_law(sidecars, before)

        after = publish_signed_bundle(changed_law, served, keys["current"])
        seconds = wait_for_revision(sidecars, after, ACTIVATION_TIMEOUT)
        print(f"rotation: {seconds:.2f} s from publishing to all three sidecars active")
        decisions = [one.decide(TB_MAGNET) for one in sidecars]
        # The lock is loaded beside the bundle, outside its roots: a new bundle leaves it in place.
        writes = [one.request("PUT", "/v1/policies/forged", b"package forged") for one in sidecars]
        anonymous = [
            one.request("POST", "/v1/data/exportctl/decision", {"input": TB_MAGNET}, token=None)
            for one in sidecars
        ]

    assert after != before
    assert seconds < ACTIVATION_TIMEOUT
    for decision in decisions:
        assert decision["policy"]["revision"] == after
        assert LICENCE_CLAUSE not in provisions(decision)
    assert [status for status, _ in writes + anonymous] == [401] * 6


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("tampered", r"digest mismatch|hash|not included in bundle signature"),
        ("unsigned", r"bundle missing \.signatures\.json file"),
        ("signed by a stranger", r"failed to verify JWT signature"),
    ],
)
def test_every_sidecar_refuses_a_bad_bundle_and_keeps_serving_the_last_good_one(
    bad: str,
    reason: str,
    law: Path,
    changed_law: Path,
    keys: dict[str, KeyPair],
    served: Path,
    bundles_url: str,
    tmp_path: Path,
) -> None:
    good = publish_signed_bundle(law, served, keys["current"])
    with fleet(3, bundles_url, keys["current"].public) as sidecars:
        wait_for_revision(sidecars, good)
        activated = [one.bundle_status()["last_successful_activation"] for one in sidecars]
        if bad == "tampered":
            publish_signed_bundle(law, tmp_path / "signed", keys["current"])
            tampered(tmp_path / "signed" / "bundle.tar.gz", tmp_path / "tampered.tar.gz")
            publish_file(tmp_path / "tampered.tar.gz", served)
        elif bad == "unsigned":
            publish_signed_bundle(changed_law, served, None)
        else:
            publish_signed_bundle(changed_law, served, keys["stranger"])

        wait_until(sidecars, lambda s: s.get("code") == "bundle_error", ACTIVATION_TIMEOUT)
        statuses = [one.bundle_status() for one in sidecars]
        assert_serves_the_law(sidecars, good)

    for status, last in zip(statuses, activated, strict=True):
        assert status["active_revision"] == good
        assert status["last_successful_activation"] == last
        assert re.search(reason, status["message"]), status["message"]


def test_after_a_key_rotation_only_bundles_signed_with_the_new_key_are_activated(
    law: Path, changed_law: Path, keys: dict[str, KeyPair], served: Path, bundles_url: str
) -> None:
    old, new = keys["current"], keys["next"]
    first = publish_signed_bundle(law, served, old)
    with fleet(2, bundles_url, old.public) as running:
        wait_for_revision(running, first)
        # Signed with the new key before the sidecars trust it: they keep what they have.
        second = publish_signed_bundle(changed_law, served, new)
        wait_until(running, lambda s: s.get("code") == "bundle_error", ACTIVATION_TIMEOUT)
        assert {one.bundle_status()["active_revision"] for one in running} == {first}
    with fleet(2, bundles_url, new.public) as rotated:
        wait_for_revision(rotated, second)
        # A bundle signed with the retired key, say from a stale build job, is refused.
        publish_signed_bundle(law, served, old)
        wait_until(rotated, lambda s: "verify JWT signature" in s.get("message", ""), 10.0)
        assert {one.bundle_status()["active_revision"] for one in rotated} == {second}
        assert all(one.decide(TB_MAGNET)["policy"]["revision"] == second for one in rotated)


# --- the lock -------------------------------------------------------------------------------------


def test_a_signed_bundle_that_widens_its_roots_takes_the_lock_and_every_request_is_refused(
    law: Path, keys: dict[str, KeyPair], served: Path, bundles_url: str, tmp_path: Path
) -> None:
    good = publish_signed_bundle(law, served, keys["current"])
    wide = tmp_path / "wide"
    shutil.copytree(law, wide)
    (wide / ".manifest").write_text('{"roots": [""], "rego_version": 1}')
    signed_wide = tmp_path / "wide.tar.gz"
    # exportctl bundle refuses to sign it (test below): opa build does what it is told.
    subprocess.run(
        [str(OPA), "build", "--bundle", ".", "--signing-key", str(keys["current"].private)]
        + ["--output", str(signed_wide)],
        cwd=wide,
        check=True,
        capture_output=True,
    )
    with fleet(1, bundles_url, keys["current"].public) as (opa,):
        wait_for_revision([opa], good)
        publish_file(signed_wide, served)
        deadline = time.monotonic() + ACTIVATION_TIMEOUT
        seen = set()
        # While OPA replaces the lock's data and policy, it may answer 401 for a moment.
        while (answer := opa.request("GET", "/health"))[0] != 500:
            seen.add(answer[0])
            assert time.monotonic() < deadline, f"the wide bundle was not activated: {seen}"
            time.sleep(0.05)
        decision = opa.request("POST", "/v1/data/exportctl/decision", {"input": TB_MAGNET})

    # Its roots cover system.authz: activating it erased the lock loaded beside the bundle, and
    # OPA then answers nothing (fail closed). Only the signing key can do this, and
    # `exportctl bundle --signing-key` signs no bundle whose roots leave exportctl.
    assert seen <= {200, 401}
    assert (
        answer
        == decision
        == (
            500,
            {"code": "internal_error", "message": "authorization policy missing or undefined"},
        )
    )


def test_the_lock_refuses_every_write_and_wants_the_token(
    law: Path, keys: dict[str, KeyPair], served: Path, bundles_url: str
) -> None:
    law_revision = publish_signed_bundle(law, served, keys["current"])
    writes = [
        ("PUT", "/v1/policies/forged", b"package exportctl\n\ndecision := {}\n"),
        ("DELETE", "/v1/policies/deploy/authz.rego", None),
        ("PUT", "/v1/data/exportctl", b"{}"),
        ("PUT", "/v1/data/system/exportctl_token", b'"mine"'),
        ("PATCH", "/v1/data", b'[{"op": "add", "path": "/exportctl/x", "value": 1}]'),
        ("PATCH", "/v1/data/exportctl", b'[{"op": "remove", "path": "/instruments"}]'),
        ("GET", "/v1/config", None),
        ("GET", "/v1/data/system", None),
        ("POST", "/v1/query", b'{"query": "data.system.exportctl_token"}'),
    ]
    reads = [
        ("POST", "/v1/data/exportctl/decision", orjson.dumps({"input": TB_MAGNET})),
        ("GET", "/health?bundles", None),
        ("GET", "/v1/status", None),
    ]
    with fleet(1, bundles_url, keys["current"].public) as (opa,):
        refused = {
            (method, path, str(token)): opa.request(method, path, body, token=token)[0]
            for method, path, body in writes
            for token in (None, "not-the-token", opa.token)
        }
        anonymous = {
            (method, path, str(token)): opa.request(method, path, body, token=token)[0]
            for method, path, body in reads
            for token in (None, "not-the-token")
        }
        allowed = [opa.request(method, path, body)[0] for method, path, body in reads]
        after = opa.decide(TB_MAGNET)

    assert set(refused.values()) <= {401, 403}, refused
    assert set(anonymous.values()) <= {401, 403}, anonymous
    assert allowed == [200, 200, 200]
    assert after["policy"]["revision"] == law_revision
    assert LICENCE_CLAUSE in provisions(after)


# --- deploy/ --------------------------------------------------------------------------------------


def config_variables() -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", OPA_CONFIG.read_text()))


def test_the_sidecar_configuration_does_not_start_without_the_bundle_key(tmp_path: Path) -> None:
    started = subprocess.run(
        [str(OPA), "run", "--server", f"--addr=127.0.0.1:{free_port()}", "-c", str(OPA_CONFIG)],
        env=sidecar_environment("http://127.0.0.1:9"),
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert started.returncode != 0
    assert "no keys provided for key ID exportctl" in started.stderr + started.stdout


def test_the_sidecar_configuration_signs_logs_and_reports(keys: dict[str, KeyPair]) -> None:
    config = yaml.safe_load(OPA_CONFIG.read_text())

    assert config_variables() == {
        "EXPORTCTL_BUNDLE_SERVER_URL",
        "EXPORTCTL_COLLECTOR_URL",
        "EXPORTCTL_STATUS_URL",
    }
    assert config["bundles"]["exportctl"]["signing"]["keyid"] in config["keys"]
    assert config["decision_logs"]["service"] == "collector"
    assert config["decision_logs"]["mask_decision"] == "/system/log/mask"
    assert config["status"]["service"] in config["services"]
    overridden = {o.removeprefix("--set=").split("=")[0].rsplit(".", 1)[0] for o in TEST_OVERRIDES}
    assert overridden == {"bundles.exportctl.polling", "decision_logs.reporting"}


def opa_container(example: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The sidecar's arguments, environment and {container path: file in deploy/ or a secret's
    name} in a deploy/ example."""
    document = yaml.safe_load((DEPLOY / example).read_text())
    if example == "kubernetes-pod.yaml":
        (opa,) = [c for c in document["spec"]["initContainers"] if c["name"] == "opa"]
        assert opa["restartPolicy"] == "Always"  # a native sidecar: up before the order service
        volumes = {v["name"]: v for v in document["spec"]["volumes"]}
        mounts: dict[str, str] = {}
        for mount in opa["volumeMounts"]:
            volume = volumes[mount["name"]]
            assert mount["readOnly"] is True
            if "secret" in volume:
                for item in volume["secret"]["items"]:
                    mounts[f"{mount['mountPath']}/{item['path']}"] = item["key"]
            else:
                mounts[mount["mountPath"]] = volume["configMap"]["name"]
        env = {e["name"]: e["value"] for e in opa["env"]}
        return opa["args"], env, mounts
    opa = document["services"]["opa"]
    assert opa["network_mode"] == "service:order-service"  # the order service's loopback
    mounts = {}
    for volume in opa["volumes"]:
        host, container, mode = volume.split(":")
        assert mode == "ro"
        mounts[container] = host
    return opa["command"], opa["environment"], mounts


@pytest.mark.parametrize("example", ["kubernetes-pod.yaml", "compose.yaml"])
def test_a_deploy_example_starts_the_sidecar_the_fleet_tests_run(
    example: str,
    law: Path,
    keys: dict[str, KeyPair],
    served: Path,
    bundles_url: str,
    tmp_path: Path,
) -> None:
    args, env, mounts = opa_container(example)
    token = tmp_path / "token.json"
    # Where each path the sidecar reads comes from, on this machine.
    local = {
        "opa-config.yaml": OPA_CONFIG,
        "authz.rego": DEPLOY / "authz.rego",
        "mask.rego": DEPLOY / "mask.rego",
        "bundle-public.pem": keys["current"].public,
        "token.json": token,
    }

    def mapped(container: str) -> Path:
        name = Path(container).name
        source = mounts.get(container) or mounts[str(Path(container).parent)]
        if example == "compose.yaml":
            assert (DEPLOY / source).resolve() == local[name] or source.startswith("./secrets/")
        return local[name]

    port = free_port()
    assert args[0] == "run"
    assert "--addr=127.0.0.1:8181" in args  # loopback only
    command = [str(OPA)]
    for arg in args:
        if arg.startswith("--addr="):
            arg = f"--addr=127.0.0.1:{port}"
        elif arg.startswith("/"):
            arg = str(mapped(arg))
        elif "=/" in arg:
            option, path = arg.split("=", 1)[0], arg.rsplit("=", 1)[1]
            arg = arg.removesuffix(path) + str(mapped(path))
            assert option in ("--config-file", "--set-file")
        command.append(arg)
    fleet_command = sidecar_command(port, keys["current"].public, token)
    assert command == [a for a in fleet_command if a not in TEST_OVERRIDES]
    assert [Path(a).name for a in args[-3:]] == [p.name for p in LOCK_POLICIES] + ["token.json"]
    assert set(env) == config_variables()

    law_revision = publish_signed_bundle(law, served, keys["current"])
    secret = secrets.token_urlsafe(32)
    token.write_bytes(orjson.dumps({"system": {"exportctl_token": secret}}))
    log = tmp_path / "example.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            env=sidecar_environment(bundles_url),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
    example_sidecar = FleetSidecar(f"http://127.0.0.1:{port}", secret, process, log, port)
    try:
        example_sidecar.wait_until_ready()
        assert_serves_the_law([example_sidecar], law_revision)
        assert example_sidecar.request("PUT", "/v1/policies/x", b"package x")[0] == 401
    finally:
        example_sidecar.stop()


def test_every_configuration_file_in_deploy_has_a_test_here() -> None:
    configs = {p.name for p in DEPLOY.iterdir() if p.suffix in (".yaml", ".yml", ".json")}

    assert configs == {"opa-config.yaml", "kubernetes-pod.yaml", "compose.yaml"}


# --- exportctl bundle: signing and verifying ----------------------------------------------------


def exportctl(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXPORTCTL), *map(str, args)], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_bundle_signs_with_opa_and_verifies_as_a_sidecar_does(
    alg: str, law: Path, tmp_path: Path
) -> None:
    key = make_key_pair(tmp_path / "keys", "signing", alg)
    bundle = tmp_path / "bundle.tar.gz"

    built = exportctl(
        "bundle",
        "--policies",
        law,
        "-o",
        bundle,
        "--signing-key",
        key.private,
        "--signing-alg",
        alg,
    )
    verified = exportctl(
        "bundle", "--verify", bundle, "--public-key", key.public, "--signing-alg", alg
    )

    assert built.returncode == 0, built.stderr
    assert built.stdout == f"wrote {bundle} (revision {revision(law)}, signed {alg})\n"
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout == f"verified {bundle} (revision {revision(law)}, {alg})\n"
    with tarfile.open(bundle) as tar:
        names = {m.name.lstrip("/") for m in tar.getmembers()}
    assert {".manifest", ".signatures.json"} <= names


def test_bundle_verify_refuses_what_a_sidecar_refuses(
    law: Path, keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    signed, unsigned = tmp_path / "signed.tar.gz", tmp_path / "unsigned.tar.gz"
    assert exportctl("bundle", "--policies", law, "-o", unsigned).returncode == 0
    built = exportctl(
        "bundle", "--policies", law, "-o", signed, "--signing-key", keys["current"].private
    )
    assert built.returncode == 0, built.stderr
    tampered(signed, tmp_path / "tampered.tar.gz")
    public = keys["current"].public
    cases = {
        "wrong key": (signed, keys["stranger"].public, "failed to verify JWT signature"),
        "unsigned": (unsigned, public, "bundle missing .signatures.json file"),
        "tampered": (tmp_path / "tampered.tar.gz", public, "signature check failed"),
    }

    for case, (bundle, key, reason) in cases.items():
        checked = exportctl("bundle", "--verify", bundle, "--public-key", key)
        assert checked.returncode == 2, (case, checked.stderr)
        assert checked.stdout == ""
        assert checked.stderr.count("\n") == 1 and reason in checked.stderr, (case, checked.stderr)
        assert "Traceback" not in checked.stderr


def test_bundle_signing_options_that_cannot_work_are_bad_input(
    law: Path, keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    cases = [
        (["--signing-key", keys["current"].public], "--signing-key: OPA cannot sign RS256"),
        (["--signing-key", tmp_path / "absent.pem"], "--signing-key: no key file"),
        (["--signing-key", keys["current"].private, "--signing-alg", "HS256"], "--signing-alg"),
        (["--verify", bundle], "--public-key: --verify needs the public key"),
        (["--public-key", keys["current"].public], "--public-key: only --verify uses it"),
        (
            ["--verify", tmp_path / "absent.tar.gz", "--public-key", keys["current"].public],
            "--verify",
        ),
    ]

    wide = tmp_path / "wide"
    shutil.copytree(law, wide)
    (wide / ".manifest").write_text('{"roots": ["exportctl", "system"]}')

    for options, message in cases:
        done = exportctl("bundle", "--policies", law, "-o", bundle, *options)
        assert done.returncode == 2, (options, done.stderr)
        assert done.stderr.count("\n") == 1 and message in done.stderr, (options, done.stderr)
    widened = exportctl(
        "bundle", "--policies", wide, "-o", bundle, "--signing-key", keys["current"].private
    )
    assert widened.returncode == 2, widened.stderr
    assert "must declare roots under exportctl to be signed" in widened.stderr
    assert widened.stderr.count("\n") == 1
    assert not bundle.exists()

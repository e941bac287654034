#!/usr/bin/env bash
# Idempotent set-up: the project's .venv (editable install with dev tools), OPA at
# .tools/bin/opa and nginx (the bundle server of the fleet tests) at .tools/bin/nginx. Safe to run
# on every `make` target; a second run only checks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OPA_VERSION="1.22.3"
OPA_GO_MIN="1.26.0" # the `go` directive of OPA v1.22.3's go.mod
VENV="$ROOT/.venv"
STAMP="$VENV/.exportctl-pyproject.sha256"
TOOLS_BIN="$ROOT/.tools/bin"
NGINX_MIN="1.22.0" # Debian 12's; the configuration tests/fleet_support.py writes runs on later ones too

log() { printf 'setup: %s\n' "$*" >&2; }

setup_venv() {
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "creating $VENV"
        python3 -m venv "$VENV"
    fi
    local want have=""
    want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    [[ -f "$STAMP" ]] && have="$(cat "$STAMP")"
    if [[ "$want" != "$have" ]]; then
        log "installing exportctl and dev tools into .venv (pyproject.toml changed)"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "${ROOT}[dev]"
        echo "$want" >"$STAMP"
    fi
}

is_pinned_opa() {
    local report
    [[ -x "$1" ]] && report="$("$1" version 2>/dev/null)" || return 1
    grep -qx "Version: $OPA_VERSION" <<<"$report"
}

go_toolchain_env() {
    local have
    have="$(go env GOVERSION)"
    have="${have#go}"
    if [[ "$(printf '%s\n%s\n' "$OPA_GO_MIN" "$have" | sort -V | head -n1)" != "$OPA_GO_MIN" ]]; then
        log "go $have is older than $OPA_GO_MIN: letting go fetch a newer toolchain"
        export GOTOOLCHAIN=auto
    fi
}

setup_opa() {
    local target="$TOOLS_BIN/opa" found=""
    if is_pinned_opa "$target"; then
        return
    fi
    mkdir -p "$TOOLS_BIN"
    rm -f "$target"
    if [[ -n "${OPA_BIN:-}" ]] && is_pinned_opa "$OPA_BIN"; then
        found="$OPA_BIN"
    elif command -v opa >/dev/null && is_pinned_opa "$(command -v opa)"; then
        found="$(command -v opa)"
    fi
    if [[ -n "$found" ]]; then
        log "using OPA $OPA_VERSION at $found"
        ln -s "$(realpath "$found")" "$target"
        return
    fi
    if ! command -v go >/dev/null; then
        log "no OPA $OPA_VERSION found and no go to build it: install Go >= $OPA_GO_MIN or set OPA_BIN"
        exit 1
    fi
    go_toolchain_env
    log "building OPA $OPA_VERSION with go install (a few minutes the first time)"
    GOBIN="$TOOLS_BIN" GOFLAGS=-trimpath go install "github.com/open-policy-agent/opa@v$OPA_VERSION"
    is_pinned_opa "$target" || { log "built $target but it does not report $OPA_VERSION"; exit 1; }
}

is_usable_nginx() {
    local report have
    [[ -x "$1" ]] && report="$("$1" -v 2>&1)" || return 1
    [[ "$report" == "nginx version: nginx/"* ]] || return 1
    have="${report#nginx version: nginx/}"
    have="${have%% *}"
    [[ "$(printf '%s\n%s\n' "$NGINX_MIN" "$have" | sort -V | head -n1)" == "$NGINX_MIN" ]]
}

# An nginx binary, unpacked into .tools (no service is installed or started): the package
# from the machine's apt sources, fetched with apt-get download and extracted with dpkg-deb.
setup_nginx() {
    local target="$TOOLS_BIN/nginx" unpacked="$ROOT/.tools/nginx" work deb
    if is_usable_nginx "$target"; then
        return
    fi
    mkdir -p "$TOOLS_BIN"
    rm -f "$target"
    if command -v nginx >/dev/null && is_usable_nginx "$(command -v nginx)"; then
        log "using nginx at $(command -v nginx)"
        ln -s "$(realpath "$(command -v nginx)")" "$target"
        return
    fi
    if ! command -v apt-get >/dev/null; then
        log "no nginx >= $NGINX_MIN found and no apt-get to fetch one: install nginx >= $NGINX_MIN"
        exit 1
    fi
    log "fetching the apt sources' nginx package into .tools/nginx"
    work="$(mktemp -d)"
    if ! (cd "$work" && apt-get download -q nginx >/dev/null 2>&1); then
        [[ "$(id -u)" == 0 ]] && apt-get update -qq
        (cd "$work" && apt-get download -q nginx)
    fi
    deb="$(find "$work" -name 'nginx_*.deb' | head -n1)"
    rm -rf "$unpacked"
    dpkg-deb -x "$deb" "$unpacked"
    rm -rf "$work"
    ln -s ../nginx/usr/sbin/nginx "$target" # relative: the tree may move
    is_usable_nginx "$target" || { log "$target does not run or is older than nginx $NGINX_MIN"; exit 1; }
}

setup_venv
setup_opa
setup_nginx

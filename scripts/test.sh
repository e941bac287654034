#!/usr/bin/env bash
# Every check CI runs, in order, stopping at the first failure. Expects scripts/setup.sh to have run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OPA="$ROOT/.tools/bin/opa"
PY="$ROOT/.venv/bin"
COVERAGE_MIN="${COVERAGE_MIN:-95}"

step() { printf '\n==> %s\n' "$*"; }

step "opa fmt --list --fail policies"
"$OPA" fmt --list --fail policies

step "opa check --strict --schema schemas policies"
"$OPA" check --strict --schema schemas policies

step "opa test policies (coverage >= $COVERAGE_MIN %)"
"$OPA" test --timeout 60s policies
mkdir -p build
if ! "$OPA" test --timeout 60s --coverage --threshold "$COVERAGE_MIN" policies >build/coverage.json; then
    cat build/coverage.json
    exit 1
fi
"$PY/python" -c 'import json, sys; print("coverage %.2f %%" % json.load(sys.stdin)["coverage"])' \
    <build/coverage.json

step "ruff check"
"$PY/ruff" check

step "ruff format --check"
"$PY/ruff" format --check

step "mypy --strict pyclient/exportctl"
"$PY/mypy" --strict pyclient/exportctl

step "mypy --strict tests"
"$PY/mypy" --strict tests

step "pytest -q"
"$PY/pytest" -q

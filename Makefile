# Every target sets itself up first (scripts/setup.sh: .venv + OPA); nothing is installed by hand.
COVERAGE_MIN ?= 100
EXAMPLE ?= examples/cn-export-tb-magnet.json
BIN := .venv/bin

.PHONY: help setup run test bundle wheel bench docs scenarios-update

help:
	@echo "make setup   create .venv and build OPA 1.22.3 into .tools/bin (idempotent)"
	@echo "make run     decide $(EXAMPLE) with a local OPA sidecar"
	@echo "make test    opa fmt/check/test (coverage >= $(COVERAGE_MIN) %), ruff, mypy, pytest"
	@echo "make bundle  build build/bundle.tar.gz for a production OPA"
	@echo "make wheel   build dist/exportctl-*.whl, the bundle of policies/ inside, to pip install"
	@echo "make bench   every speed target side by side in one run (bench/run.py)"
	@echo "make docs    regenerate the generated parts of README.md and docs/"
	@echo "make scenarios-update  rewrite scenario expectations from the bundle (review the diff)"

setup:
	@scripts/setup.sh

# A decision exits 0, 1 or 4 by outcome; only 2 (bad input) and 3 (engine) fail the target.
run: setup
	@$(BIN)/exportctl decide $(EXAMPLE); code=$$?; \
	echo "exportctl decide exited with $$code"; \
	case $$code in 0|1|4) ;; *) exit $$code ;; esac

test: setup
	@COVERAGE_MIN=$(COVERAGE_MIN) scripts/test.sh

bundle: setup
	@$(BIN)/exportctl bundle --output build/bundle.tar.gz

# setup.py builds the bundle into the wheel, or fails: no wheel without the law.
wheel: setup
	@$(BIN)/python -m pip wheel --no-deps --wheel-dir dist .

bench: setup
	@$(BIN)/python bench/run.py

docs: setup
	@$(BIN)/python -m exportctl._derive && $(BIN)/python -m exportctl._docs

# Rewrites scenario expectations from the current bundle and prints what changed: review the diff.
scenarios-update: setup
	@$(BIN)/python tests/scenarios_update.py

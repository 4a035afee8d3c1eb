# sofstat: half-yearly report to socialnämnden on SOF's unit managers.
# `make` (or `make help`) lists the targets.

.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sofstat-installed
PERIOD ?=
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help install report test test-fast lint format lab refresh-notebooks bench lock clean

help: ## Show the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sofstat)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create or update the virtual environment .venv from requirements.lock

report: $(STAMP) ## Set up and build the report for the latest period (PERIOD=2024-H1 for another)
	$(PY) -m sofstat report $(if $(PERIOD),--period $(PERIOD))

test: $(STAMP) ## Set up and run every test: ruff, pytest (browser, property tests), nbval, coverage >= 90 %
	@bash scripts/ensure-chromium.sh
	$(VENV)/bin/ruff check lib tests notebooks
	$(VENV)/bin/ruff format --check lib tests notebooks
	$(PY) -m pytest tests notebooks $(NBVAL) --cov=sofstat --cov-report=term

test-fast: $(STAMP) ## Unit tests only (no notebooks, report builds or browser), for quick feedback
	$(PY) -m pytest tests -q --deselect tests/test_report.py --deselect tests/test_browser.py

lint: $(STAMP) ## ruff: lint and format check of lib/, tests/ and notebooks/
	$(VENV)/bin/ruff check lib tests notebooks
	$(VENV)/bin/ruff format --check lib tests notebooks

format: $(STAMP) ## ruff: fix what can be fixed and format
	$(VENV)/bin/ruff check --fix lib tests notebooks
	$(VENV)/bin/ruff format lib tests notebooks

lab: $(STAMP) ## Open JupyterLab on the project environment
	$(VENV)/bin/jupyter lab --notebook-dir=.

refresh-notebooks: $(STAMP) ## Re-execute notebooks/ in place (refreshes the outputs nbval compares)
	$(PY) -m sofstat refresh-notebooks

bench: $(STAMP) ## Benchmarks: report build against its floor, reader scaling (writes docs/benchmarks.md)
	$(PY) benchmarks/run.py

lock: ## Re-resolve dependencies from pyproject.toml into requirements.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[test]'
	( echo '# Pinned versions of every package, for `make report`, `make test` and `make lab`.'; \
	  echo '# Regenerate with `make lock` after changing dependencies in pyproject.toml.'; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -v '^sofstat' ) > requirements.lock
	rm -rf .venv-lock

clean: ## Remove built reports and caches (keeps .venv)
	rm -rf reports/*/ reports/.*.tmp* .pytest_cache .ruff_cache .hypothesis

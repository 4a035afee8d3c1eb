# sofstat: half-yearly report to socialnämnden on SOF's unit managers.
# `make` (or `make help`) lists the targets.

.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sofstat-installed
PERIOD ?=
NOPDF ?=
FUZZ ?= 10000
# Every command here lets Python keep bytecode (__pycache__, ignored by git) even where the
# environment says not to (PYTHONDONTWRITEBYTECODE): a module is compiled the first time it is
# imported and never again. The install therefore compiles nothing itself: compiling all of
# .venv took about 13 s of a fresh clone's set-up, of which a first report needs about a third
# (the test tools, JupyterLab and the rest compile when they are first used).
export PYTHONDONTWRITEBYTECODE :=
# pytest-xdist: one worker per core; a file's tests (a notebook's cells) stay in one worker.
XDIST := -n auto --dist loadfile
# tests/fast_start.py, loaded before the installed plugins: every pytest process starts about 2 s sooner.
FAST_START := -p fast_start
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help install report check test test-fast fuzz lint format lab refresh-notebooks bench lock clean

help: ## Show the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-18s %s\n", $$1, $$2}'

# uv installs the pinned lock several times faster than pip; pip is the fallback.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==0.9.5 \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e . \
	  || { $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock \
	       && $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sofstat)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## Create or update the virtual environment .venv from requirements.lock

report: $(STAMP) ## Set up and build the report for the latest period (PERIOD=2024-H1 for another; NOPDF=1 without the PDF)
	@$(if $(NOPDF),true,bash scripts/ensure-tools.sh report)
	$(PY) -m sofstat report $(if $(PERIOD),--period $(PERIOD)) $(if $(NOPDF),--no-pdf)

check: $(STAMP) ## Check a period's inputs without building (PERIOD=...), listing every problem
	$(PY) -m sofstat check $(if $(PERIOD),--period $(PERIOD),--period $$($(PY) -c 'import sofstat; print(sofstat.load_catalog().periods[-1].key)'))

test: $(STAMP) ## Set up and run every test: ruff, pytest (reports, browser, axe-core, PDF, fuzz), nbval, coverage >= 90 %
	@bash scripts/ensure-tools.sh test
	$(VENV)/bin/ruff check lib tests notebooks benchmarks
	$(VENV)/bin/ruff format --check lib tests notebooks benchmarks
	$(PY) -m pytest $(FAST_START) tests notebooks $(XDIST) $(NBVAL) --cov=sofstat --cov-report=term

test-fast: $(STAMP) ## Unit tests only (no report builds, browser or notebooks), for quick feedback
	$(PY) -m pytest $(FAST_START) tests $(XDIST) -q -m "not slow" --deselect tests/test_report.py --deselect tests/test_report_failures.py --deselect tests/test_report_concurrency.py --deselect tests/test_browser.py --deselect tests/test_pdf.py

fuzz: $(STAMP) ## Fuzz every reader and the catalogue with FUZZ (10 000) seeded mutated inputs
	$(PY) tests/fuzzing.py --count $(FUZZ) --seed 1

lint: $(STAMP) ## ruff: lint and format check
	$(VENV)/bin/ruff check lib tests notebooks benchmarks
	$(VENV)/bin/ruff format --check lib tests notebooks benchmarks

format: $(STAMP) ## ruff: fix what can be fixed and format
	$(VENV)/bin/ruff check --fix lib tests notebooks benchmarks
	$(VENV)/bin/ruff format lib tests notebooks benchmarks

lab: $(STAMP) ## Open JupyterLab on the project environment (as root too)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(ROOT_FLAG)

refresh-notebooks: $(STAMP) ## Re-execute notebooks/ in place (refreshes the outputs nbval compares)
	$(PY) -m sofstat refresh-notebooks

bench: $(STAMP) ## Benchmarks: whole-process report vs floor, readers, national-size indicators (writes docs/benchmarks.md)
	@bash scripts/ensure-tools.sh report
	$(PY) benchmarks/run.py

lock: ## Re-resolve dependencies from pyproject.toml into requirements.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[test]'
	( echo '# Pinned versions of every package, for `make report`, `make test` and `make lab`.'; \
	  echo '# Regenerate with `make lock` after changing dependencies in pyproject.toml.'; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -v '^sofstat' ) > requirements.lock
	rm -rf .venv-lock

clean: ## Remove built reports, failed builds, temporary build folders and caches (keeps .venv)
	rm -rf reports/*/ reports/.[!.]* reports/*.failed-* .pytest_cache .ruff_cache .hypothesis .bench

# citycarbon — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
NPM_STAMP := node_modules/.installed
PG_TEST_URL ?= postgres://postgres:postgres@127.0.0.1:5432/citycarbon
DATA_DIR ?= $(CURDIR)/var
export CITYCARBON_DATA_DIR ?= $(DATA_DIR)

.PHONY: run serve test bench screenshots clean system

system:
	@bash scripts/bootstrap-system.sh

$(PY): | system
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[dev,bench]'
	@touch $@ $(STAMP_RUN)

$(NPM_STAMP): package.json package-lock.json | system
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

## make run: install everything, compute the example enterprise reports, then load the demo
## (Zhengzhou) and serve the platform on http://127.0.0.1:8000
run: $(STAMP_RUN) $(NPM_STAMP)
	$(VENV)/bin/citycarbon calc enterprise examples/enterprise_reports.json
	CITYCARBON_DEBUG=1 $(VENV)/bin/citycarbon manage demo
	CITYCARBON_DEBUG=1 $(VENV)/bin/citycarbon manage runserver 127.0.0.1:8000

## make test: lint, type-check, architecture contracts, the test suite (database tests on
## SQLite and on PostgreSQL), then the browser tests on both
test: $(STAMP_DEV) $(NPM_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q -m "not browser"
	bash scripts/ensure-postgres.sh
	CITYCARBON_TEST_DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q -m "not browser" tests/server
	$(VENV)/bin/pytest -q -m browser tests/server
	CITYCARBON_TEST_DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q -m browser tests/server

## make bench: the performance benchmarks (figures and ratios against an in-run baseline)
bench: $(STAMP_DEV) $(VENV)/.installed-bench
	$(PY) -m benchmarks

# bonsai-ipcc (the IPCC-equation package the inventory benchmark compares against) pins
# numpy < 2 through its data-IO dependencies but runs on numpy 2: install it for the benchmark
# only, then restore the numpy the project uses.
$(VENV)/.installed-bench: | $(STAMP_DEV)
	$(PIP) install --quiet bonsai-ipcc
	$(PIP) install --quiet 'numpy>=2'
	@touch $@

## make screenshots: refresh docs/screenshots from the browser tests
screenshots: $(STAMP_DEV) $(NPM_STAMP)
	CITYCARBON_SCREENSHOT_DIR=docs/screenshots $(VENV)/bin/pytest -q -m browser tests/server

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache build src/*.egg-info

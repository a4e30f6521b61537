# citycarbon — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test bench lint typecheck contracts unit clean system

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

## make run: install everything and compute the shipped example enterprise reports
run: $(STAMP_RUN)
	$(VENV)/bin/citycarbon calc enterprise examples/enterprise_reports.json

## make test: lint, type-check, architecture contracts, then the test suite
test: $(STAMP_DEV)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q

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

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build src/*.egg-info

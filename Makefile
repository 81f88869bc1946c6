# udkast: every chore is a target here, and CI runs the same targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test lint typecheck unit bench preview system clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "udkast needs Python 3.11 or newer; found: $$($(PYTHON) --version 2>&1)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "Cannot create a virtualenv: install python3-venv" >&2; exit 1; }
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

system:  ## check (and where possible install) the system packages
	@scripts/ensure-system.sh test

run: $(STAMP)  ## the web UI and API on 127.0.0.1:8000 and a Celery worker
	@scripts/ensure-system.sh runtime
	$(BIN)/udkast serve --host 127.0.0.1 --port 8000

lint: $(STAMP)  ## ruff, formatting and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)  ## mypy, strict
	$(BIN)/mypy core worker service cli bench scripts

test: $(STAMP) system lint typecheck  ## the whole test suite (lint, types, tests)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)  ## render generated S/M/L documents and print timings and ratios
	@scripts/ensure-system.sh runtime
	$(BIN)/python -m bench.run

preview: $(STAMP)  ## render both examples to PDF, DOCX and PNG pages under preview/
	@scripts/ensure-system.sh preview
	$(BIN)/python -m scripts.preview ../shared/examples/socialstrategi/*.yaml --out preview

clean:  ## remove generated files (keeps the venv)
	rm -rf out preview build .pytest_cache .mypy_cache .ruff_cache

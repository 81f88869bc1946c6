# udkast: every chore is a target here, and CI runs the same targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUNTIME := $(VENV)/.installed-runtime
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-robust coverage lock check-lock lint typecheck unit bench preview translations word-templates system clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

# Installs come only from the committed lock (requirements/*.txt, exported from uv.lock):
# exact versions with hashes. `make run` needs the runtime set, `make test` the dev set.
$(RUNTIME): requirements/runtime.txt pyproject.toml
	@PYTHON=$(PYTHON) scripts/install-venv.sh runtime
	@touch $@

$(STAMP): requirements/dev.txt requirements/runtime.txt pyproject.toml
	@PYTHON=$(PYTHON) scripts/install-venv.sh dev
	@touch $(RUNTIME) $@

lock: $(STAMP)  ## refresh uv.lock and requirements/ from pyproject.toml (UPGRADE=1: newest releases)
	$(BIN)/uv lock $(if $(UPGRADE),--upgrade)
	scripts/export-lock.sh runtime > requirements/runtime.txt
	scripts/export-lock.sh dev > requirements/dev.txt
	@echo "Lock refreshed: review and commit uv.lock and requirements/; then run make test."

check-lock: $(STAMP)  ## fail when the lock does not match pyproject.toml
	@scripts/check-lock.sh

system:  ## check (and where possible install) the system packages
	@scripts/ensure-system.sh test

run: $(RUNTIME)  ## the web UI and API on $(HOST):$(PORT) (default 127.0.0.1:8000) and a Celery worker
	@scripts/ensure-system.sh runtime
	$(BIN)/udkast serve --host $(HOST) --port $(PORT)

lint: $(STAMP)  ## ruff, formatting and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

TYPED = core store broker settings templates worker service cli bench scripts

typecheck: $(STAMP)  ## mypy, strict
	$(BIN)/mypy $(TYPED)

# mypy checks beside the tests (they mostly wait for services and renders): its report
# follows theirs, and either failing fails `make test`.
# Three test processes on two cores: with two, a fifth of the CPU sat idle while tests
# waited for the services they started (14.1 → 12.7 min). A file's tests run in one
# process, in order, so a module's service starts once and tests that build on the one
# before them see it.
PYTEST_PARALLEL = -n 3 --dist loadfile
test: $(STAMP) check-lock system lint  ## lint, types, every test but the robustness ones, with branch coverage
	@echo "$(BIN)/mypy $(TYPED)  (beside the tests; its report follows theirs)"
	@$(BIN)/mypy $(TYPED) > .mypy-report 2>&1 & types=$$!; \
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not robust" --cov --cov-report=term $(PYTEST_ARGS); tests=$$?; \
	wait $$types; typed=$$?; echo "mypy:"; cat .mypy-report; rm -f .mypy-report; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

# `make test` prints the coverage table; this writes it as pages too, line by line.
coverage: $(STAMP) system  ## the same tests as make test, with the branch coverage as HTML in htmlcov/
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not robust" --cov --cov-report=term --cov-report=html $(PYTEST_ARGS)

test-robust: $(STAMP) system  ## the robustness tests: the API fuzzed against its document, and every test marked robust
	$(BIN)/pytest $(PYTEST_PARALLEL) -m robust $(PYTEST_ARGS)

bench: $(STAMP)  ## render generated S/M/L documents and print timings and ratios
	@scripts/ensure-system.sh bench
	$(BIN)/python -m bench.run

# The pages are written in Danish; English comes from one catalogue. This collects new
# texts into it (with their places, for the translator) and compiles it; a test fails
# while a text lacks its English or the compiled file is older than the catalogue.
CATALOGUE := service/translations
translations: $(STAMP)  ## collect the pages' texts into the English catalogue and compile it
	@mkdir -p build
	$(BIN)/pybabel extract -F $(CATALOGUE)/babel.cfg --no-wrap --sort-by-file \
	  --project udkast --copyright-holder udkast -o build/messages.pot .
	test -f $(CATALOGUE)/en/LC_MESSAGES/messages.po || \
	  $(BIN)/pybabel init --no-wrap -l en -i build/messages.pot -d $(CATALOGUE)
	$(BIN)/pybabel update --no-wrap --ignore-obsolete -N -l en \
	  -i build/messages.pot -d $(CATALOGUE)
	$(BIN)/pybabel compile --statistics -l en -d $(CATALOGUE)

# The service may not render DOCX: the empty Word templates the start page offers are
# rendered here and committed; tests/test_word_template.py fails while they are stale.
word-templates: $(STAMP)  ## render the empty Word templates (Danish, English) into core/samples
	$(BIN)/python -m scripts.word_templates

preview: $(STAMP)  ## render both examples in every theme to PDF, DOCX and PNG pages under preview/<theme>/
	@scripts/ensure-system.sh preview
	$(BIN)/python -m scripts.preview ../shared/examples/socialstrategi/*.yaml --out preview

clean:  ## remove generated files (keeps the venv)
	rm -rf out preview build .pytest_cache .mypy_cache .mypy-report .ruff_cache .coverage htmlcov

# Parley: `make run` serves the app with the seeds loaded; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve test lint typecheck pytest browser-deps bench eval screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# The pip that Python ships (no upgrade), with the versions CI was last green on.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --constraint constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Parley with its development tools

run: $(STAMP) ## Install, migrate, seed and serve on http://$(HOST):$(PORT) (SQLite ./parley.db by default)
	$(BIN)/parley db upgrade
	$(BIN)/parley seed
	$(BIN)/parley serve --host $(HOST) --port $(PORT)

serve: $(STAMP) ## Serve without migrating or seeding
	$(BIN)/parley serve --host $(HOST) --port $(PORT) --reload

browser-deps: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing chromium (Debian package) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations

typecheck: $(STAMP) ## mypy on app/
	$(BIN)/mypy app

pytest: $(STAMP) browser-deps ## The test suite, on PostgreSQL and SQLite
	$(BIN)/pytest -q

test: $(STAMP) browser-deps lint typecheck pytest ## Install everything and run ruff, mypy and pytest

eval: $(STAMP) ## Extraction quality: every gold set, seen beside held out (needs ../shared)
	$(BIN)/python bench/eval_extraction.py --all

bench: $(STAMP) ## Throughput benchmarks
	$(BIN)/python bench/extraction_throughput.py

screenshots: $(STAMP) browser-deps ## Retake the docs' screenshots (docs/*.png) from a seeded Parley in Chromium
	$(BIN)/python -m tests.browser.screenshots

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) parley.db parley.db-wal parley.db-shm parley.db.secret

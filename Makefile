# trendlab — `make help` lists the targets. `make analysis` and `make test` set themselves up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help setup test analysis fetch build report evaluate bench lint clean distclean

help: ## Show this help
	@echo "trendlab — measure how engineering and product management converge"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Data: set TRENDLAB_MIRROR=/path/to/mirror to read public files from a local mirror."

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install trendlab (editable) with dev tools

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest -q

analysis: $(STAMP) ## Fetch the data, build the tables, render every report into reports/
	$(BIN)/trendlab fetch
	$(BIN)/trendlab build
	$(BIN)/trendlab report
	@echo "Open reports/index.html"

fetch: $(STAMP) ## Fetch (or copy from TRENDLAB_MIRROR) and verify every public file
	$(BIN)/trendlab fetch

build: $(STAMP) ## Build processed tables from the raw files (only what changed)
	$(BIN)/trendlab build

report: $(STAMP) ## Render the notebooks to HTML (only what changed)
	$(BIN)/trendlab report

evaluate: $(STAMP) ## Measure the role and skill tagger against the labelled development set
	$(BIN)/trendlab evaluate

bench: $(STAMP) ## Run the benchmarks (speed and memory, printed as ratios)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check trendlab tests benchmarks notebooks

clean: ## Remove processed tables and rendered reports (raw downloads are kept)
	rm -rf data/processed/*.parquet data/processed/*.json data/processed/*/ reports/*.html reports/figures reports/.render-keys.json
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Also remove the raw cache and the virtual environment
	rm -rf $(VENV) data/raw/*/ data/raw/.*.json

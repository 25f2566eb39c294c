# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DAGSTER_HOME := $(CURDIR)/data/dagster_home
export GX_ANALYTICS_ENABLED := false

.PHONY: install system-packages run test fuzz dev check lint clean

# Debian packages the tests need: LibreOffice (DOC/WPS extraction, the Word→PDF test shapes),
# a CJK font (LibreOffice's PDFs of Chinese text), Chromium (the dashboards' browser test).
SYSTEM_PACKAGES := libreoffice-writer-nogui fonts-wqy-microhei chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,k8s]"
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp pipelines/dagster.yaml $@

## crawl the bundled portal simulator, run the whole nightly job once, print where the results are
run: install $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/xxgk run --mirror

## install the Debian packages the tests use (skipped when they are there)
system-packages:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy || ! command -v chromium >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	fi

## install (Python and Debian packages) and run the test suite
test: install system-packages
	$(BIN)/python -m pytest

## fuzz extract -> parse with 10,000 mutated documents and bombs (counts per outcome, slowest cases)
fuzz: install
	$(BIN)/python bench/fuzz.py --cases 10000

## the Dagster UI (assets, checks, schedule, sensor) on http://127.0.0.1:3000, crawling the bundled simulator
dev: install $(DAGSTER_HOME)/dagster.yaml
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/python -m pipelines.dev

## validate the Dagster definitions
check: install
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs

lint: install
	$(BIN)/ruff check xxgk assets pipelines tests bench

clean:
	rm -rf data/raw data/parsed data/warehouse data/quality data/gx data/dagster_home

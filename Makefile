# The README's commands. Every target sets up what it needs, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: bench run test setup prereqs prereqs-python lint typecheck pytest neo4j-start neo4j-stop clean-venv

run: setup ## Local Neo4j, schema, a demo pipeline, then the server in the foreground (prints its URL)
	$(BIN)/mltrace-graph neo4j start
	$(BIN)/mltrace-graph db upgrade
	$(BIN)/mltrace-graph demo
	@echo
	@echo "Neo4j is up. Connection: $$($(BIN)/mltrace-graph neo4j status --json)"
	$(BIN)/mltrace-graph serve --host 127.0.0.1 --port $${MLTRACE_SERVER_PORT:-8080}

test: setup lint typecheck pytest ## Every test suite, against a real Neo4j

setup: prereqs $(STAMP)

prereqs: prereqs-python
	@command -v java >/dev/null || { echo "error: Java 17+ is needed for the local Neo4j (apt-get install openjdk-17-jdk-headless), or set NEO4J_URI"; exit 1; }
	@command -v mvn >/dev/null || { echo "error: Maven is needed once to fetch Neo4j (apt-get install maven), or set NEO4J_URI"; exit 1; }

prereqs-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "error: Python 3.11 or newer is needed as '$(PYTHON)' (set PYTHON=/path/to/python3.11)"; exit 1; }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip || { echo "error: cannot reach the Python package index (PyPI); check the network or your pip mirror"; exit 1; }
	$(BIN)/pip install -q -e '.[test,fast,bench]'
	touch $(STAMP)

lint: setup
	$(BIN)/ruff check mltrace_graph tests
	$(BIN)/ruff format --check mltrace_graph tests

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest $(PYTEST_ARGS)

neo4j-start: setup
	$(BIN)/mltrace-graph neo4j start

neo4j-stop: setup
	$(BIN)/mltrace-graph neo4j stop

clean-venv:
	rm -rf $(VENV)

SCALE ?= default
bench: setup ## Benchmarks on a dedicated local Neo4j (SCALE=tiny|default|medium|large)
	$(BIN)/python -m mltrace_graph.bench --scale $(SCALE) --out bench-results

# --- The original mltrace, for comparison (docs/perf/original-mltrace.md) ---
# Its own virtualenv (it needs SQLAlchemy 1.4, and none of our packages) and a throwaway
# PostgreSQL cluster on 127.0.0.1 that is stopped and deleted however the run ends.
# ORIGINAL_ARGS passes options to mltrace_graph/bench/original.py (e.g. --cycles 1000).
ORIGINAL_VENV  := .venv-mltrace
ORIGINAL_REQS  := mltrace_graph/bench/original-requirements.txt
ORIGINAL_STAMP := $(ORIGINAL_VENV)/.installed-stamp
ORIGINAL_ARGS  ?=

.PHONY: bench-original

$(ORIGINAL_STAMP): $(ORIGINAL_REQS) | prereqs-python
	rm -rf $(ORIGINAL_VENV)
	$(PYTHON) -m venv $(ORIGINAL_VENV)
	$(ORIGINAL_VENV)/bin/pip install -q -r $(ORIGINAL_REQS) || \
	  { echo "error: could not install the original mltrace from PyPI ($(ORIGINAL_REQS))"; exit 1; }
	touch $@

bench-original: $(ORIGINAL_STAMP) ## The bench rows replayed on the original mltrace + PostgreSQL
	bash mltrace_graph/bench/original-run.sh $(ORIGINAL_VENV)/bin/python bench-results $(ORIGINAL_ARGS)

# --- Web app (webapp/, built into mltrace_graph/static/ which the server serves at /) ---
NPM          ?= npm
WEBAPP_DEPS  := webapp/node_modules/.package-lock.json
WEBAPP_BUILD := mltrace_graph/static/index.html
WEBAPP_SRC   := $(shell find webapp/src -type f 2>/dev/null) webapp/index.html webapp/vite.config.ts \
                webapp/tsconfig.json webapp/package-lock.json

.PHONY: webapp webapp-test e2e chromium

# `make run` serves the built app at /; `make test` also runs the web app's unit and browser tests.
run: webapp
test: webapp-test e2e

webapp: $(WEBAPP_BUILD) ## Build the web app (skipped when up to date)

$(WEBAPP_DEPS): webapp/package.json webapp/package-lock.json
	@command -v $(NPM) >/dev/null || { echo "error: Node.js 20.19+ and npm are needed to build the web app"; exit 1; }
	cd webapp && $(NPM) ci --no-audit --no-fund
	touch $@

$(WEBAPP_BUILD): $(WEBAPP_DEPS) $(WEBAPP_SRC)
	cd webapp && $(NPM) run build

webapp-test: $(WEBAPP_DEPS) ## Web app type check, lint and unit tests (no server needed)
	cd webapp && $(NPM) run typecheck && $(NPM) run lint && $(NPM) test

CHROMIUM ?= $(or $(CHROMIUM_PATH),/usr/bin/chromium)

e2e: setup webapp chromium ## Browser tests: real Neo4j + demo + server, driven by Debian's chromium
	cd webapp && CHROMIUM_PATH=$(CHROMIUM) PYTHON_BIN=$(abspath $(BIN)) node e2e/run.mjs

# The browser tests need Debian's chromium (a test tool's own browser download is not used).
# As root it is installed with apt-get; otherwise say what to install.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	      || { echo "error: apt-get could not install chromium; install it (or set CHROMIUM_PATH) and re-run"; exit 1; }; \
	  else \
	    echo "error: the browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install chromium' or set CHROMIUM_PATH"; exit 1; \
	  fi; \
	fi

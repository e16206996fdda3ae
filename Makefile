# Two commands on a fresh machine: `make run` (the bot) and `make test` (the tests).
# Everything else (venv, install, Node packages for the emulator, ingest) happens on the way.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EMULATOR := tests/emulator
NODE_STAMP := $(EMULATOR)/node_modules/.installed
EVAL ?= ../shared/eval/questions.yaml

.PHONY: install run chat ingest test lint eval bench emulator clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): $(EMULATOR)/package.json $(EMULATOR)/package-lock.json
	cd $(EMULATOR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m bot

chat: $(STAMP)
	$(PY) -m bot chat

ingest: $(STAMP)
	$(PY) ingest.py

lint: $(STAMP)
	$(PY) -m ruff check bot tests ingest.py

test: $(STAMP) $(NODE_STAMP) lint
	$(PY) -m pytest -q

eval: $(STAMP)
	$(PY) -m bot eval $(EVAL) --show-failures

bench: $(STAMP) $(NODE_STAMP)
	$(PY) -m tests.bench

emulator: $(STAMP) $(NODE_STAMP)
	$(PY) -m tests.harness

clean:
	rm -rf data .pytest_cache .ruff_cache

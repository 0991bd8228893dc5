PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := .demo/store.json
DEMO_TUTOR := maria

.PHONY: install demo test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p .demo
	$(BIN)/fbcli --db $(DEMO_DB) init --demo --force
	$(BIN)/fbcli --db $(DEMO_DB) --as $(DEMO_TUTOR) pending
	@echo
	@echo "Try more with:  export FBCLI_DB=$(DEMO_DB) FBCLI_TUTOR=$(DEMO_TUTOR)"
	@echo "                source $(BIN)/activate && fbcli --help"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache

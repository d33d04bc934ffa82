# backstride — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test check bench venv clean demo fmt sysdeps screenshots

$(STAMP): pyproject.toml setup.py src/backstride/ingest/_gpxscan.c src/backstride/ingest/_streampack.c src/backstride/ingest/_fitrecords.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

sysdeps:
	./scripts/ensure-system-deps.sh

## make run: set everything up and run the main job
run: sysdeps $(STAMP)
	$(BIN)/backstride demo
	$(BIN)/backstride serve

demo: run

## make test: set everything up and run the whole suite
# PostgreSQL: scripts/with-postgres.sh starts a private cluster for the postgres half of the
# store/service/API tests and stops it afterwards (even on failure).
test: sysdeps $(STAMP)
	./scripts/with-postgres.sh -- $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## make screenshots: every page at 1280x800 and 390x844 in real Chromium -> build/screenshots
screenshots: $(STAMP) sysdeps
	$(BIN)/python -m pytest tests/e2e -q -n $(PYTEST_WORKERS)
	@echo "screenshots of every page: build/screenshots/"

## make check: formatting, lint, strict typing and the layering contract (docs/readme/architecture.md)
check: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/mypy tests
	$(BIN)/lint-imports --no-cache

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## make bench: speed and memory against the named peers; writes bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

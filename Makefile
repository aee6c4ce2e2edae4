# Everything a newcomer needs: `make run` and `make test` set themselves up on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test lint install migrate content demo check clean fuzz bench bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(FLASK) db upgrade

content: migrate
	$(FLASK) content load

demo: content
	$(FLASK) demo load

run: demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The layers contract (.importlinter) and the linter first: an upward import fails here, before the suite runs.
lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

# A long run of the form fuzzer (tests/fuzz): ~150 examples per form and page from a random seed (the suite runs a
# few per target, derandomized). FUZZ_EXAMPLES=1000 for longer; TEST_DATABASE_URL to run it on PostgreSQL.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -p no:cacheprovider tests/fuzz/test_forms.py

# The load bench (bench/seed.py, bench/load.py; README "Performance"): a fresh PostgreSQL database seeded to national
# scale, then every key page driven by wrk against the bare route. BENCH_SCALE=0.1 for a tenth; BENCH_SECONDS per run.
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/casework_bench
BENCH_SCALE ?= 1
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.seed --fresh --scale $(BENCH_SCALE)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.load

# The same pages against the database `make bench` seeded, without seeding again.
bench-load: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.load

check: install
	$(FLASK) db check

clean:
	rm -rf $(VENV) .pytest_cache

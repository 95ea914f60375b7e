# Two commands do everything on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/keleshek
# pytest-xdist workers for both database passes (one per core by default).
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck test-sqlite test-postgres test-browser bench bench-routing \
        bench-import bench-support bench-dedup bench-dashboards bench-briefing bench-load bench-search \
        bench-documents \
        test-faults \
        install browser messages clean audit

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/keleshek migrate --noinput
	$(BIN)/keleshek demo
	$(BIN)/keleshek serve --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

# lint-imports checks the contracts of pyproject.toml: the layers of docs/architecture.md, a
# routing core without Django, and no circle inside it.
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

test-sqlite: $(STAMP) browser
	DATABASE_URL=sqlite:///:memory: $(PYTEST)

# Tests that start their own servers (browser, production stack, faults) run once, in the
# first pass; the PostgreSQL pass covers everything else on the shared server.
test-postgres: $(STAMP)
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
	  DATABASE_URL=$(PG_URL) $(PYTEST) -m "not browser and not own_services and not once"; \
	elif [ -n "$$KELESHEK_REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL at $(PG_URL) does not answer and KELESHEK_REQUIRE_POSTGRES is set"; exit 1; \
	else echo "PostgreSQL at $(PG_URL) does not answer: skipping the PostgreSQL run"; fi

test: lint typecheck test-sqlite test-postgres

# System packages the tests need (Debian): Chromium for the browser tests; Pango, DejaVu fonts
# and poppler for the PDFs. Each script installs only what is missing.
browser: $(STAMP)
	$(BIN)/python scripts/install_browser.py
	bash scripts/install_report_tools.sh

test-browser: $(STAMP) browser
	$(BIN)/pytest -q -m browser tests/browser

messages: $(STAMP)
	cd src/keleshek && ../../$(BIN)/keleshek makemessages -l ru -l kk -l en --ignore 'tests/*' && ../../$(BIN)/keleshek compilemessages

bench: bench-routing bench-import bench-support bench-dedup bench-dashboards bench-briefing bench-search

bench-routing: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/routing/run.py

bench-import: $(STAMP)
	$(BIN)/python benchmarks/intake/run.py

bench-support: $(STAMP)
	$(BIN)/python benchmarks/support/run.py

# Keleshek's de-duplication and Splink's on the same generated million (issue 20).
bench-dedup: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/support/dedup_vs_splink.py

bench-dashboards: $(STAMP)
	$(BIN)/python benchmarks/dashboards/run.py

bench-briefing: $(STAMP)
	$(BIN)/python benchmarks/briefing/run.py

# Catalogue search: recall@10 and MRR of benchmarks/search/queries.tsv on SQLite and, when it
# answers, PostgreSQL (docs/adr/0118); writes the "Catalogue search" section of benchmarks.md.
bench-search: $(STAMP)
	$(BIN)/python benchmarks/search/run.py

bench-load: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/load/run.py

# Documents rendered ahead (ADR 0194): render vs stored download vs a static file, on the demo
# region that bench-load loads (BENCH_DB); writes the "Documents" section of benchmarks.md.
bench-documents: $(STAMP)
	$(BIN)/python benchmarks/documents/run.py

test-faults: $(STAMP)
	KELESHEK_WRITE_RELIABILITY=1 $(BIN)/pytest -q -m faults tests/production

# pip-audit needs PyPI's JSON API or OSV; on a machine that reaches neither it says so.
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --progress-spinner off

clean:
	rm -rf $(VENV) keleshek.sqlite3* keleshek-jobs.sqlite3* staticfiles

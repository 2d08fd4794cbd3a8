# Samizdat: `make run` serves the demo outlet, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/samizdat

.PHONY: run test test-sqlite test-postgres fuzz lint bench bench-search bench-newsletter bench-federation bench-wordpress clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 TASKS_BACKEND=immediate BASE_URL=http://localhost:$(PORT) $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py set_site_host localhost:$(PORT)
	DEBUG=1 TASKS_BACKEND=immediate $(PY) manage.py rebuild_search_index
	DEBUG=1 HOST=$(HOST) PORT=$(PORT) BASE_URL=http://localhost:$(PORT) bash scripts/serve-dev.sh

# Generated bad input, far longer than the suite's 25 examples per endpoint, new ones each run
# (FUZZ_EXAMPLES=… to change how many; a failure prints the input that broke it).
fuzz: $(VENV)/.installed-test
	SECRET_KEY=fuzz SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} FUZZ_RANDOM=1 \
		$(VENV)/bin/pytest -q $$(ls samizdat/*/tests/test_fuzz.py)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check samizdat bench

test: $(VENV)/.installed-test
	@bash scripts/ensure-browser.sh
	$(VENV)/bin/ruff check samizdat
	@bash scripts/test-all.sh "$(PG_TEST_URL)"

test-sqlite: $(VENV)/.installed-test
	@bash scripts/test-all.sh "$(PG_TEST_URL)" sqlite

test-postgres: $(VENV)/.installed-test
	@bash scripts/test-all.sh "$(PG_TEST_URL)" postgres

bench: $(VENV)/.installed-test
	bash bench/run.sh
	$(MAKE) bench-search
	$(MAKE) bench-newsletter
	$(MAKE) bench-federation
	$(MAKE) bench-wordpress

# Needs PostgreSQL; fills the scratch database samizdat_bench (about 5 minutes for 100k articles).
bench-search: $(VENV)/.installed-test
	SECRET_KEY=bench $(VENV)/bin/python bench/search_fill.py
	SECRET_KEY=bench $(VENV)/bin/python bench/search_latency.py

# Needs PostgreSQL; sends an issue to 100,000 subscribers through 2 db_workers and a local SMTP
# sink, in the scratch database samizdat_bench_newsletter (about 8 minutes on 2 cores).
bench-newsletter: $(VENV)/.installed-test
	SECRET_KEY=bench $(VENV)/bin/python bench/newsletter_send.py

# Needs PostgreSQL; delivers a new article to 10,000 followers on 1,000 local shared inboxes through
# 2 db_workers, in the scratch database samizdat_bench_federation (under a minute).
bench-federation: $(VENV)/.installed-test
	SECRET_KEY=bench $(VENV)/bin/python bench/federation_delivery.py

# Imports a generated 10,000-post WordPress export into a fresh SQLite database (a few minutes).
bench-wordpress: $(VENV)/.installed-test
	SECRET_KEY=bench $(VENV)/bin/python bench/wordpress_import.py

clean:
	rm -rf var

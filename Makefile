# The two commands a new user needs: `make demo` and `make test`. Both do all set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
# PostgreSQL is DATABASE_URL when set, otherwise the embedded server this starts (and stops) in var/;
# Redis is REDIS_URL when set, otherwise none (Celery tasks run eagerly). See scripts/with_services.py.
RUN := $(BIN)/python scripts/with_services.py --

.PHONY: install demo test bench lint migrate manage messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,test]"
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

migrate: install
	@$(RUN) $(BIN)/python manage.py migrate --noinput

# Set up everything, load the demo data and start the system on http://127.0.0.1:8000
demo: install
	@export APP_ENV=development STRIPE_API_BASE=$${STRIPE_API_BASE:-http://127.0.0.1:8420}; \
	$(RUN) bash -c '$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py seed_demo --bidders 20 --password demo-pass-2026 && \
	echo && echo "  Public site:          http://127.0.0.1:8000/" && \
	echo "  Auction site:         http://127.0.0.1:8000/auctions/" && \
	echo "  Staff admin:          http://127.0.0.1:8000/admin/  (editors: Pages; Settings > Site menu)" && \
	echo "  Bidder API:           http://127.0.0.1:8000/api/v1/openapi.json" && \
	echo "  Stripe stand-in:      http://127.0.0.1:8420 (localstripe)" && echo && \
	if [ -n "$${REDIS_URL:-}" ]; then exec $(BIN)/honcho -f Procfile.dev-redis start; \
	else exec $(BIN)/honcho -f Procfile.dev start; fi'

# Set up everything and run the whole test suite (benchmarks excluded; see `make bench`), on as many
# processes as there are CPUs (TEST_WORKERS=0 for one).
TEST_WORKERS ?= auto
test: install
	@export APP_ENV=test; echo "database: $${DATABASE_URL:-embedded PostgreSQL in var/postgres}  redis: $${REDIS_URL:-none named (the Redis tests start their own)}"; \
	$(RUN) $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# All benchmarks, or some: make bench BENCH=tests/benchmarks/test_api_load.py
bench: install
	@$(RUN) $(BIN)/python -m pytest $(or $(BENCH),tests/benchmarks) -s -q -o addopts="" $(PYTEST_ARGS)

# Any management command on the same database: make manage ARGS="createsuperuser"
manage: install
	@$(RUN) $(BIN)/python manage.py $(ARGS)

# Refresh the French and Spanish catalogues (locale/) after changing strings, and compile them. Needs GNU
# gettext; the compiled .mo files are committed, so a machine without it still runs translated.
messages: install
	$(BIN)/python manage.py makemessages -l fr -l es --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache

# The two commands a new user needs: `make run` and `make test`; `make check` before a commit.
# Each installs what it needs from the package registries on a fresh machine, Python
# packages at the versions pinned in requirements/*.txt (`make lock` refreshes them).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/bianmin_test
CHROMIUM := /usr/bin/chromium
OPENAPI_JSON := build/openapi.json
CHECKS := check-format check-lint check-pragmas check-types check-imports check-pwa check-openapi

.PHONY: run test check $(CHECKS) lock install install-dev pwa browser postgres test-sqlite test-postgres clean

run: install pwa
	$(VENV)/bin/bianmin serve

test: install-dev pwa browser postgres
	@echo "================ test suite on SQLite (embedded default) ================"
	$(PY) -m pytest
	@echo "================ test suite on PostgreSQL ($(PG_TEST_URL)) ================"
	BIANMIN_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m "not e2e"

# Every check runs (-k) so one run shows every problem; any failure fails `make check`.
check:
	@$(MAKE) --no-print-directory -k $(CHECKS)

check-format: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff format --check --quiet .

check-lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check --quiet --output-format=concise .

# Ruff (PGH) makes a `noqa` or `type: ignore` name its codes; this makes it say why, on its line.
check-pragmas:
	@if git grep -nE '#\s*(noqa(:\s*[A-Z]+[0-9]+(,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(\[[a-z, -]+\])?)\s*$$' \
		-- '*.py' ':!backend/*/piccolo_migrations/*'; then \
		echo "^ a noqa or type: ignore carries its reason on the same line" >&2; exit 1; fi

check-types: $(VENV)/.stamp-dev
	$(VENV)/bin/mypy

check-imports: $(VENV)/.stamp-dev
	$(VENV)/bin/lint-imports --no-cache

check-pwa: pwa/node_modules/.stamp-npm
	cd pwa && npm run --silent lint

check-openapi: $(VENV)/.stamp-dev tools/node_modules/.stamp-npm
	$(PY) tools/openapi.py $(OPENAPI_JSON)
	cd tools && npm run --silent lint:openapi -- ../$(OPENAPI_JSON)

install: $(VENV)/.stamp-run pwa/node_modules/.stamp-npm

install-dev: $(VENV)/.stamp-dev pwa/node_modules/.stamp-npm

# What running needs: the pinned dependencies, then the project itself without resolving again.
$(VENV)/.stamp-run: requirements/run.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements/run.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Tests and checks: the run pins plus the test and check extras (same versions for what they share).
$(VENV)/.stamp-dev: $(VENV)/.stamp-run requirements/dev.txt
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

# Refresh the pins from pyproject.toml. Pins stay unless pyproject.toml asks otherwise;
# `make lock LOCK_ARGS=--upgrade` (or `--upgrade-package NAME`) moves them on.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
lock: $(VENV)/.stamp-dev
	$(PIP_COMPILE) --output-file requirements/run.txt pyproject.toml
	$(PIP_COMPILE) --extra test --extra check --constraint requirements/run.txt --output-file requirements/dev.txt pyproject.toml

pwa/node_modules/.stamp-npm: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

tools/node_modules/.stamp-npm: tools/package.json tools/package-lock.json
	cd tools && npm ci --no-audit --no-fund
	touch $@

# esbuild takes well under a second, so the PWA is always rebuilt from source.
pwa: pwa/node_modules/.stamp-npm
	cd pwa && npm run build

# Debian's Chromium and CJK fonts for the browser tests (Playwright's own browser
# download cannot work without internet access).
browser:
	@if [ ! -x $(CHROMIUM) ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
		else \
			echo "Browser tests need: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
		fi; \
	fi

# Start the local PostgreSQL if it is down; the tests create their own database.
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi
	@pg_isready -h 127.0.0.1 -p 5432

test-sqlite: install-dev pwa browser
	$(PY) -m pytest

test-postgres: install-dev pwa postgres
	BIANMIN_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m "not e2e"

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist tools/node_modules build .pytest_cache .mypy_cache .ruff_cache

# The two commands a new user needs: `make run` and `make test`.
# Both install what they need from the package registries on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/bianmin_test
CHROMIUM := /usr/bin/chromium

.PHONY: run test install pwa browser postgres test-sqlite test-postgres clean

run: install pwa
	$(VENV)/bin/bianmin serve

test: install pwa browser postgres
	@echo "================ test suite on SQLite (embedded default) ================"
	$(PY) -m pytest
	@echo "================ test suite on PostgreSQL ($(PG_TEST_URL)) ================"
	BIANMIN_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m "not e2e"

install: $(VENV)/.stamp-py pwa/node_modules/.stamp-npm

$(VENV)/.stamp-py: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

pwa/node_modules/.stamp-npm: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
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

test-sqlite: install pwa browser
	$(PY) -m pytest

test-postgres: install pwa postgres
	BIANMIN_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -m "not e2e"

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist .pytest_cache

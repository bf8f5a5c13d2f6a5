# Vigil: one command to run, one to test. Needs only python3 (3.11) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT

.PHONY: install run demo-code test lint format check-migrations audit messages

# axe-core for the accessibility test (where the repository has its lockfile; a copy without it skips the step).
AXE := $(if $(wildcard package-lock.json),node_modules/.package-lock.json)
install: $(STAMP) var/catalogs.stamp $(AXE)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# Catalogs are compiled with Babel: GNU gettext is not needed on the machine.
var/catalogs.stamp: $(STAMP) $(wildcard locale/*/LC_MESSAGES/*.po)
	@mkdir -p var
	$(PY) -m vigil.lib.catalogs compile
	@touch $@

# axe-core for the accessibility test, pinned by package-lock.json (test-only: nothing in node_modules is served).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm is not installed: the accessibility test will say it is skipped"; fi

run: install
	bash scripts/run.sh

# The current second-factor code of a demo account: make demo-code ACCOUNT=dispatcher
# (prepare-demo.sh makes the keys, database and demo accounts first if `make run` has not)
demo-code: install
	@bash scripts/prepare-demo.sh
	@set -a; . var/dev-keys.env; set +a; DEBUG=1 VIGIL_DEMO=1 $(PY) manage.py demo_totp $(or $(ACCOUNT),dispatcher)

# A signed test message to the running demo's SMS webhook (WHATSAPP=1: as WhatsApp): make demo-message TEXT="..."
.PHONY: demo-message
demo-message: install
	@bash scripts/prepare-demo.sh
	@set -a; . var/dev-keys.env; set +a; DEBUG=1 VIGIL_DEMO=1 $(PY) manage.py demo_message "$(TEXT)" $(if $(WHATSAPP),--whatsapp)

test: install
	bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

audit: install
	$(VENV)/bin/pip-audit --disable-pip --no-deps -r requirements.txt

messages: install
	$(PY) -m vigil.lib.catalogs extract

# make bench-NAME runs bench/NAME.py, which prints its figures and goals as one JSON line last.
BENCHES := intake clustering language fanout places geo rules rules_recompute matching worker pages
BENCH_SCRIPT_geo := bench/geo_lookup.py
.PHONY: $(BENCHES:%=bench-%)
$(BENCHES:%=bench-%): bench-%: install
	$(PY) $(or $(BENCH_SCRIPT_$*),bench/$*.py)

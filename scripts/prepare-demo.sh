#!/usr/bin/env bash
# What the demo needs before anything uses it, each step idempotent: development keys (made once per clone
# and kept out of git, var/ is ignored), a migrated database, the jurisdiction, the know-your-rights texts and the demo data. `make run`
# runs it, and so do `make demo-code` and `make demo-message`, which work without `make run` first.
# Prints nothing but errors unless VERBOSE=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var
export DEBUG="${DEBUG:-1}"
export VIGIL_DEMO="${VIGIL_DEMO:-1}"
if [ ! -f var/dev-keys.env ]; then
  DEBUG=1 $PY manage.py generate_keys > var/dev-keys.env
fi
set -a; . var/dev-keys.env; set +a
quiet() { if [ "${VERBOSE:-0}" = "1" ]; then "$@"; else "$@" >/dev/null; fi; }
quiet $PY manage.py migrate --noinput
quiet $PY manage.py load_jurisdiction
# The know-your-rights texts, from their files (unchanged ones are skipped; a console edit is never overwritten).
quiet $PY manage.py load_rights
quiet $PY manage.py messaging_templates load
if [ "$VIGIL_DEMO" = "1" ]; then quiet $PY manage.py seed_demo; fi

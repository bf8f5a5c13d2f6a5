#!/usr/bin/env bash
# make run: migrate, load the jurisdiction and demo data, start the worker and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"
export VIGIL_DEMO="${VIGIL_DEMO:-1}"
# In the demo the family page's intakes go to the demo hotline (seed_demo makes it); a deployment names its own.
if [ "$VIGIL_DEMO" = "1" ]; then export VIGIL_FAMILY_INTAKE_ORGANIZATION="${VIGIL_FAMILY_INTAKE_ORGANIZATION:-demo-hotline}"; fi
VERBOSE=1 bash scripts/prepare-demo.sh
set -a; . var/dev-keys.env; set +a
$PY manage.py worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM
echo "Vigil is at http://127.0.0.1:${PORT}/ (Ctrl-C stops the server and the worker)"
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload

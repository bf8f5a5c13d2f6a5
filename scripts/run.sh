#!/usr/bin/env bash
# make run: migrate, load the jurisdiction and demo data, start the worker and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var
export DEBUG="${DEBUG:-1}"
export VIGIL_DEMO="${VIGIL_DEMO:-1}"
# Development keys, made once per clone and kept out of git (var/ is ignored).
if [ ! -f var/dev-keys.env ]; then
  DEBUG=1 $PY manage.py generate_keys > var/dev-keys.env
fi
set -a; . var/dev-keys.env; set +a
$PY manage.py migrate --noinput
$PY manage.py load_jurisdiction
if [ "$VIGIL_DEMO" = "1" ]; then $PY manage.py seed_demo; fi
$PY manage.py worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM
echo "Vigil is at http://127.0.0.1:${PORT}/ (Ctrl-C stops the server and the worker)"
$PY manage.py runserver "127.0.0.1:${PORT}" --noreload

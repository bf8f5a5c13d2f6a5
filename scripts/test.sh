#!/usr/bin/env bash
# make test: the whole suite. With no DATABASE_URL it runs on SQLite and needs nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
export FIELD_ENCRYPTION_KEYS="${FIELD_ENCRYPTION_KEYS:-1:$(.venv/bin/python -c 'import base64;print(base64.urlsafe_b64encode(b"t"*32).decode())')}"
export BLIND_INDEX_KEYS="${BLIND_INDEX_KEYS:-1:$(.venv/bin/python -c 'import base64;print(base64.urlsafe_b64encode(b"i"*32).decode())')}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}"
export SECRET_KEY="${SECRET_KEY:-test-secret-key-not-for-production-$(date +%s)}"
exec .venv/bin/python -m pytest "$@"

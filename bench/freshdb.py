"""A fresh, migrated database for a benchmark that goes through the production path, in this process.

SQLite: a file in a temporary folder (under var/ when it exists). With a PostgreSQL `DATABASE_URL`: a
throwaway database on that server, dropped afterwards. Keys are generated for the run; Redis is not used.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _key() -> str:
    return "1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


@contextmanager
def fresh_database(name: str):
    """Set up Django on a new database named after `name`, migrated; everything is removed on exit."""
    given_url = os.environ.get("DATABASE_URL", "")
    postgres = is_postgres(given_url)
    folder = Path(
        tempfile.mkdtemp(prefix=f"vigil-bench-{name}-", dir=ROOT / "var" if (ROOT / "var").exists() else None)
    )
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vigil.settings",
            "DATABASE_URL": given_url if postgres else f"sqlite:///{folder / 'bench.sqlite3'}",
            "REDIS_URL": "",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": _key(),
            "BLIND_INDEX_KEYS": _key(),
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    old_name = None
    try:
        if postgres:
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"vigil_bench_{name}_{os.getpid()}"
            old_name = connection.settings_dict["NAME"]
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        else:
            call_command("migrate", verbosity=0)
        yield
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)

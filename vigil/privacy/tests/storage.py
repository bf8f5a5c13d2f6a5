"""Looking for a needle everywhere Vigil could have put it: database files and tables, cache, Redis, mail."""

from __future__ import annotations

import pickle
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection


def database_bytes() -> bytes:
    """Raw SQLite main and -wal files; for PostgreSQL, every row of every table as text."""
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        chunks = []
        for path in (name, Path(f"{name}-wal")):
            if path.exists():
                chunks.append(path.read_bytes())
        return b"".join(chunks)
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names come from the catalog)
            for row in cursor.fetchall():
                chunks.append(repr(row).encode())
                chunks.extend(bytes(v) for v in row if isinstance(v, bytes | memoryview))
    return b"\n".join(chunks)


def cache_bytes() -> bytes:
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        chunks = []
        for key in client.scan_iter("*"):
            chunks.append(key)
            kind = client.type(key)
            if kind == b"string":
                chunks.append(client.get(key) or b"")
            elif kind == b"list":
                chunks.extend(client.lrange(key, 0, -1))
            elif kind == b"hash":
                for k, v in client.hgetall(key).items():
                    chunks.extend((k, v))
            elif kind == b"set":
                chunks.extend(client.smembers(key))
            elif kind == b"zset":
                chunks.extend(client.zrange(key, 0, -1))
        return b"\n".join(chunks)
    store = getattr(cache, "_cache", {})
    return b"\n".join(k.encode() + b"=" + (v if isinstance(v, bytes) else pickle.dumps(v)) for k, v in store.items())


def mail_bytes() -> bytes:
    return b"\n".join(m.message().as_bytes() for m in mail.outbox)


def places_holding(needle: str, log_text: str = "") -> list[str]:
    """Which stores contain the needle (as UTF-8), by name."""
    raw = needle.encode()
    found = []
    for name, blob in (
        ("database", database_bytes()),
        ("cache", cache_bytes()),
        ("mail", mail_bytes()),
        ("logs", log_text.encode()),
    ):
        if raw in blob:
            found.append(name)
    return found

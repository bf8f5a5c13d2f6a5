"""The one fixed-window counter every limit uses (report and sign-up rates, code caps, send rates).

A window's counter lives in the shared cache under a key that names the window, so every process that
shares the cache shares the count. `add` then `incr` is atomic in Redis and in Django's local-memory
cache; a key evicted in between starts again at one.
"""

from __future__ import annotations

from django.core.cache import cache


def count_once(key: str, *, ttl_seconds: float) -> int:
    """Add one to the counter under `key` (kept `ttl_seconds`) and return the new count."""
    ttl = max(1, int(ttl_seconds))
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, ttl)
        return 1

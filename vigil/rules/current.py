"""The deployment's rule pack (settings.JURISDICTION_DIR/rules.toml), loaded once per process."""

from __future__ import annotations

import functools

from django.conf import settings

from vigil.rules.pack import Pack, load_pack


@functools.cache
def current_pack() -> Pack:
    return load_pack(settings.JURISDICTION_DIR / "rules.toml")

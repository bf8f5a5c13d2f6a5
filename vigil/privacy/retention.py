"""Which models hold personal data and for how long. Pure lookups; the purge itself is an action."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone


def retention_models():
    for model in apps.get_models():
        if getattr(model, "retention_key", ""):
            yield model


def cutoff(key: str, now=None):
    now = now or timezone.now()
    return now - timedelta(days=settings.RETENTION[key])

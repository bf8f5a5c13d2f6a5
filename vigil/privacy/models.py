"""The shape every record about a person shares: a UUID made before insert, a retention clock, a hold."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalRecord(models.Model):
    """Abstract base for rows that hold data about people.

    Subclasses set ``retention_key`` (a key of settings.RETENTION) and ``retention_date_field``; the
    purge removes rows older than that many days, with everything that hangs from them, unless
    ``legal_hold`` is set. ``retention_fields`` maps encrypted fields to an earlier key of their own.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    legal_hold = models.BooleanField(_("legal hold"), default=False)

    retention_key: str = ""
    retention_date_field: str = "created_at"
    retention_fields: dict[str, str] = {}

    class Meta:
        abstract = True

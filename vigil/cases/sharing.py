"""Sharing a case with another organization of the coalition (docs/cases.md, "Sharing a case"). Imported by
models.py, so the model belongs to the cases app.

A share names the case, the organization it is shared with, who shared it and when, and, once revoked, who
revoked it and when. A revoked share is kept (it is the record of who could see the case); a case has at
most one active share per organization, which the database holds.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CaseShare(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="shares")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-shared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organization"], condition=Q(revoked_at__isnull=True), name="caseshare_one_active"
            ),
        ]
        indexes = [models.Index(fields=["organization", "revoked_at"], name="caseshare_org_active")]

    def __str__(self):
        return f"Case share {str(self.pk)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

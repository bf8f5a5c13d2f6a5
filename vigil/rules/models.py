"""Findings kept with their history and the rule pack's hash, and the derived categories monitors see."""

import uuid

from django.db import models
from django.utils import timezone

from vigil.privacy.fields import EncryptedJSONField


class Finding(models.Model):
    """One finding of one rule on an incident (or one of its detention records), under one pack. A finding
    is current until a later judgment of the incident (documentation changed, or another pack) supersedes
    it; superseded findings stay, with the hash of the pack that gave them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    detention_number = models.PositiveSmallIntegerField(null=True, blank=True)  # "person n", none: the incident
    rule = models.CharField(max_length=64, db_index=True)
    level = models.CharField(max_length=24, db_index=True)
    citation = models.CharField(max_length=300)
    unverified = models.BooleanField(default=False)
    # The facts that decided it, with their values (conviction dates, offences …): personal, so sealed.
    facts = EncryptedJSONField()
    unknown = models.JSONField(default=list, blank=True)  # paths of facts only, no values
    pack_hash = models.CharField(max_length=64, db_index=True)
    computed_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["incident", "detention_number", "rule"]
        indexes = [models.Index(fields=["incident", "superseded_at"], name="finding_incident_current")]

    def __str__(self):
        return f"finding {self.rule} ({self.level})"


class DetentionCategory(models.Model):
    """What a monitor may see of one detention record (docs/rules.md, "Monitors"): derived categories only,
    written with the findings and superseded with them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    detention_number = models.PositiveSmallIntegerField()
    custody = models.CharField(max_length=16, blank=True)
    warrant = models.CharField(max_length=32, blank=True)
    request = models.CharField(max_length=16, blank=True)
    honored = models.CharField(max_length=32, blank=True)
    qualifying_conviction = models.CharField(max_length=8, default="unknown")  # yes, no, unknown
    hold_hours = models.PositiveIntegerField(null=True, blank=True)
    court_related = models.CharField(max_length=8, default="unknown")  # yes, no, unknown
    pack_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["incident", "detention_number"]

    def __str__(self):
        return f"detention categories {self.detention_number}"


class Recompute(models.Model):
    """A recompute of every incident under a pack whose hash differs from the last one judged: resumable,
    its cursor the last incident id done."""

    id = models.BigAutoField(primary_key=True)
    pack_hash = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    cursor = models.UUIDField(null=True, blank=True)
    done_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"recompute {self.pack_hash[:12]}"

"""Interpreters, when they are available, and the interpretation requests of cases and incidents
(docs/cases.md, "Interpreters"). Imported by models.py, so the models belong to the cases app.

An interpreter is kept with the minimum of personal data: a display name, the languages, modes and
boroughs they work in. How to reach them stays with the coordinator who keeps the roster; the family
never sees who interprets.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InterpretingMode(models.TextChoices):
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    IN_PERSON = "in_person", _("In person")


class Interpreter(models.Model):
    """One interpreter on an organization's roster."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    display_name = models.CharField(max_length=120)
    # Normalized BCP 47 tags of individual languages (vigil/cases/matching/languages.py): never `zh` alone.
    languages = models.JSONField(default=list)
    modes = models.JSONField(default=list)
    # Area codes of the boroughs they go to in person.
    boroughs = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    is_fictional = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class AvailabilityWindow(models.Model):
    """A time an interpreter said they are available, in the modes given."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    interpreter = models.ForeignKey(Interpreter, on_delete=models.CASCADE, related_name="windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    modes = models.JSONField(default=list)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="window_ends_after_start")
        ]
        indexes = [models.Index(fields=["interpreter", "starts_at", "ends_at"], name="window_interpreter_time")]


class InterpretationRequest(models.Model):
    """An interpreter wanted for a case or an incident:
    requested → assigned → confirmed → completed, or cancelled, or unfilled (nobody by the start)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ASSIGNED = "assigned", _("Interpreter assigned")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        UNFILLED = "unfilled", _("Unfilled")

    OPEN_STATES = ("requested", "assigned", "confirmed")
    # The states that hold the interpreter's time: no other assignment may overlap them.
    BOOKED_STATES = ("assigned", "confirmed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The organization whose caseworkers asked; the only one that sees the request.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="interpretation_requests"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=35)
    mode = models.CharField(max_length=16, choices=InterpretingMode.choices)
    borough = models.CharField(max_length=4, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED, db_index=True)
    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    minutes_worked = models.PositiveIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    assigned_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, incident__isnull=True) | Q(case__isnull=True, incident__isnull=False),
                name="interpretation_case_or_incident",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="interpretation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(mode="in_person") | ~Q(borough=""), name="interpretation_in_person_borough"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["requested", "cancelled", "unfilled"]) | Q(interpreter__isnull=False),
                name="interpretation_assigned_has_interpreter",
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(minutes_worked__isnull=False),
                name="interpretation_completed_has_minutes",
            ),
        ]
        indexes = [models.Index(fields=["interpreter", "state", "starts_at"], name="interpretation_booked")]

    def __str__(self):
        return f"Interpretation {str(self.pk)[:8]} ({self.state})"

"""Subscribers and alerts.

A subscriber is an encrypted address, its blind index, a channel, a language and areas: nothing else.
An alert is composed from reviewed templates and frozen when composed. Sending it starts a messaging
broadcast: one messaging Delivery per (broadcast, subscriber), unique in the database, carrying its
own claim and lease so that a crash between the provider accepting a message and Vigil recording it
leaves the row visibly uncertain, never lost (vigil/messaging).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.privacy.fields import BlindIndexField, EncryptedTextField
from vigil.privacy.models import PersonalRecord

ADDRESS_PURPOSE = "alerts.subscriber.address"


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


class Subscriber(PersonalRecord):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    address = EncryptedTextField()
    address_index = BlindIndexField(
        purpose=ADDRESS_PURPOSE, source="address", normalizer="vigil.lib.normalize.normalize_contact_value"
    )
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    # The confirmation code is derived from (id, nonce) with a server key: no code is stored.
    confirm_nonce = models.PositiveIntegerField(default=0)
    confirm_expires_at = models.DateTimeField(null=True, blank=True)
    confirm_failures = models.PositiveSmallIntegerField(default=0)
    # A change asked for by an active subscriber (areas, language), applied when the code is confirmed.
    pending_areas = models.JSONField(default=list, blank=True)
    pending_language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set while pending or after unsubscribing, cleared while subscribed: the retention clock.
    inactive_since = models.DateTimeField(null=True, blank=True, db_index=True)

    retention_key = "alerts_inactive_subscriber"
    retention_date_field = "inactive_since"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "address_index"], name="alerts_one_subscriber_per_address")
        ]

    def __str__(self):
        return f"subscriber {str(self.pk)[:8]} ({self.channel}, {self.state})"

    def area_codes(self) -> list[str]:
        return sorted(self.areas.values_list("code", flat=True))


class SubscriberArea(models.Model):
    """One chosen area (borough or neighborhood code) of a subscriber; the fan-out selects on `code`."""

    id = models.BigAutoField(primary_key=True)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=16, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "code"], name="alerts_area_once")]

    def __str__(self):
        return self.code


class Alert(models.Model):
    class Kind(models.TextChoices):
        VERIFIED_ACTIVITY = "verified_activity", _("Verified activity")
        ALL_CLEAR = "all_clear", _("All clear")
        CORRECTION = "correction", _("Correction")
        RETRACTION = "retraction", _("Retraction")
        REMINDER = "reminder", _("Know-your-rights reminder")

    FOLLOW_UPS = ("all_clear", "correction", "retraction")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Finished")
        HALTED = "halted", _("Stopped")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Short public reference printed in every message: readers can refer to it, and the provider's
    # message log can be searched for it (with the recipient) to settle an uncertain delivery.
    ref = models.CharField(max_length=8, unique=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A verified-activity alert names the verification it announces; sending refuses one that is no longer
    # the incident's current verification (re-verified, retracted, closed) or was never given a basis.
    verification = models.ForeignKey(
        "incidents.Verification", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    area = models.CharField(max_length=16, blank=True)  # the NTA (or borough) the message names
    # The nearest known place the message names (a corner, station, school…), frozen when composed; empty
    # when none is known, or when it was withheld because the documented place is a home or a shelter.
    place_name = models.CharField(max_length=200, blank=True)
    place_withheld = models.BooleanField(default=False)
    borough = models.CharField(max_length=4, blank=True)
    target_areas = models.JSONField(default=list, blank=True)  # reminders: the areas chosen
    event_time = models.DateTimeField(null=True, blank=True)
    original_ref = models.CharField(max_length=8, blank=True)  # follow-ups: the alert they refer to
    # {language: {"text", "sms", "subject", "vars", "reviewed", "fallback"}}, rendered when composed.
    texts = models.JSONField(default=dict)
    needs_approval = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    unreviewed_confirmed = models.BooleanField(default=False)
    unreviewed_languages = models.JSONField(default=list, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    # The messaging broadcast that carries the alert: created when it is sent.
    broadcast = models.OneToOneField(
        "messaging.Broadcast", on_delete=models.PROTECT, null=True, blank=True, related_name="alert"
    )
    # Follow-ups keep adding people who received the original while it was still going out.
    topping_up = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["incident", "kind", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="verified_activity") | models.Q(verification__isnull=False),
                name="alerts_verified_activity_names_verification",
            )
        ]

    def __str__(self):
        return f"alert {self.ref} ({self.kind}, {self.state})"

    @property
    def approved(self) -> bool:
        return self.approved_by_id is not None

    @property
    def deliveries(self):
        """The alert's deliveries (none before it is sent)."""
        from vigil.messaging.models import Delivery

        return Delivery.objects.filter(broadcast_id=self.broadcast_id) if self.broadcast_id else Delivery.objects.none()

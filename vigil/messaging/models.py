"""Outbound messages, their attempts, and opt-outs.

A message is one text to one recipient on one channel in one language. It names its recipient by a
reference (kind, id), never by address: the app that owns the recipient registers a resolver that
turns the reference into an address at send time (registry.py), so no address is copied here. Each
message carries its own claim and lease, like alerts' deliveries, so a crash between the provider
accepting it and Vigil recording it leaves it visibly uncertain, never lost and never sent twice.

An opt-out is an address's blind index with the channel and our sending number: STOP (or a carrier's
"unsubscribed recipient" answer) ends every programme for that address on that number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.privacy.fields import EncryptedTextField
from vigil.privacy.models import PersonalRecord

ADDRESS_PURPOSE = "messaging.address"


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class Route(models.TextChoices):
    WINDOW = "window", _("WhatsApp, free text inside the 24-hour window")
    TEMPLATE = "template", _("WhatsApp, approved template")
    SMS_FALLBACK = "sms_fallback", _("SMS instead of WhatsApp")


class Message(PersonalRecord):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        UNCERTAIN = "uncertain", _("Uncertain")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = ("queued", "sending", "uncertain")
    RECEIVED = ("sent", "delivered")

    recipient_kind = models.CharField(max_length=40)
    recipient_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=8)
    text = EncryptedTextField()
    subject = EncryptedTextField()
    # Printed in the text, so the provider's log can be searched for (recipient, tag).
    tag = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True, db_index=True)
    provider_status = models.CharField(max_length=16, blank=True)
    error_code = models.CharField(max_length=32, blank=True)  # a code, never a provider's message
    was_uncertain = models.BooleanField(default=False)
    resolution = models.CharField(max_length=16, blank=True)  # found, not_found, resent
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # WhatsApp: the template (MessageTemplate.name) to use outside the conversation window, and its
    # values by placeholder name (JSON, sealed like the text: a case code is one of them); once routed
    # as a template, the numbered ContentVariables sent, and the text the template's words.
    template = models.CharField(max_length=64, blank=True)
    template_variables = EncryptedTextField()
    # How a WhatsApp message went, decided once before its first send (template_actions.choose_route) so
    # a resend after an uncertain outcome goes the same way; `channel` then says the channel really used.
    route = models.CharField(max_length=16, choices=Route.choices, blank=True)
    route_reason = models.CharField(max_length=32, blank=True)  # why it went by SMS (a code)
    content_sid = models.CharField(max_length=64, blank=True)  # the approved template's Twilio Content SID

    retention_key = "messaging_message"
    retention_date_field = "created_at"

    class Meta:
        indexes = [models.Index(fields=["recipient_kind", "recipient_id"], name="messaging_msg_recipient")]

    def __str__(self):
        return f"message {str(self.pk)[:8]} ({self.channel}, {self.state})"


class Attempt(models.Model):
    """One try at sending (or at settling an uncertain send): its outcome and error code, never content."""

    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_rows")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16)  # accepted, temporary, permanent, uncertain, found, not_found
    error_code = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"attempt {self.pk} ({self.outcome})"


class OptOut(models.Model):
    """No message of any app goes to this address on this channel from this sending number."""

    id = models.BigAutoField(primary_key=True)
    address_index = models.CharField(max_length=48)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sending_number = models.CharField(max_length=254, blank=True)
    via = models.CharField(max_length=16)  # keyword, carrier
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address_index", "channel", "sending_number"], name="messaging_one_opt_out_per_address"
            )
        ]

    def __str__(self):
        return f"opt-out {self.pk} ({self.channel}, {self.via})"


class Broadcast(models.Model):
    """One text, in each recipient's language, to many recipients: an app's mass send (an alert).

    The owning app creates it and its deliveries in its own transaction (one INSERT ... SELECT for any
    number of recipients) and registers a programme under `programme` (registry.py) that renders each
    message and says when sending must stop. Messaging claims, sends, records and settles the
    deliveries by the same exactly-once rules as single messages. No text and no address is stored
    here: the programme renders at send time, and the recipient's resolver gives the address."""

    id = models.BigAutoField(primary_key=True)
    programme = models.CharField(max_length=40)
    recipient_kind = models.CharField(max_length=40)
    # Printed in every text (an alert's reference), so an uncertain send is looked up by (recipient, tag).
    tag = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"broadcast {self.pk} ({self.programme})"


class Delivery(models.Model):
    """One recipient of a broadcast, named by id (the broadcast's recipient kind): the address is
    resolved at send time, so none is copied here."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        UNCERTAIN = "uncertain", _("Uncertain")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = ("queued", "sending", "uncertain")
    RECEIVED = ("sent", "delivered")

    id = models.BigAutoField(primary_key=True)
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="deliveries")
    # Recipients of broadcasts are personal records, whose ids are UUIDs; a UUID column keeps the bulk
    # INSERT ... SELECT a plain copy of the recipient table's id on both engines.
    recipient_id = models.UUIDField(db_index=True)  # an unsubscribe withdraws their queued deliveries
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=8)
    priority = models.IntegerField(default=0)  # lower goes first (an alert: the incident's neighborhood)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True, db_index=True)
    provider_status = models.CharField(max_length=16, blank=True)
    error_code = models.CharField(max_length=32, blank=True)  # a code, never a provider's message
    was_uncertain = models.BooleanField(default=False)
    resolution = models.CharField(max_length=16, blank=True)  # found, not_found, resent, unknown
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    retention_key = "messaging_delivery"
    retention_date_field = "created_at"

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "recipient_id"], name="messaging_one_delivery_per_recipient")
        ]
        indexes = [
            models.Index(fields=["broadcast", "channel", "state", "priority"], name="messaging_deliv_claim"),
            models.Index(fields=["claim"], name="messaging_deliv_by_claim"),
        ]

    def __str__(self):
        return f"delivery {self.pk} ({self.channel}, {self.state})"


class MessageTemplate(models.Model):
    """One WhatsApp template in one language: what may go to a person outside the 24-hour window.

    The body is ours (data: templates_seed.toml), with named placeholders ({code}); it is registered
    with Twilio as a Content template (numbered {{1}}, {{2}} in the order the placeholders first appear)
    and approved or rejected by Meta. The state is what an admin recorded (or the sync command read
    from Twilio); only an approved template with a Content SID is ever used. Templates belong to the
    deployment (one WhatsApp sender), not to an organization."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to Meta")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAUSED = "paused", _("Paused")

    id = models.BigAutoField(primary_key=True)
    name = models.SlugField(max_length=64)
    language = models.CharField(max_length=8)
    body = models.TextField()
    # Whether a fluent reviewer checked this language's body (the seed marks new drafts unreviewed).
    reviewed = models.BooleanField(default=False)
    content_sid = models.CharField(max_length=64, blank=True)  # Twilio's "HX…", blank until submitted
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(default=timezone.now)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "language"]
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="messaging_one_template_per_language")]

    def __str__(self):
        return f"template {self.name} ({self.language}, {self.state})"


class ConversationWindow(models.Model):
    """When a WhatsApp number last wrote to us: for 24 hours after, WhatsApp carries free text to it.
    Only the address's blind index, our number and one time, overwritten by each message; never the
    content. Rows older than a day are deleted every hour (jobs.forget_closed_windows)."""

    id = models.BigAutoField(primary_key=True)
    address_index = models.CharField(max_length=48)
    sending_number = models.CharField(max_length=254, blank=True)
    last_inbound_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address_index", "sending_number"], name="messaging_one_window_per_address")
        ]

    def __str__(self):
        return f"window {self.pk}"

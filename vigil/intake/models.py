from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.privacy.fields import BlindIndexField, EncryptedTextField
from vigil.privacy.models import PersonalRecord


class Report(PersonalRecord):
    """One report as received. Immutable after receipt except its incident link and triage state.

    Free text, the place as written and any contact are encrypted: a reporter may name people or
    themselves. Area codes, time and SALUTE counts stay in the clear for grouping and aggregates.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        HOTLINE = "hotline", _("Hotline")
        API = "api", _("Partner API")

    class Triage(models.TextChoices):
        NEW = "new", _("New")
        LINKED = "linked", _("Linked to an incident")
        SPAM = "spam", _("Spam")
        NOT_ENFORCEMENT = "not_enforcement", _("Not enforcement")

    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField()
    language = models.CharField(max_length=8, default="und")
    form_language = models.CharField(max_length=8, blank=True)
    place_text = EncryptedTextField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    area = models.CharField(max_length=16, blank=True, db_index=True)
    cd = models.CharField(max_length=8, blank=True)
    borough = models.CharField(max_length=4, blank=True)
    area_approximate = models.BooleanField(default=False)
    place_source = models.CharField(max_length=16, blank=True)  # point, picker, text, partner
    salute = models.JSONField(default=dict, blank=True)
    people_detained = models.CharField(max_length=8, blank=True)  # yes, no, unknown
    contact = EncryptedTextField()
    contact_index = BlindIndexField(
        purpose="report_contact", source="contact", normalizer="vigil.lib.normalize.normalize_contact_value"
    )
    # An SMS or WhatsApp sender before they agree to be contacted: a keyed hash whose key lives one day
    # in memory, so a follow-up from the same phone can be linked for 24 hours and never afterwards.
    sender_ref = models.CharField(max_length=48, blank=True, db_index=True)
    receipt_code = models.CharField(max_length=16, unique=True)
    # Encrypted rather than hashed so that a repeated submission (same idempotency key) can show the
    # reporter the same receipt again; it is compared in constant time.
    receipt_secret = EncryptedTextField()
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    partner = models.ForeignKey(
        "accounts.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_submission = models.BooleanField(default=True)  # proof of work solved, or a trusted channel
    triage = models.CharField(max_length=16, choices=Triage.choices, default=Triage.NEW)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    # More information the reporter added later with their receipt code and secret.
    follow_up_of = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups")

    retention_key = "report"
    retention_date_field = "received_at"
    retention_fields = {"contact": "report_contact"}

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"Report {self.receipt_code}"


class ProviderMessage(models.Model):
    """An inbound provider message already handled (Twilio retries webhooks): its id, never its content."""

    sid = models.CharField(max_length=64, primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    retention_key = "provider_message"
    retention_date_field = "received_at"

    def __str__(self):
        return self.sid

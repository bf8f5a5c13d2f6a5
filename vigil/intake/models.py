import json
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.privacy.fields import BlindIndexField, EncryptedJSONField, EncryptedTextField
from vigil.privacy.models import PersonalRecord

# The questions as the report forms ask them, so staff read what the reporter was asked.
SALUTE_LABELS = {
    "size": _("How many agents?"),
    "vehicles": _("How many vehicles?"),
    "activity": _("What were they doing?"),
    "uniform": _("Uniforms or markings"),
    "agency": _("Which agency, if known"),
    "equipment": _("Equipment (weapons, vehicles, other)"),
}
DETAINED_CHOICES = {"yes": _("Yes"), "no": _("No"), "unknown": _("I don't know")}


class Report(PersonalRecord):
    """One report as received. Immutable after receipt except its incident link and triage state.

    Free text, the place as written, the SALUTE answers and any contact are encrypted: a reporter may name
    people or themselves. Area codes and time stay in the clear for grouping and aggregates.
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
    # The SALUTE answers, free text (reporters write names and plates there): sealed like the report's text.
    salute = EncryptedJSONField()
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
    # Scoped by its source: "org:<uuid>:" and a partner's key of up to 80 characters is 121 (intake.api).
    idempotency_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
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

    @property
    def first_report(self) -> "Report":
        """The report as first received: this one, or the one this addition adds to. Its reporter's contact
        and sender are kept there only, so an addition reaches them through it."""
        return self.follow_up_of if self.follow_up_of_id is not None else self

    # Channels whose forms ask the structured questions. Our own SMS and WhatsApp numbers take only text,
    # and an addition made later with the receipt code is text only too.
    ASKING_CHANNELS = frozenset({Channel.WEB, Channel.HOTLINE, Channel.API})
    # A reported time this close to the time received is the form's default ("now"), not an answer.
    TIME_GIVEN_AFTER = timedelta(minutes=1)

    def asks_questions(self) -> bool:
        if self.follow_up_of_id is not None:
            return False
        # A partner's report may be marked as one of its own SMS or WhatsApp reports: it came through the
        # API, which takes the answers.
        return self.channel in self.ASKING_CHANNELS or self.partner_id is not None

    def salute_answers(self) -> dict:
        """The SALUTE answers as a dict, whether kept as JSON or as sealed JSON text."""
        raw = self.salute
        if isinstance(raw, str):
            try:
                raw = json.loads(raw) if raw.strip() else {}
            except ValueError:  # unreadable answers must not take the incident page down on a raid morning
                return {}
        return raw if isinstance(raw, dict) else {}

    def structured_answers(self) -> list | None:
        """The answers given to the form's questions, as `vigil.incidents.answers.Answer`s in the forms'
        order; None when the channel asked none. The one place that reads how answers are stored."""
        from vigil.incidents.answers import QUESTION_ORDER, Answer, format_time

        if not self.asks_questions():
            return None
        given = {}
        if self.people_detained in DETAINED_CHOICES:
            given["people_detained"] = (self.people_detained, DETAINED_CHOICES[self.people_detained])
        for key, value in self.salute_answers().items():
            if key in SALUTE_LABELS and str(value).strip():
                given[key] = (str(value).strip(), str(value).strip())
        if self.occurred_at and self.received_at and abs(self.occurred_at - self.received_at) > self.TIME_GIVEN_AFTER:
            given["occurred_at"] = (self.occurred_at, format_time(self.occurred_at))
        labels = {"people_detained": _("Are people being detained?"), "occurred_at": _("When?"), **SALUTE_LABELS}
        return [Answer(key, labels[key], *given[key]) for key in QUESTION_ORDER if key in given]


class ProviderMessage(models.Model):
    """An inbound provider message already handled (Twilio retries webhooks): its id, never its content."""

    sid = models.CharField(max_length=64, primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    retention_key = "provider_message"
    retention_date_field = "received_at"

    def __str__(self):
        return self.sid

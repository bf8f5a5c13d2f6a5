"""The family's side of a case: the relatives who called (sealed contact, their own secret) and the
consents they gave, per scope (docs/cases.md, "Families").

A relative gets the case's code and a secret of their own: two relatives calling about one person share
the code, and each proves with their own secret. The secret is kept sealed as issued (grouped Crockford
symbols, vigil.intake.receipts), compared in constant time.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.privacy.fields import EncryptedTextField


class FamilyStatus(models.TextChoices):
    """The only things a family's status page and updates ever say (mapped from the case's state)."""

    RECEIVED = "received", _("Received")
    CASEWORKER = "caseworker", _("A caseworker is on it")
    LAWYER_FOUND = "lawyer_found", _("A lawyer has been found")
    CLOSED = "closed", _("Closed")


# Case state → what the family is told. A referral sent is not yet a lawyer: only an acceptance is.
STATUS_OF_STATE = {
    "new": FamilyStatus.RECEIVED,
    "screening": FamilyStatus.CASEWORKER,
    "locating": FamilyStatus.CASEWORKER,
    "referred": FamilyStatus.CASEWORKER,
    "accepted": FamilyStatus.LAWYER_FOUND,
    "represented": FamilyStatus.LAWYER_FOUND,
    "handed_over": FamilyStatus.LAWYER_FOUND,
    "closed": FamilyStatus.CLOSED,
}


def family_status(state: str) -> str:
    return STATUS_OF_STATE.get(state, FamilyStatus.RECEIVED)


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    PARTNER = "partner", _("Spouse or partner")
    CHILD = "child", _("Son or daughter")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    FRIEND = "friend", _("Friend or neighbor")
    OTHER = "other", _("Other")


class ContactChannel(models.TextChoices):
    """How the relative wants updates. WhatsApp takes the approved `case_status_update` template outside the
    24-hour window, else goes by SMS (docs/messaging.md); a phone contact gets a caseworker's call ("call the
    family" task) instead of a message."""

    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("A phone call")
    NONE = "none", _("No updates")


class FamilyContact(models.Model):
    """A relative (or friend) who told the network about the detained person."""

    class Source(models.TextChoices):
        PUBLIC_FORM = "public_form", _("The public family form")
        CALL = "call", _("A call taken by a caseworker")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="family_contacts")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    language = models.CharField(max_length=16)
    channel = models.CharField(max_length=10, choices=ContactChannel.choices, default=ContactChannel.NONE)
    # The phone number or e-mail address, normalized (empty with no updates).
    address = EncryptedTextField()
    secret = EncryptedTextField()
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PUBLIC_FORM)
    # The id of the form that added this relative: the same form sent twice adds them once.
    intake_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The status the relative was last told (an update goes out when the case's public status changes).
    last_status = models.CharField(max_length=16, choices=FamilyStatus.choices, default=FamilyStatus.RECEIVED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Family contact {str(self.pk)[:8]}"


class Consent(models.Model):
    """One consent, for one scope, from one person, recorded with how and when; withdrawn, never deleted."""

    class Scope(models.TextChoices):
        SHARE_PROVIDER = "share_provider", _("Share the case with a legal provider")
        SHARE_INTERPRETER = "share_interpreter", _("Share what is needed with an interpreter")
        CONTACT_AUTHORITIES = "contact_authorities", _("Contact the facility, ICE or the court on the person's behalf")
        UPDATES = "updates", _("Send updates by the chosen channel")

    class Method(models.TextChoices):
        PUBLIC_FORM = "public_form", _("Ticked on the public family form")
        PHONE = "phone", _("Said on a phone call")
        IN_PERSON = "in_person", _("Said in person")
        STATUS_PAGE = "status_page", _("On the family's status page")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    # Who gave it: the relative (a FamilyContact). Representation itself needs the detained person's own
    # agreement, which the provider records in its own file.
    contact = models.ForeignKey(FamilyContact, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=24, choices=Scope.choices)
    method = models.CharField(max_length=16, choices=Method.choices)
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["given_at", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "scope"], condition=Q(withdrawn_at__isnull=True), name="consent_one_in_force"
            ),
        ]

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None

"""Cases of detained people, the legal providers they are referred to, and the referrals (docs/cases.md).

Vigil holds the rapid-response record only: once a provider accepts, its legal file stays its own. What
is written about a person is sealed (EncryptedTextField); the A-number also has a blind index, so two
relatives calling about one person land on one case.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.cases.urgency import UrgentNeed  # noqa: F401  (the codes stored in Case.urgent_needs)
from vigil.privacy.fields import BlindIndexField, EncryptedJSONField, EncryptedTextField
from vigil.privacy.models import PersonalRecord

A_NUMBER_PURPOSE = "case_a_number"


class ServiceKind(models.TextChoices):
    DETAINED_REMOVAL_DEFENSE = "detained_removal_defense", _("Detained removal defense")
    BOND = "bond", _("Bond")
    HABEAS = "habeas", _("Habeas corpus")
    CHILDREN_SIJS = "children_sijs", _("Children and special immigrant juvenile status")
    KYR_SCREENING = "kyr_screening", _("Know-your-rights screening")
    FAMILY_PREPAREDNESS = "family_preparedness", _("Family preparedness")


class DetentionStatus(models.TextChoices):
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    NOT_DETAINED = "not_detained", _("Not detained")


class IncomeBand(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    LOW = "low", _("Low income")
    NOT_LOW = "not_low", _("Not low income")


class Case(PersonalRecord):
    """One detained person, as the rapid-response network follows them until a provider takes over."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        SCREENING = "screening", _("Screening")
        LOCATING = "locating", _("Locating")
        REFERRED = "referred", _("Referred")
        ACCEPTED = "accepted", _("Accepted by a provider")
        REPRESENTED = "represented", _("Represented (notice of appearance filed)")
        HANDED_OVER = "handed_over", _("Handed over")
        CLOSED = "closed", _("Closed")

    class ClosingReason(models.TextChoices):
        RELEASED_BOND = "released_bond", _("Released on bond")
        RELEASED_PAROLE = "released_parole", _("Released on parole")
        RELEASED_HABEAS = "released_habeas", _("Released on habeas")
        RELEASED_RECOGNIZANCE = "released_recognizance", _("Released on recognizance")
        REMOVED = "removed", _("Removed")
        RELIEF_OR_TERMINATION = "relief_or_termination", _("Relief or termination reported by the provider")
        HANDED_TO_NON_DETAINED = "handed_to_non_detained", _("Handed to a non-detained provider")
        DUPLICATE = "duplicate", _("Duplicate")
        DECLINED_SERVICES = "declined_services", _("Declined services")
        LOST_CONTACT = "lost_contact", _("Lost contact")
        OTHER = "other", _("Other")

    # The moves a caseworker makes by hand. "referred" and "accepted" are reached only through referral
    # actions (sending, accepting); a declined or expired referral brings the case back to "screening".
    MANUAL_TRANSITIONS = {
        "new": {"screening", "locating"},
        "screening": {"locating"},
        "locating": {"screening"},
        "accepted": {"represented", "handed_over"},
        "represented": {"handed_over"},
        "handed_over": set(),
        "referred": set(),
        "closed": set(),
    }
    OPEN_STATES = ("new", "screening", "locating", "referred", "accepted", "represented", "handed_over")
    # The states in which the case waits for the coalition (the caseworker's queue).
    WAITING_STATES = ("new", "screening", "locating")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW, db_index=True)
    closing_reason = models.CharField(max_length=32, choices=ClosingReason.choices, blank=True)
    # The case code families will type in (the public status page comes with the family intake).
    code = models.CharField(max_length=16, unique=True)
    # The id of the intake form that opened the case: the same form sent twice opens one case.
    intake_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    urgent_needs = models.JSONField(default=list, blank=True)
    urgency_tier = models.PositiveSmallIntegerField(default=1)
    services_needed = models.JSONField(default=list, blank=True)
    detention_status = models.CharField(
        max_length=16, choices=DetentionStatus.choices, default=DetentionStatus.DETAINED
    )
    income_band = models.CharField(max_length=16, choices=IncomeBand.choices, default=IncomeBand.UNKNOWN)
    # The family's borough (an area code of the jurisdiction), for providers that serve residents.
    borough = models.CharField(max_length=4, blank=True)
    language = models.CharField(max_length=16, blank=True)
    # The detained person, sealed. Dates are kept as ISO text inside the seal.
    person_name = EncryptedTextField()
    person_aliases = EncryptedTextField()  # one per line
    person_birth_date = EncryptedTextField()
    person_birth_country = EncryptedTextField()
    a_number = EncryptedTextField()  # nine digits (vigil/cases/anumber.py)
    a_number_index = BlindIndexField(
        purpose=A_NUMBER_PURPOSE, source="a_number", normalizer="vigil.cases.anumber.normalize_a_number"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_place = EncryptedTextField()
    # Related parties (a co-worker detained with them, a petitioner) for providers' conflict checks.
    related_parties = EncryptedTextField()  # one per line
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The incident's workplace, copied when the incident is linked: the case keeps what it needs when the
    # incident is purged (and the conflict check of a referral carries it).
    incident_workplace = EncryptedTextField()
    # The person's detention record in that incident, once a caseworker links it. The case keeps its own copy
    # of what it needs from it (`detention_copy`: who holds the person, when released or handed over) for
    # when the record is purged with its incident.
    detention_record = models.ForeignKey(
        "incidents.DetentionRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detention_copy = EncryptedJSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Purged with everything hanging from it a period after closing (an open case has no closing date).
    retention_key = "case_closed"
    retention_date_field = "closed_at"

    class Meta:
        ordering = ["-urgency_tier", "created_at"]
        constraints = [
            # Two relatives calling about one person land on one open case of the organization.
            models.UniqueConstraint(
                fields=["organization", "a_number_index"],
                condition=Q(a_number_index__isnull=False) & ~Q(state="closed"),
                name="case_one_open_per_a_number",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False) & ~Q(closing_reason="")
                | ~Q(state="closed") & Q(closing_reason=""),
                name="case_closed_has_reason",
            ),
            models.CheckConstraint(condition=Q(urgency_tier__gte=1, urgency_tier__lte=3), name="case_tier_1_to_3"),
        ]

    def __str__(self):
        return f"Case {self.code} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def aliases_list(self) -> list[str]:
        return [line for line in (self.person_aliases or "").splitlines() if line.strip()]


class CaseTask(models.Model):
    """Something to do for a case, with a deadline and an owner."""

    class Kind(models.TextChoices):
        LOCATE = "locate", _("Locate the person")
        CALL_FAMILY = "call_family", _("Call the family")
        SCREEN = "screen", _("Screen the case")
        FOLLOW_UP = "follow_up", _("Follow up")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    detail = EncryptedTextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_at"]
        indexes = [models.Index(fields=["case", "done_at", "due_at"], name="casetask_open_due")]

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()


class CaseNote(models.Model):
    """A sealed note. Visible to its author's organization; the case's organization's notes are also
    visible to the provider that accepted the case, and a provider's notes to that provider only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class CaseEvent(models.Model):
    """The case's timeline, append-only: state changes, referrals, hearings, transfers."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        STATE = "state", _("State changed")
        CLOSED = "closed", _("Case closed")
        REOPENED = "reopened", _("Case reopened")
        NEEDS = "needs", _("Urgent needs changed")
        INCIDENT_LINKED = "incident_linked", _("Incident linked")
        SECOND_CALLER = "second_caller", _("Another relative called about this person")
        REFERRAL_PROPOSED = "referral_proposed", _("Referral proposed")
        REFERRAL_SENT = "referral_sent", _("Referral sent")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        REFERRAL_EXPIRED = "referral_expired", _("Referral expired")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")
        BOND_HEARING = "bond_hearing", _("Bond hearing")
        BOND_RESULT = "bond_result", _("Bond result")
        TRANSFER = "transfer", _("Transfer")
        HEARING_SET = "hearing_set", _("Hearing set")

    # The kinds a caseworker or provider records by hand (the others are written by actions).
    RECORDED_KINDS = ("bond_hearing", "bond_result", "transfer", "hearing_set")

    id = models.BigAutoField(primary_key=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)  # binds the sealed detail
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    # A code only (a closing or declining reason), never free text.
    reason_code = models.CharField(max_length=32, blank=True)
    detail = EncryptedTextField(aad_field="uid")
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("case events are append-only")
        super().save(*args, **kwargs)


class Court(models.Model):
    """An immigration court (or a docket) a provider may serve: directory data."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    is_fictional = models.BooleanField(default=False)
    # The zone its hearings are set in (IANA name, from the facilities directory); empty: the deployment's.
    time_zone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Provider(models.Model):
    """A legal-service provider: directory data (loaded from jurisdictions/<city>/directory.toml) plus
    live data its staff set (capacity, who is on call)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.OneToOneField("accounts.Organization", on_delete=models.PROTECT, related_name="provider")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    is_fictional = models.BooleanField(default=False)
    source = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    intake_contact = models.CharField(max_length=200, blank=True)
    # False for a provider whose intake is assigned elsewhere (a court rotation, a hotline that refers):
    # listed for information, left out of automatic proposals.
    automatic_proposals = models.BooleanField(default=True)
    languages = models.JSONField(default=list, blank=True)
    boroughs = models.JSONField(default=list, blank=True)
    courts = models.ManyToManyField(Court, blank=True, related_name="providers")
    # Live data, set by the provider's staff.
    open_slots = models.PositiveIntegerField(default=0)
    on_call = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # Directory bookkeeping: the fingerprint of the entry as last loaded, and when the row was last edited
    # here; a reload updates only rows not edited since their last load.
    directory_fingerprint = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Service(models.Model):
    """One service a provider offers, with the eligibility its funding sets."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(max_length=32, choices=ServiceKind.choices)
    # Empty lists mean no restriction.
    residence = models.JSONField(default=list, blank=True)
    detention_statuses = models.JSONField(default=list, blank=True)
    income_band = models.CharField(
        max_length=16, choices=[("any", _("Any income")), ("low", _("Low income"))], default="any"
    )

    class Meta:
        ordering = ["provider", "kind"]
        constraints = [models.UniqueConstraint(fields=["provider", "kind"], name="service_one_per_kind")]


class Referral(models.Model):
    """A case sent to a provider: proposed → sent → accepted | declined | expired (or withdrawn)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class DeclineReason(models.TextChoices):
        CONFLICT = "conflict", _("Conflict of interest")
        NO_CAPACITY = "no_capacity", _("No capacity")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        OTHER = "other", _("Other")

    OPEN_STATES = ("proposed", "sent")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField(max_length=32, choices=ServiceKind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED, db_index=True)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    # What the provider needs for its own conflict check, sealed and shown to that provider only: names and
    # aliases of the person and related parties, the incident's workplace.
    conflict_check = EncryptedJSONField()
    # Another case from the same incident was sent to the same provider: the provider reviews conflicts.
    conflict_review = models.BooleanField(default=False)
    response_due_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state__in=["proposed", "sent"]), name="referral_one_open_per_case"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(response_due_at__isnull=False, sent_at__isnull=False),
                name="referral_sent_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="referral_declined_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["provider", "state"], name="referral_provider_state")]

    def __str__(self):
        return f"Referral {str(self.pk)[:8]} ({self.state})"


# Interpreters and interpretation requests live in their own module (models.py stays short), and so do the
# family's relatives and their consents.
from vigil.cases.documents import CaseDocument  # noqa: E402, F401  (a case's documents, sealed files)
from vigil.cases.family import Consent, FamilyContact  # noqa: E402, F401
from vigil.cases.interpreting import (  # noqa: E402, F401
    AvailabilityWindow,
    InterpretationRequest,
    Interpreter,
    InterpretingMode,
)

# Facilities, where the person is held, and hearings (docs/cases.md, "Locating the person").
from vigil.cases.locating import Facility, Hearing, LocationRecord  # noqa: E402, F401

# Sharing a case with another organization of the coalition (docs/cases.md, "Sharing a case").
from vigil.cases.sharing import CaseShare  # noqa: E402, F401

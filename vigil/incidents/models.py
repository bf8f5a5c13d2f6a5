import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.incidents import warrants
from vigil.privacy.fields import EncryptedJSONField, EncryptedTextField
from vigil.privacy.models import PersonalRecord


class Incident(PersonalRecord):
    """A candidate incident: reports grouped by place, time and text, until a responder verifies it."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        VERIFYING = "verifying", _("Being verified")
        VERIFIED = "verified", _("Verified")
        UNCONFIRMED = "unconfirmed", _("Could not be verified")
        FALSE_ALARM = "false_alarm", _("False alarm")
        CLOSED = "closed", _("Closed")

    # Allowed moves of the verification state machine; every move is an action with who, when and why.
    TRANSITIONS = {
        "reported": {"verifying", "unconfirmed", "false_alarm"},
        "verifying": {"verified", "unconfirmed", "false_alarm"},
        "verified": {"false_alarm", "closed"},
        "unconfirmed": {"verifying", "closed"},
        "false_alarm": {"closed"},
        "closed": {"verifying"},
    }

    state = models.CharField(max_length=16, choices=State.choices, default=State.REPORTED, db_index=True)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, null=True, related_name="+")
    area = models.CharField(max_length=16, blank=True, db_index=True)  # NTA code
    borough = models.CharField(max_length=4, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    first_report_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_report_at = models.DateTimeField(default=timezone.now, db_index=True)
    report_count = models.PositiveIntegerField(default=0)
    languages = models.JSONField(default=list, blank=True)
    # The grouping summary (time span, centroid, areas, hashed text features): no readable text.
    # Sealed like any personal field: the features are hashes of the reports' words, which a dictionary
    # could turn back into text.
    grouping_summary = EncryptedTextField()
    grouping_open = models.BooleanField(default=True, db_index=True)
    # Where grouping files the open incident (`grouping.cells`: the grid cell of its point, else its
    # neighborhood or borough): a report's candidates are read by these keys and the look-back, through
    # the index below, whatever their number (vigil/incidents/open_candidates.py).
    grouping_cell = models.CharField(max_length=32, blank=True, default="")
    # At least one report came through a solved challenge or a trusted channel: triaged first.
    has_solved_submission = models.BooleanField(default=False)
    # Field documentation, filled in by the responder on scene (choices below; blank until known).
    place_kind = models.CharField(_("kind of place"), max_length=24, blank=True)
    area_entered = models.CharField(_("area entered"), max_length=16, blank=True)  # public, non_public
    agencies = models.JSONField(_("agencies present"), default=list, blank=True)
    local_police_role = models.CharField(_("local police role"), max_length=16, blank=True)
    warrant_seen = models.CharField(_("warrant seen"), max_length=24, blank=True)
    home_entry = models.CharField(_("entry into a home"), max_length=16, blank=True)
    people_detained = models.PositiveSmallIntegerField(_("people detained"), null=True, blank=True)
    detained_targets = models.PositiveSmallIntegerField(_("of whom targets"), null=True, blank=True)
    detained_collateral = models.PositiveSmallIntegerField(_("of whom collateral"), null=True, blank=True)
    force_used = models.CharField(_("force used"), max_length=16, blank=True)  # none, physical, weapons_drawn, ...
    agents_count = models.PositiveSmallIntegerField(_("agents seen"), null=True, blank=True)
    vehicles_count = models.PositiveSmallIntegerField(_("vehicles seen"), null=True, blank=True)
    activity_started_at = models.DateTimeField(_("activity started"), null=True, blank=True)
    activity_ended_at = models.DateTimeField(_("activity ended"), null=True, blank=True)
    field_notes = EncryptedTextField()
    # Facts the sanctuary-law rules read (docs/rules.md), blank while unknown. About the place and the
    # operation, never about a person: those go in a sealed detention record.
    site_operator = models.CharField(_("who runs the place"), max_length=24, blank=True)
    court = models.CharField(_("at or near a court"), max_length=16, blank=True)
    doc_property_office = models.CharField(_("immigration office on Correction property"), max_length=4, blank=True)
    doc_office_purpose = models.CharField(_("stated purpose of that office"), max_length=24, blank=True)
    operation_purpose = models.CharField(_("stated purpose of the operation"), max_length=32, blank=True)
    warrant_source = models.CharField(_("how the warrant is known"), max_length=24, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The basis on which the incident is verified now; cleared when it leaves "verified". The database
    # refuses "verified" without it, so no code path (or raw SQL) can verify without a recorded basis.
    # DO_NOTHING: the row and its verifications are purged together (foreign keys are checked at commit).
    current_verification = models.ForeignKey(
        "incidents.Verification", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )

    retention_key = "incident"
    retention_date_field = "last_report_at"

    class Meta:
        ordering = ["-last_report_at"]
        indexes = [
            # The candidate search: equality on the cell, a range on the time; only open incidents, so the
            # index stays the size of the last hours whatever the archive holds.
            models.Index(
                fields=["grouping_cell", "last_report_at"],
                name="incident_grouping_cell",
                condition=models.Q(grouping_open=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="verified") | models.Q(current_verification__isnull=False),
                name="incident_verified_has_basis",
            )
        ]

    def __str__(self):
        return f"Incident {str(self.pk)[:8]} ({self.state})"

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS.get(self.state, set())


class TimelineEntry(models.Model):
    """The incident's append-only history: state changes, report links, notes."""

    id = models.BigAutoField(primary_key=True)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32)  # state, report_linked, report_moved, merged, split, note
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    # Staff write why, in their own words, which may name people: sealed like any personal field, bound
    # to a UUID made before the insert (the row's own id comes from the database).
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    reason = EncryptedTextField(aad_field="uid")
    # Moves and merges: the incident on the other side, so each timeline can link to the other.
    other_incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind} {self.at:%H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the timeline is append-only")
        super().save(*args, **kwargs)


PLACE_KINDS = [
    ("home", pgettext_lazy("kind of place", "Home")),
    ("workplace", _("Workplace")),
    ("street", _("Street")),
    ("vehicle_stop", _("Vehicle stop")),
    ("courthouse", _("Courthouse")),
    ("transit", _("Transit")),
    ("school", _("School")),
    ("shelter", _("Shelter")),
    ("hospital", _("Hospital")),
    ("house_of_worship", _("House of worship")),
    ("city_property", _("City property")),
    ("jail", _("Jail / DOC")),
    ("other", _("Other")),
]
AGENCIES = [
    ("ice_ero", "ICE ERO"),
    ("hsi", "HSI"),
    ("cbp", "CBP"),
    ("fbi", "FBI"),
    ("dea", "DEA"),
    ("atf", "ATF"),
    ("usms", _("US Marshals")),
    ("nypd", "NYPD"),
    ("other", _("Other")),
]
POLICE_ROLES = [
    ("none", _("None")),
    ("present", _("Present")),
    ("perimeter", _("Traffic / perimeter")),
    ("assisting", _("Assisting")),
    ("arresting", _("Arresting")),
    ("holding", _("Holding")),
]
# The one list of warrant kinds (vigil/incidents/warrants.py; the sanctuary-law rules read these codes).
WARRANT_LABELS = {
    "federal_judicial_arrest": _("Federal judicial arrest warrant"),
    "federal_judicial_search": _("Federal judicial search warrant"),
    "state_local_court": _("State or local court warrant or order"),
    "immigration_judge_order": _("Immigration judge's order"),
    "ice_administrative": _("ICE administrative warrant (I-200 / I-205)"),
    "detainer_only": _("Detainer form only"),
    "none_shown": _("None shown"),
}
WARRANTS = [*((code, WARRANT_LABELS[code]) for code in warrants.WARRANT_KINDS), (warrants.UNKNOWN, _("Unknown"))]
WARRANT_SOURCES = [
    ("copy_read_by_lawyer", _("Read from a copy by a lawyer")),
    ("described_on_scene", _("Described on the scene")),
]
SITE_OPERATORS = [
    ("city_agency", _("A city agency")),
    ("city_contractor", _("A city human-services contractor (most shelters)")),
    ("hhc", _("NYC Health + Hospitals")),
    ("public_school", _("A public school")),
    ("charter_school", _("A charter school")),
    ("private", _("Private")),
    ("mta", _("The MTA")),
    ("federal", _("Federal")),
]
COURTS = [
    ("none", _("Not at or near a court")),
    ("state_or_city", _("A state or city court")),
    ("immigration", _("A federal immigration court")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DOC_OFFICE_PURPOSES = [
    ("civil_enforcement", _("Civil immigration enforcement")),
    ("criminal_enforcement", _("Criminal enforcement")),
    ("other", _("Other")),
]
OPERATION_PURPOSES = [
    ("civil_immigration", _("Civil immigration enforcement")),
    ("criminal_presence_entry", _("A crime of presence, entry or re-entry")),
    ("criminal_other", _("Another criminal matter")),
]
HOME_ENTRY = [("none", _("No entry")), ("consented", _("Consented")), ("forced", _("Forced"))]
AREA_ENTERED = [("public", _("Public area")), ("non_public", _("Non-public area"))]
FORCE = [
    ("none", _("None")),
    ("physical", _("Physical force")),
    ("weapons_drawn", _("Weapons drawn")),
    ("injury", _("Someone was injured")),
]


class ResponderProfile(models.Model):
    """Where, in which languages and when a responder can be sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responder", primary_key=True
    )
    areas = models.JSONField(default=list, blank=True)  # NTA or borough codes
    languages = models.JSONField(default=list, blank=True)
    # [[weekday 0-6, "HH:MM", "HH:MM"], ...] in the deployment's time zone; empty means always on call.
    on_call = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self):
        return f"responder {self.user_id}"


class Dispatch(models.Model):
    """An incident offered to one responder, and that responder's progress and safety check-ins."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EN_ROUTE = "en_route", _("En route")
        ON_SCENE = "on_scene", _("On scene")
        SAFE = "safe", _("Safe, done")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Offer expired")

    MOVES = {
        "offered": {"accepted", "declined", "withdrawn"},
        "accepted": {"en_route", "safe", "withdrawn"},
        "en_route": {"on_scene", "safe"},
        "on_scene": {"safe"},
    }
    ACTIVE = ("accepted", "en_route", "on_scene")
    # A dispatcher may offer again after these: the same row reopens, its history on the timeline.
    REOPENABLE = ("declined", "expired", "withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispatches")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dispatches")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    check_in_due_at = models.DateTimeField(null=True, blank=True)
    missed_check_in = models.BooleanField(default=False)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # "I need help": asked by the responder, answered by a dispatcher (who, when).
    help_requested_at = models.DateTimeField(null=True, blank=True, db_index=True)
    help_answered_at = models.DateTimeField(null=True, blank=True)
    help_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "responder"], name="one_dispatch_per_responder_and_incident")
        ]

    def __str__(self):
        return f"dispatch {self.state}"


class Evidence(models.Model):
    """A photo or video. The original is encrypted at rest with its SHA-256 taken on receipt; the viewing
    copy has its metadata (EXIF, GPS, container tags) removed and is encrypted too."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence", null=True, blank=True)
    report = models.ForeignKey(
        "intake.Report", on_delete=models.CASCADE, related_name="evidence", null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    media_type = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    original_path = models.CharField(max_length=200, blank=True)  # empty when the original was a public upload
    viewing_path = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]

    def __str__(self):
        return f"evidence {self.sha256[:12]}"


class SceneConfirmation(models.Model):
    """A responder on scene answers "do you see enforcement?", with what they saw. A "yes" is what a
    dispatcher cites to verify in one step; a "no" proposes "could not be verified"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="scene_confirmations")
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="confirmations")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sees_enforcement = models.BooleanField()
    # What the responder saw, in their words: may describe people, so sealed.
    what_seen = EncryptedTextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(what_seen__isnull=False), name="scene_confirmation_has_words")
        ]

    def __str__(self):
        return f"scene confirmation {'yes' if self.sees_enforcement else 'no'}"


class Verification(models.Model):
    """Why an incident is verified: a responder on scene, or two verifiers (one proposes, another approves).

    One person alone is never enough, and the database holds that: the basis's own columns are required
    by CHECK constraints, the approver is never the proposer, and a reason is always kept. Verifications
    made before bases were recorded carry the basis "legacy" and are never alerted on.
    """

    class Basis(models.TextChoices):
        RESPONDER = "responder", _("A responder on the scene confirmed it")
        TWO_PEOPLE = "two_people", _("Two verifiers confirmed it")
        LEGACY = "legacy", _("Verified before bases were recorded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="verifications")
    basis = models.CharField(max_length=16, choices=Basis.choices)
    # Responder basis: the verifier who cited the confirmation. Two people: the one who proposed.
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Responder basis: who answered on the scene (never the verifier who cites it), their dispatch and answer.
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmation = models.ForeignKey(
        SceneConfirmation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Reports on the incident from different channels or senders when it was verified (the alert says so).
    report_count = models.PositiveIntegerField(default=0)
    proposed_at = models.DateTimeField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    reason = EncryptedTextField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basis__in=["responder", "two_people", "legacy"]), name="verification_basis_known"
            ),
            models.CheckConstraint(
                condition=models.Q(basis="legacy") | models.Q(reason__isnull=False, proposer__isnull=False),
                name="verification_reason_and_proposer",
            ),
            models.CheckConstraint(
                condition=~models.Q(basis="two_people")
                | (models.Q(approver__isnull=False) & ~models.Q(approver=models.F("proposer"))),
                name="verification_two_different_people",
            ),
            models.CheckConstraint(
                condition=~models.Q(basis="responder")
                | (
                    models.Q(dispatch__isnull=False, confirmation__isnull=False, responder__isnull=False)
                    & ~models.Q(responder=models.F("proposer"))
                ),
                name="verification_responder_on_scene",
            ),
            # One answer on the scene verifies once: a later verification needs a new answer.
            models.UniqueConstraint(
                fields=["confirmation"], condition=models.Q(confirmation__isnull=False), name="verification_answer_once"
            ),
        ]

    def __str__(self):
        return f"verification ({self.basis})"


class VerificationProposal(models.Model):
    """One verifier proposes "verified" where no responder can reach the scene; another approves it, or
    the proposer withdraws it. At most one open proposal per incident."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a second verifier")
        APPROVED = "approved", _("Approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("No longer needed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="verification_proposals")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    proposed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = EncryptedTextField()

    class Meta:
        ordering = ["proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"], condition=models.Q(state="open"), name="one_open_proposal_per_incident"
            ),
            models.CheckConstraint(condition=models.Q(reason__isnull=False), name="proposal_has_reason"),
            models.CheckConstraint(
                condition=~models.Q(state="approved") | ~models.Q(closed_by=models.F("proposer")),
                name="proposal_not_approved_by_proposer",
            ),
        ]

    def __str__(self):
        return f"proposal ({self.state})"


class Observation(models.Model):
    """What one person documented at one time: each responder's submission is kept as its own row, never
    overwritten, and a dispatcher's resolution of a disagreement is a row too. The incident's fields hold
    the settled value of each fact (vigil/incidents/observations.py)."""

    class Kind(models.TextChoices):
        OBSERVATION = "observation", _("Observation")
        RESOLUTION = "resolution", _("Resolved by a dispatcher")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="observations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OBSERVATION)
    first_hand = models.BooleanField(default=True)  # seen by the author, or told by someone there
    at = models.DateTimeField(default=timezone.now)
    # Codes, counts and times only (the documentation fields); words go in the sealed notes.
    values = models.JSONField(default=dict)
    notes = EncryptedTextField()

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.kind} {self.at:%H:%M}"


class NotificationAddress(models.Model):
    """Where a staff member wants Vigil's notices (an offer waits, a responder needs help, a proposal waits):
    a phone number they set on their own page and confirm with a code, sealed, never shown to anyone else,
    deleted when their account is deactivated. The code is derived from (user, nonce): nothing to store."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_address"
    )
    channel = models.CharField(max_length=10, default="sms")
    address = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    code_nonce = models.PositiveIntegerField(default=0)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"notification address ({'confirmed' if self.confirmed_at else 'pending'})"


def cascade_unless_held(collector, field, sub_objs, using):
    """A detention record goes with its incident, unless a legal hold (set by a case or by hand) keeps it:
    then it stays, without its incident."""
    held = [row for row in sub_objs if row.legal_hold]
    free = [row for row in sub_objs if not row.legal_hold]
    if free:
        models.CASCADE(collector, field, free, using)
    if held:
        collector.add_field_update(field, None, held)


class DetentionRecord(PersonalRecord):
    """A person taken during an incident: what responders saw and what caseworkers and legal-provider staff
    learned later (the fields are `vigil.incidents.detentions.FIELDS`). Every fact is personal data, so all
    of them are kept in one sealed JSON value; reading it is audited (`detentions.read_records`). Purged
    with its incident unless a legal hold keeps it; at the latest after the incidents' retention period."""

    incident = models.ForeignKey(
        Incident, on_delete=cascade_unless_held, null=True, blank=True, related_name="detention_records"
    )
    number = models.PositiveSmallIntegerField(default=1)  # "person 1, 2 …" of this incident: no name
    facts = EncryptedJSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    retention_key = "incident"
    retention_date_field = "created_at"

    class Meta:
        ordering = ["number", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="detention_record_number_once"),
        ]

    def __str__(self):
        return f"detention record {self.number}"

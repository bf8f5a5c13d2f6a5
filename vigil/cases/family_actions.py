"""Every change on the family's side of a case: a family's intake, consents and their withdrawal, the
updates a family gets when what its status page says changes (docs/cases.md, "Families").

Each in a transaction with its audit event (never the content); messages are queued through messaging in
the same transaction, so the worker sends them once the change is committed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.accounts import audit
from vigil.cases import actions
from vigil.cases.family import (
    STATUS_OF_STATE,
    Consent,
    ContactChannel,
    FamilyContact,
    FamilyStatus,
    family_status,
)
from vigil.cases.models import Case, CaseTask
from vigil.intake import receipts
from vigil.lib import crockford

RECIPIENT_KIND = "cases.family_contact"
# A relative who asked for a phone call gets one within this many hours of a change.
CALL_FAMILY_TASK_HOURS = 8
# The channel a message really goes by. WhatsApp outside the 24-hour window takes only approved templates,
# which messaging does not have yet: updates for WhatsApp go by SMS to the same number.
SEND_CHANNEL = {ContactChannel.SMS: "sms", ContactChannel.WHATSAPP: "sms", ContactChannel.EMAIL: "email"}


def intake_by_borough() -> dict[str, str]:
    """settings.FAMILY_INTAKE_BY_BOROUGH ("BK=org-slug" entries) as {borough code: slug}. An entry that is
    not CODE=slug stops with a message naming the setting (never a silent misroute)."""
    from django.core.exceptions import ImproperlyConfigured

    routes = {}
    for entry in getattr(settings, "FAMILY_INTAKE_BY_BOROUGH", None) or ():
        code, sep, slug = str(entry).partition("=")
        if not (sep and code.strip() and slug.strip()):
            raise ImproperlyConfigured("VIGIL_FAMILY_INTAKE_BY_BOROUGH: write each entry as BOROUGH=organization-slug")
        routes[code.strip().upper()] = slug.strip()
    return routes


def intake_organization(borough: str = ""):
    """The organization that receives a family's form: the one settings.FAMILY_INTAKE_BY_BOROUGH names for
    the family's borough, else settings.FAMILY_INTAKE_ORGANIZATION; None when neither names an organization
    (then the form is refused and nothing is stored)."""
    from vigil.accounts.models import Organization

    for slug in (intake_by_borough().get((borough or "").upper(), ""), settings.FAMILY_INTAKE_ORGANIZATION or ""):
        organization = Organization.objects.filter(slug=slug, is_active=True).first() if slug else None
        if organization is not None:
            return organization
    return None


def intake_open() -> bool:
    """Whether the public family page takes forms at all: some organization receives them (the single
    setting, or one borough's)."""
    from vigil.accounts.models import Organization

    slugs = {settings.FAMILY_INTAKE_ORGANIZATION or "", *intake_by_borough().values()} - {""}
    return Organization.objects.filter(slug__in=slugs, is_active=True).exists()


def submit_family_intake(
    *, organization, person: dict, contact: dict, consents, intake_key, method: str = Consent.Method.PUBLIC_FORM
) -> tuple[Case, FamilyContact, str, bool]:
    """A family's intake: the case, the relative, their consents. Returns (case, contact, secret, created).

    Steps (one transaction: on any refusal nothing is stored):
    1. The same form sent twice (its `intake_key`) returns the relative it added, with their secret.
    2. Open the case through `actions.open_case` (the A-number's blind index brings a second relative to
       the case the first one opened; the same key opens one case).
    3. Add the relative (sealed contact, a new secret) and one consent per scope ticked, recorded with
       who gave it (this relative), how and when.
    """
    try:
        with transaction.atomic():
            again = _added_by(intake_key)
            if again is not None:
                return again.case, again, again.secret, False
            return _add_family(organization, person, contact, consents, intake_key, method)
    except IntegrityError:
        # The same form sent twice at the same moment: the second insert of its key lost the race.
        again = _added_by(intake_key)
        if again is None:
            raise
        return again.case, again, again.secret, False


def _added_by(intake_key) -> FamilyContact | None:
    if intake_key is None:
        return None
    return FamilyContact.objects.select_related("case").filter(intake_key=intake_key).first()


def _add_family(organization, person, contact, consents, intake_key, method):
    """Steps 2 and 3 of submit_family_intake, inside its transaction."""
    case, created = actions.open_case(organization=organization, actor=None, intake_key=intake_key, **person)
    secret = receipts.new_secret()
    relative = FamilyContact.objects.create(
        case=case,
        relationship=contact["relationship"],
        language=contact["language"][:16],
        channel=contact["channel"],
        address=contact.get("address", ""),
        secret=secret,
        source=FamilyContact.Source.PUBLIC_FORM if method == Consent.Method.PUBLIC_FORM else FamilyContact.Source.CALL,
        intake_key=intake_key,
        last_status=family_status(case.state),
    )
    now = timezone.now()
    for scope in Consent.Scope.values:
        if scope in set(consents or ()):
            Consent.objects.create(case=case, contact=relative, scope=scope, method=method, given_at=now)
    audit.record(
        "case.family_intake",
        actor_kind="public",
        obj=case,
        organization=organization,
        count=len(set(consents or ()) & set(Consent.Scope.values)),
    )
    return case, relative, secret, created


def add_relative(case: Case, *, actor, contact: dict, consents, method: str) -> tuple[FamilyContact, str]:
    """A relative who called, added by a caseworker with the consents they gave on the call (who recorded
    them, how and when). Returns (relative, secret): the caseworker reads the code and secret out once."""
    with transaction.atomic():
        relative = FamilyContact.objects.create(
            case=case,
            relationship=contact["relationship"],
            language=contact["language"][:16],
            channel=contact["channel"],
            address=contact.get("address", ""),
            secret=(secret := receipts.new_secret()),
            source=FamilyContact.Source.CALL,
            last_status=family_status(case.state),
        )
        now = timezone.now()
        for scope in [s for s in Consent.Scope.values if s in set(consents or ())]:
            Consent.objects.create(
                case=case, contact=relative, scope=scope, method=method, given_at=now, recorded_by=actor
            )
        audit.record("case.relative_added", actor=actor, obj=case, count=len(set(consents or ())))
    return relative, secret


def check_family_secret(code: str, secret: str) -> FamilyContact | None:
    """The relative whose case code and secret these are, compared in constant time; None for any mismatch
    (an unknown code costs the same comparison)."""
    symbols = crockford.parse(code or "", actions.CASE_CODE_LENGTH)
    contacts = list(FamilyContact.objects.select_related("case").filter(case__code=symbols)) if symbols else []
    if not contacts or not secret:
        receipts.spend_comparison(secret)
        return None
    found = None
    for relative in contacts:
        if receipts.secret_matches(relative.secret, secret) and found is None:
            found = relative
    return found


def display_code(case: Case) -> str:
    return crockford.group(case.code, 5)


# --- Consent ---------------------------------------------------------------------------------------


def withdraw_consent(consent: Consent, *, actor=None, method: str = Consent.Method.PHONE) -> Consent:
    """Withdraw a consent (a caseworker recording a call, or the family on its status page). From then on:
    no update goes out for a withdrawn "updates" (queued ones are dropped when they are sent: the recipient
    resolves to nobody), and no referral is sent for a withdrawn "share with a provider"."""
    if method not in Consent.Method.values:
        method = Consent.Method.PHONE
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.withdrawn_at is not None:
            return current
        current.withdrawn_at = timezone.now()
        current.withdrawal_method = method
        current.withdrawn_by = actor if getattr(actor, "is_authenticated", False) else None
        current.save(update_fields=["withdrawn_at", "withdrawal_method", "withdrawn_by"])
        if getattr(actor, "is_authenticated", False):
            audit.record("case.consent_withdrawn", actor=actor, obj=current.case, kind=current.scope)
        else:
            audit.record("case.consent_withdrawn", actor_kind="public", obj=current.case, kind=current.scope)
    return current


# --- Updates ---------------------------------------------------------------------------------------

UPDATE_TEXT = gettext_lazy("%(site)s: news about case %(code)s: %(status)s. Your code and secret show it on our site.")
UPDATE_SUBJECT = gettext_lazy("News about case %(code)s")


def resolve_contact(contact_id: str) -> str | None:
    """Messaging's resolver: the relative's address while their consent to updates is in force (withdrawn
    or gone: None, and messaging withdraws the message)."""
    try:
        relative = FamilyContact.objects.get(pk=contact_id)
    except (FamilyContact.DoesNotExist, ValueError, ValidationError):  # a malformed id is nobody
        return None
    if not relative.consents.filter(scope=Consent.Scope.UPDATES, withdrawn_at__isnull=True).exists():
        return None
    return relative.address or None


def status_changed(case: Case, before_state: str) -> int:
    """Called by the case's actions inside their transaction when its state changed: when what the family
    is told changes, each relative who asked for updates gets one, in their language (a phone contact: a
    "call the family" task for the caseworkers). Returns how many were queued."""
    from vigil.messaging import actions as messaging_actions

    status = STATUS_OF_STATE.get(case.state)
    if status is None or status == family_status(before_state):
        return 0
    queued = 0
    relatives = FamilyContact.objects.filter(
        case=case, consents__scope=Consent.Scope.UPDATES, consents__withdrawn_at__isnull=True
    ).exclude(last_status=status)
    for relative in relatives.distinct():
        FamilyContact.objects.filter(pk=relative.pk).update(last_status=status)
        if relative.channel == ContactChannel.PHONE:
            CaseTask.objects.create(
                case=case,
                organization=case.organization,
                kind=CaseTask.Kind.CALL_FAMILY,
                due_at=timezone.now() + timedelta(hours=CALL_FAMILY_TASK_HOURS),
            )
            queued += 1
            continue
        channel = SEND_CHANNEL.get(relative.channel)
        if channel is None or not relative.address:
            continue
        with translation.override(relative.language or settings.LANGUAGE_CODE):
            values = {"site": settings.SITE_NAME, "code": display_code(case), "status": str(FamilyStatus(status).label)}
            text = str(UPDATE_TEXT) % values
            subject = str(UPDATE_SUBJECT) % values
        messaging_actions.send(
            RECIPIENT_KIND, relative.pk, channel, relative.language or settings.LANGUAGE_CODE, text, subject=subject
        )
        queued += 1
    if queued:
        audit.record("case.family_updated", obj=case, count=queued)
    return queued


def public_refusal(exc) -> str:
    """An action's refusal in words for the family (the message is already in the request's language)."""
    return str(getattr(exc, "message", "")) or _("This could not be saved. Please check the form.")

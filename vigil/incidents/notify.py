"""What incidents tells staff through messaging, and the address they are told at.

Notices: a responder that an offer waits; the on-duty dispatchers of the organization that a responder
needs help; the on-duty verifiers that a proposal waits for a second verifier. A notice carries only a
neighborhood and a link, never the scene, the reports or anyone's name, since it shows on locked
screens. It goes to the address the person set on their own page, confirmed with a code; a person without
one sees the same on their page, which refreshes itself. Text messages (SMS): WhatsApp outside a
conversation needs a registered template, which these notices do not have yet.

On duty: a responder within their on-call hours; other staff signed in within the last 30 minutes.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.incidents.models import NotificationAddress
from vigil.lib.urls import public_url

CODE_SALT = "vigil.incidents.notification_code"
CODE_MINUTES = 15
CODE_TRIES = 5
ON_DUTY_MINUTES = 30
# The recipient kinds incidents registers with messaging (vigil/incidents/apps.py).
CONFIRMED = "incidents.staff"
PENDING = "incidents.staff_code"


class AddressRefused(ValueError):
    """Not a phone number, a wrong or expired code, or too many tries."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _language(user) -> str:
    from django.conf import settings

    known = {code for code, _name in settings.LANGUAGES}
    for code in user.languages or []:
        if code in known:
            return code
    return settings.LANGUAGE_CODE


def confirmation_code(row: NotificationAddress) -> str:
    digest = salted_hmac(CODE_SALT, f"{row.user_id}:{row.code_nonce}", algorithm="sha256")
    return f"{int(digest.hexdigest()[:15], 16) % 1_000_000:06d}"


def set_address(user, raw: str) -> NotificationAddress:
    """Steps: read the number (E.164); store it sealed and unconfirmed with a new code nonce; send the
    code to it through messaging (on commit); audit (never the number)."""
    from vigil.lib.normalize import InvalidAddress
    from vigil.messaging import actions as messaging

    try:
        number = messaging.normalize_address("sms", raw)
    except InvalidAddress:
        raise AddressRefused("number") from None
    with transaction.atomic():
        row = NotificationAddress.objects.select_for_update().filter(user=user).first() or NotificationAddress(
            user=user
        )
        row.address, row.channel, row.confirmed_at = number, "sms", None
        row.code_nonce += 1
        row.code_failures = 0
        row.code_expires_at = timezone.now() + timedelta(minutes=CODE_MINUTES)
        row.save()
        language = _language(user)
        with translation.override(language):
            text = _("Vigil: your code is %(code)s. It confirms this number for your dispatch notices.") % {
                "code": confirmation_code(row)
            }
        messaging.send(PENDING, user.pk, "sms", language, text)
        audit.record("staff.notification_address_set", actor=user, obj=user, channel="sms")
    return row


def confirm_address(user, code: str) -> NotificationAddress:
    """A wrong code counts (and stays counted: the refusal is raised after the count commits); after
    CODE_TRIES wrong codes, or CODE_MINUTES, a new code is needed."""
    with transaction.atomic():
        row = NotificationAddress.objects.select_for_update().filter(user=user).first()
        if row is None or row.confirmed_at is not None:
            raise AddressRefused("nothing_to_confirm")
        if row.code_failures >= CODE_TRIES or not row.code_expires_at or row.code_expires_at < timezone.now():
            raise AddressRefused("expired")
        typed = "".join(ch for ch in (code or "") if ch.isdigit())
        right = constant_time_compare(typed, confirmation_code(row))
        if right:
            NotificationAddress.objects.filter(pk=row.pk).update(confirmed_at=timezone.now(), code_expires_at=None)
            audit.record("staff.notification_address_confirmed", actor=user, obj=user)
        else:
            NotificationAddress.objects.filter(pk=row.pk).update(code_failures=row.code_failures + 1)
            audit.record("staff.notification_code_refused", actor=user, obj=user)
        row.refresh_from_db()
    if not right:
        raise AddressRefused("wrong_code")
    return row


def remove_address(user, *, actor=None) -> bool:
    with transaction.atomic():
        deleted, _rows = NotificationAddress.objects.filter(user=user).delete()
        if deleted:
            audit.record("staff.notification_address_removed", actor=actor or user, obj=user)
    return bool(deleted)


def resolve_confirmed(user_id: str) -> str | None:
    """messaging's resolver: the confirmed address of an active staff member, else None (withdrawn)."""
    row = NotificationAddress.objects.filter(user_id=user_id, user__is_active=True).first()
    return row.address if row is not None and row.confirmed_at is not None else None


def resolve_pending(user_id: str) -> str | None:
    """messaging's resolver for the code itself: the address being confirmed."""
    row = NotificationAddress.objects.filter(user_id=user_id, user__is_active=True).first()
    return row.address if row is not None else None


def _send(user, text_for) -> bool:
    """Queue a notice to one person with a confirmed address, in their language (text_for() builds it)."""
    from vigil.messaging import actions as messaging

    row = NotificationAddress.objects.filter(user=user, confirmed_at__isnull=False, user__is_active=True).first()
    if row is None:
        return False
    language = _language(user)
    with translation.override(language):
        text = text_for()
    messaging.send(CONFIRMED, user.pk, row.channel, language, text)
    return True


def _place(incident) -> str:
    from vigil.geo.names import area_label

    return area_label(incident.area) or area_label(incident.borough) or _("a place not known yet")


def _on_duty_staff(organization_id, *, exclude=None):
    from vigil.accounts.models import User

    since = timezone.now() - timedelta(minutes=ON_DUTY_MINUTES)
    people = User.objects.filter(
        organization_id=organization_id,
        is_active=True,
        role__in=(Role.DISPATCHER, Role.ADMIN),
        last_login__gte=since,
        notification_address__confirmed_at__isnull=False,
    )
    if exclude is not None:
        people = people.exclude(pk=exclude)
    return list(people[:50])


def offer_waiting(dispatch) -> None:
    """In the offer's transaction: the responder's notice goes out once it commits."""
    link = public_url(reverse("responder_home"))
    incident = dispatch.incident
    _send(
        dispatch.responder,
        lambda: (
            _("Vigil: a dispatch offer waits for you near %(place)s. Answer here: %(link)s")
            % {"place": _place(incident), "link": link}
        ),
    )


def help_requested(dispatch) -> int:
    """To the on-duty dispatchers and admins of the incident's organization (the responder's for a public
    incident)."""
    incident = dispatch.incident
    organization_id = incident.organization_id or dispatch.responder.organization_id
    link = public_url(reverse("incident_queue"))
    sent = 0
    for person in _on_duty_staff(organization_id):
        sent += _send(
            person,
            lambda: (
                _("Vigil: a responder near %(place)s needs help now. %(link)s")
                % {"place": _place(incident), "link": link}
            ),
        )
    return sent


def proposal_waiting(proposal) -> int:
    """To the on-duty verifiers who may approve (never the proposer)."""
    incident = proposal.incident
    organization_id = incident.organization_id or proposal.proposer.organization_id
    link = public_url(reverse("incident_detail", args=[incident.pk]))
    sent = 0
    for person in _on_duty_staff(organization_id, exclude=proposal.proposer_id):
        sent += _send(
            person,
            lambda: (
                _("Vigil: a verification near %(place)s waits for a second verifier. %(link)s")
                % {"place": _place(incident), "link": link}
            ),
        )
    return sent

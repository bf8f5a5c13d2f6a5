"""Sharing a case with another organization of the coalition, and revoking the share (docs/cases.md,
"Sharing a case"). Each in a transaction with its audit event, which names the case by keyed hash (never
the organization's name, never the content).

Only the case's own organization's caseworkers and admins share and revoke; a partner cannot share further.
The family's intake consents name sharing outside the coalition (a legal provider, an interpreter) and
contacting the authorities; another organization of the coalition taking part in the rapid response is
the coalition's own work, under the same rules, so it needs no consent of its own.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Organization
from vigil.cases.access import owns_case
from vigil.cases.actions import CaseActionRefused
from vigil.cases.models import Case, CaseShare, Provider

ALREADY_SHARED = _("The case is already shared with this organization.")


def _active(case: Case, organization):
    return CaseShare.objects.filter(case=case, organization=organization, revoked_at__isnull=True)


def shareable_organizations(case: Case):
    """The organizations a case may be shared with: the coalition's active organizations other than the
    case's own and other than the legal providers (a provider gets a case through a referral, with its
    checks and the family's consent, never through a share), nor those it is already shared with."""
    already = CaseShare.objects.filter(case=case, revoked_at__isnull=True).values("organization_id")
    return (
        Organization.objects.filter(is_active=True)
        .exclude(pk=case.organization_id)
        .exclude(kind=Organization.Kind.LEGAL_PROVIDER)
        .exclude(pk__in=Provider.objects.values("organization_id"))
        .exclude(pk__in=already)
        .order_by("name")
    )


def share_case(case: Case, organization, *, actor) -> CaseShare:
    """Share an open case with another organization of the coalition.

    Steps:
    1. Refuse unless the actor is a caseworker or admin of the case's own organization (a partner cannot
       share further) and the organization may receive it (shareable_organizations).
    2. Under the case's row lock: refuse a closed case and an organization the case is already shared with
       (the database's unique constraint holds it too, for two caseworkers at the same moment).
    3. Store the share; audit it.
    """
    if not owns_case(actor, case):
        raise CaseActionRefused("not_yours", _("Only the case's own organization can share it."))
    if organization is not None and _active(case, organization).exists():
        raise CaseActionRefused("already_shared", ALREADY_SHARED)
    if organization is None or not shareable_organizations(case).filter(pk=organization.pk).exists():
        raise CaseActionRefused("share_organization", _("Choose an organization of the coalition to share with."))
    try:
        with transaction.atomic():
            current = Case.objects.select_for_update().get(pk=case.pk)
            if current.state == Case.State.CLOSED:
                raise CaseActionRefused("closed", _("The case is closed."))
            if _active(current, organization).exists():
                raise CaseActionRefused("already_shared", ALREADY_SHARED)
            share = CaseShare.objects.create(case=current, organization=organization, shared_by=actor)
            audit.record("case.shared", actor=actor, obj=current, kind=organization.kind)
    except IntegrityError:
        raise CaseActionRefused("already_shared", ALREADY_SHARED) from None
    return share


def revoke_share(share: CaseShare, *, actor=None, reason: str = "") -> CaseShare:
    """End a share: from the commit on, the partner's staff get a 404 for the case. Kept as the record of
    who could see the case. By the case's own organization's caseworkers and admins (`actor`), or by the
    system when the case is closed (no actor, `reason` "closed")."""
    with transaction.atomic():
        current = CaseShare.objects.select_for_update().select_related("case").get(pk=share.pk)
        if actor is not None and not owns_case(actor, current.case):
            raise CaseActionRefused("not_yours", _("Only the case's own organization can revoke its shares."))
        if current.revoked_at is not None:
            raise CaseActionRefused("share_revoked", _("This share was already revoked."))
        current.revoked_at = timezone.now()
        current.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        current.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "case.share_revoked",
            actor=actor,
            obj=current.case,
            organization=current.case.organization,
            reason_code=reason,
        )
    return current


def case_closed(case: Case, before_state: str) -> None:
    """Registered on the case's state changes (vigil/cases/reactions.py): closing a case revokes its shares,
    in the closing transaction; a closed case is its own organization's to keep until it is purged."""
    if case.state != Case.State.CLOSED or before_state == Case.State.CLOSED:
        return
    for share in CaseShare.objects.filter(case=case, revoked_at__isnull=True):
        revoke_share(share, reason="closed")

"""Who may see which case, referral, task and note. One lookup helper per model; deny by default; a
404 for what the user may not see (a provider's staff cannot tell another provider's case from none).

- Caseworkers and admins see the cases of their own organization, and the cases another organization
  shares with theirs while the share is active (a partner). A partner reaches a shared case only through
  the pages listed in PARTNER_VIEWS (the case page, its tasks and notes, where the person is); every other
  case page is a 404 for them, a new one included until it is listed.
- A provider's staff see a case while their provider holds a sent or accepted referral for it; a
  declined, expired or withdrawn referral ends that.
- A note is read by its author's organization; the case organization's notes are also read by the
  provider that accepted the case; a provider's notes by that provider only; a partner's notes also by the
  case organization (which stays answerable for the case).
- Interpreters and interpretation requests are their organization's: its caseworkers and admins see them;
  a provider's staff and every other organization get a 404.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from vigil.accounts.models import Role
from vigil.cases.models import (
    Case,
    CaseNote,
    CaseShare,
    CaseTask,
    InterpretationRequest,
    Interpreter,
    Provider,
    Referral,
)

COALITION_ROLES = (Role.CASEWORKER, Role.ADMIN)
PROVIDER_ROLES = (Role.PROVIDER_STAFF,)
# The referral states in which the provider's staff see the case.
PROVIDER_VISIBLE_STATES = ("sent", "accepted")
# The pages (URL names) through which an organization a case is shared with reaches it: read the case, add
# tasks and notes, mark tasks done, record where the person is and their hearings. Not the family and its
# consents, referrals, interpreters, state changes, closing or sharing (docs/cases.md, "Sharing a case").
PARTNER_VIEWS = frozenset({"case_detail", "case_note", "case_task", "case_task_done", "case_location", "case_hearing"})


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def provider_of(user) -> Provider | None:
    """The provider the user works for (provider staff only)."""
    if user.role != Role.PROVIDER_STAFF or not user.organization_id:
        return None
    return Provider.objects.filter(organization_id=user.organization_id).first()


def shared_case_ids(organization_id):
    """The cases shared with the organization, while the share is active (revoked: gone at once)."""
    return CaseShare.objects.filter(organization_id=organization_id, revoked_at__isnull=True).values("case_id")


def cases_for_user(user):
    if user.role in COALITION_ROLES and user.organization_id:
        return Case.objects.filter(
            Q(organization_id=user.organization_id) | Q(pk__in=shared_case_ids(user.organization_id))
        )
    if user.role in PROVIDER_ROLES and user.organization_id:
        return Case.objects.filter(
            referrals__provider__organization_id=user.organization_id,
            referrals__state__in=PROVIDER_VISIBLE_STATES,
        ).distinct()
    return Case.objects.none()


def is_partner(user, case: Case) -> bool:
    """The user sees the case because it is shared with their organization (not their own case, nor a
    provider's referral)."""
    return user.role in COALITION_ROLES and bool(user.organization_id) and user.organization_id != case.organization_id


def get_case_for_user(request, case_id) -> Case:
    case = get_object_or_404(cases_for_user(request.user), pk=_uuid_or_404(case_id))
    if is_partner(request.user, case) and getattr(request.resolver_match, "url_name", None) not in PARTNER_VIEWS:
        raise Http404
    return case


def owns_case(user, case: Case) -> bool:
    """A caseworker or admin of the case's own organization (who may share it and revoke its shares)."""
    return user.role in COALITION_ROLES and bool(user.organization_id) and user.organization_id == case.organization_id


def get_case_for_sharing(request, case_id) -> Case:
    """A case the user may share: their own organization's; a 404 for a partner and everyone else."""
    case = get_object_or_404(Case, pk=_uuid_or_404(case_id))
    if not owns_case(request.user, case):
        raise Http404
    return case


def shares_for_user(user):
    """The shares of the user's organization's cases (a partner does not see the list, nor revokes)."""
    if user.role in COALITION_ROLES and user.organization_id:
        return CaseShare.objects.filter(case__organization_id=user.organization_id)
    return CaseShare.objects.none()


def get_share_for_user(request, share_id) -> CaseShare:
    return get_object_or_404(
        shares_for_user(request.user).select_related("case", "organization"), pk=_uuid_or_404(share_id)
    )


def referrals_for_user(user):
    if user.role in COALITION_ROLES and user.organization_id:
        return Referral.objects.filter(case__organization_id=user.organization_id)
    if user.role in PROVIDER_ROLES and user.organization_id:
        return Referral.objects.filter(
            provider__organization_id=user.organization_id, state__in=PROVIDER_VISIBLE_STATES
        )
    return Referral.objects.none()


def get_referral_for_user(request, referral_id) -> Referral:
    return get_object_or_404(
        referrals_for_user(request.user).select_related("case", "provider"), pk=_uuid_or_404(referral_id)
    )


def get_packet_referral_for_user(request, referral_id) -> Referral:
    """A referral whose packet the user may download: their own provider's, once accepted. Before that the
    provider decides on the case page and its conflict check; the packet is for its own case system."""
    referrals = referrals_for_user(request.user).filter(state=Referral.State.ACCEPTED)
    if request.user.role not in PROVIDER_ROLES:
        referrals = referrals.none()
    return get_object_or_404(referrals.select_related("case", "provider"), pk=_uuid_or_404(referral_id))


def tasks_for_user(user):
    return CaseTask.objects.filter(case__in=cases_for_user(user).values("pk"))


def get_task_for_user(request, task_id) -> CaseTask:
    return get_object_or_404(tasks_for_user(request.user).select_related("case"), pk=_uuid_or_404(task_id))


def accepted_provider_org_id(case: Case):
    return (
        Referral.objects.filter(case=case, state=Referral.State.ACCEPTED)
        .values_list("provider__organization_id", flat=True)
        .first()
    )


def notes_for_user(user, case: Case):
    """The notes of `case` the user may read (the case itself already checked with get_case_for_user)."""
    org_id = user.organization_id
    if not org_id:
        return CaseNote.objects.none()
    visible = Q(organization_id=org_id)
    if org_id == accepted_provider_org_id(case):
        visible |= Q(organization_id=case.organization_id)
    if org_id == case.organization_id and user.role in COALITION_ROLES:
        # What a partner wrote while the case was shared with it (kept after the share is revoked).
        visible |= Q(organization_id__in=CaseShare.objects.filter(case=case).values("organization_id"))
    return CaseNote.objects.filter(case=case).filter(visible)


def may_read_conflict_check(user, referral: Referral) -> bool:
    """Only the provider's own staff read what a referral carries for their conflict check."""
    return user.role in PROVIDER_ROLES and referral.provider.organization_id == user.organization_id


def coalition_organization_id(request):
    """The organization of a coalition caseworker or admin; a 404 for everyone else (a provider's staff
    cannot tell the interpreter pages from none)."""
    user = request.user
    if user.role not in COALITION_ROLES or not user.organization_id:
        raise Http404
    return user.organization_id


def interpreters_for_user(user):
    if user.role in COALITION_ROLES and user.organization_id:
        return Interpreter.objects.filter(organization_id=user.organization_id)
    return Interpreter.objects.none()


def get_interpreter_for_user(request, interpreter_id) -> Interpreter:
    return get_object_or_404(interpreters_for_user(request.user), pk=_uuid_or_404(interpreter_id))


def interpretations_for_user(user):
    if user.role in COALITION_ROLES and user.organization_id:
        return InterpretationRequest.objects.filter(organization_id=user.organization_id)
    return InterpretationRequest.objects.none()


def get_interpretation_for_user(request, interpretation_id) -> InterpretationRequest:
    return get_object_or_404(
        interpretations_for_user(request.user).select_related("interpreter", "case"), pk=_uuid_or_404(interpretation_id)
    )


def get_incident_for_interpretation(request, incident_id):
    """An incident a coalition member may request an interpreter for: their organization's, or one from
    public intake (which every organization's console sees)."""
    from vigil.incidents.models import Incident

    org_id = coalition_organization_id(request)
    return get_object_or_404(
        Incident.objects.filter(Q(organization__isnull=True) | Q(organization_id=org_id)), pk=_uuid_or_404(incident_id)
    )


def consents_for_user(user):
    """A family's consents: the case organization's caseworkers and admins only (never a provider's staff)."""
    from vigil.cases.family import Consent

    if user.role in COALITION_ROLES and user.organization_id:
        return Consent.objects.filter(case__organization_id=user.organization_id)
    return Consent.objects.none()


def get_consent_for_user(request, consent_id):
    return get_object_or_404(consents_for_user(request.user).select_related("case"), pk=_uuid_or_404(consent_id))

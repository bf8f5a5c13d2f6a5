"""Staff pages of verification: propose, approve, withdraw, verify from a responder's on-scene answer,
and the responder's answer itself. Thin: parse, authorize, call an action in verification.py, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.incidents import verification
from vigil.incidents.field_views import get_dispatch_for_user
from vigil.incidents.models import SceneConfirmation, VerificationProposal
from vigil.incidents.views import CONSOLE_ROLES, _uuid_or_404, get_incident_for_user


def get_proposal_for_user(request, proposal_id) -> VerificationProposal:
    return get_object_or_404(verification.open_proposals_for(request.user), pk=_uuid_or_404(proposal_id))


def get_confirmation_for_user(request, confirmation_id) -> SceneConfirmation:
    confirmation = get_object_or_404(SceneConfirmation, pk=_uuid_or_404(confirmation_id))
    get_incident_for_user(request, confirmation.incident_id)  # 404 unless the user may see its incident
    return confirmation


def _act(request, incident_id, action, *args, **kwargs):
    """Call a verification action, then back to the incident page; a refusal is said there in words."""
    try:
        action(*args, actor=request.user, **kwargs)
    except verification.VerificationRefused as exc:
        messages.error(request, exc.message)
    return redirect("incident_detail", incident_id=incident_id)


@staff_view(*CONSOLE_ROLES)
@require_POST
def propose(request, incident_id):
    incident = get_incident_for_user(request, incident_id)
    return _act(
        request, incident.pk, verification.propose_verification, incident, reason=request.POST.get("reason", "")
    )


@staff_view(*CONSOLE_ROLES)
@require_POST
def approve(request, proposal_id):
    proposal = get_proposal_for_user(request, proposal_id)
    note = request.POST.get("note", "")
    return _act(request, proposal.incident_id, verification.approve_verification, proposal, note=note)


@staff_view(*CONSOLE_ROLES)
@require_POST
def withdraw(request, proposal_id):
    proposal = get_proposal_for_user(request, proposal_id)
    return _act(request, proposal.incident_id, verification.withdraw_proposal, proposal)


@staff_view(*CONSOLE_ROLES)
@require_POST
def verify_from_scene(request, confirmation_id):
    confirmation = get_confirmation_for_user(request, confirmation_id)
    reason = request.POST.get("reason", "")
    return _act(request, confirmation.incident_id, verification.verify_from_scene, confirmation, reason=reason)


@staff_view(Role.RESPONDER)
@require_POST
def scene_answer(request, dispatch_id):
    dispatch = get_dispatch_for_user(request, dispatch_id)
    try:
        verification.confirm_on_scene(
            dispatch,
            sees_enforcement=request.POST.get("sees") == "yes",
            what_seen=request.POST.get("what_seen", ""),
            actor=request.user,
        )
    except verification.VerificationRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, messages_sent())
    return redirect("responder_home")


def messages_sent() -> str:
    from django.utils.translation import gettext

    return gettext("Sent to the dispatchers.")


@staff_view(*CONSOLE_ROLES)
def waiting(request):
    from django.shortcuts import render

    from vigil.incidents.panels import waiting_context
    from vigil.incidents.views import incidents_for_user

    return render(request, "incidents/_waiting.html", waiting_context(request.user, incidents_for_user(request.user)))

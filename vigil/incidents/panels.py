"""What the console shows about verification, built for the incident page and the queue (no views here:
the views modules import this one, never the other way round)."""

from __future__ import annotations

from vigil.incidents import verification


def panel_context(request, incident) -> dict:
    """What the incident page's verification panel shows this user."""
    from django.utils import timezone

    from vigil.incidents.models import Verification

    user = request.user
    proposal = verification.open_proposals_for(user).filter(incident=incident).first()
    if proposal is not None:
        proposal.waiting_minutes = int((timezone.now() - proposal.proposed_at).total_seconds() // 60)
    may = verification.is_verifier(user, incident)
    verifiable = incident.state in verification.VERIFIABLE_STATES
    current = None
    if incident.current_verification_id:
        current = Verification.objects.select_related("proposer", "approver", "dispatch__responder").get(
            pk=incident.current_verification_id
        )
    return {
        "verification": current,
        "proposal": proposal,
        "scene_answers": verification.waiting_answers(incident)[:20],
        "can_verify": may and verifiable,
        "can_propose": may
        and verifiable
        and Verification.Basis.TWO_PEOPLE in verification.accepted_bases(incident, user),
    }


def waiting_context(user, visible) -> dict:
    """The queue's top panel: calls for help, proposals waiting for a second verifier, and the speed of
    verification over the last 7 days, among the incidents ``visible`` to the user."""
    from datetime import timedelta

    from django.utils import timezone

    from vigil.geo.names import area_label
    from vigil.incidents.models import Dispatch

    now = timezone.now()
    waiting = list(verification.open_proposals_for(user)[:50])
    for p in waiting:
        p.waiting_minutes = int((now - p.proposed_at).total_seconds() // 60)
        p.place = area_label(p.incident.area) or "?"
    recent = visible.filter(first_report_at__gte=now - timedelta(days=7))
    help_calls = list(
        Dispatch.objects.filter(incident__in=visible, help_requested_at__isnull=False, help_answered_at__isnull=True)
        .select_related("responder", "incident")
        .order_by("help_requested_at")[:20]
    )
    for call in help_calls:
        call.waiting_minutes = int((now - call.help_requested_at).total_seconds() // 60)
        call.place = area_label(call.incident.area) or "?"
    return {"waiting": waiting, "speed": verification.time_to_verification(recent), "help_calls": help_calls}


# Panels of the incident page added by apps above this one (the rules' findings): each a function of
# (request, incident) giving HTML, or "" to show nothing. Registered from AppConfig.ready(); this module
# never imports them.
PANELS: list = []


def register(panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def extra_panels(request, incident) -> list[str]:
    return [html for html in (panel(request, incident) for panel in PANELS) if html]

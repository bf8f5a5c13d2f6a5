"""Verification actions: every way an incident becomes "verified", and nothing else may make it so.

A basis is one of:
- a responder dispatched to the incident, on scene at that moment, answers "I see enforcement" with what
  they saw, and a verifier cites that answer to verify in one step ("I see none" proposes "could not be
  verified" instead);
- two verifiers: one proposes with a reason, another (never the proposer) approves.
Verifiers are dispatchers and admins: of the incident's organization, or for a public incident of any
organization of the network (``VERIFY_PUBLIC_ACROSS_ORGANIZATIONS``; with it off, the two must share one).
Which bases count is the deciding organization's setting (the incident's owner, or for a public incident
the organization of the verifier who completes it). The database holds the same rules (CHECK constraints
on Verification and Incident), so a bug here or a raw SQL update cannot verify without a basis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.incidents.models import (
    Dispatch,
    Incident,
    SceneConfirmation,
    TimelineEntry,
    Verification,
    VerificationProposal,
)

VERIFIER_ROLES = (Role.DISPATCHER, Role.ADMIN)
# States from which an incident may become verified (a closed incident is reopened first).
VERIFIABLE_STATES = ("reported", "verifying", "unconfirmed")
REASON_LIMIT = 2000


class VerificationRefused(Exception):
    """Why a verification step was refused: a code, with a message a person can act on."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(REFUSALS.get(self.code, REFUSALS["state"]))


REFUSALS = {
    "not_verifier": _("Only dispatchers and admins who may see this incident can verify it."),
    "no_reason": _("Say what was seen, by whom, and which reports or evidence show it."),
    "same_person": _(
        "You proposed this verification. Another dispatcher or admin must approve it: one person alone is never enough."
    ),
    "basis_not_accepted": _("Your organization does not accept this basis for verification."),
    "state": _("The incident cannot be verified from its current state."),
    "not_on_scene": _("Only a responder dispatched to this incident and on scene can confirm it."),
    "not_confirmation": _("That responder did not confirm enforcement on the scene."),
    "proposal_closed": _("That proposal is no longer open."),
    "open_proposal": _("A verification is already proposed for this incident: approve or withdraw it."),
    "not_proposer": _("Only the person who proposed it can withdraw a proposal."),
    "other_organization": _("For this incident both verifiers must belong to one organization."),
    "own_answer": _(
        "You gave this answer on the scene. Another dispatcher or admin must cite it: one person alone is never enough."
    ),
    "stale_answer": _(
        "This answer is no longer current: the responder answered again, left the scene, or it was already "
        "used. Ask the responder on the scene."
    ),
    "proposer_gone": _("The person who proposed this can no longer verify: propose it again."),
}


def is_verifier(user, incident: Incident) -> bool:
    """A dispatcher or admin who may act on the incident."""
    if not (getattr(user, "is_active", False) and user.role in VERIFIER_ROLES and user.organization_id):
        return False
    return incident.organization_id is None or incident.organization_id == user.organization_id


def accepted_bases(incident: Incident, actor) -> set[str]:
    """The bases the deciding organization accepts: the incident's owner, else the completing verifier's."""
    organization = incident.organization if incident.organization_id else actor.organization
    bases = set()
    if organization.verify_by_responder:
        bases.add(Verification.Basis.RESPONDER)
    if organization.verify_by_two_people:
        bases.add(Verification.Basis.TWO_PEOPLE)
    return bases


def distinct_sources(incident: Incident) -> int:
    """Reports on the incident from different channels or senders: additions to a report count with it,
    and several texts from one phone number count once. Web reports carry no sender and count each."""
    reports = incident.reports.filter(follow_up_of__isnull=True)
    known = reports.exclude(sender_ref="").values("channel", "sender_ref").distinct().count()
    return known + reports.filter(sender_ref="").count()


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise VerificationRefused("no_reason")
    return reason[:REASON_LIMIT]


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _check_completion(current: Incident, first_person, actor, basis: str) -> None:
    """The rules both bases share when the second person completes a verification: for a public incident
    the two belong to one organization unless the deployment lets the network verify; the deciding
    organization accepts the basis; the incident can still become verified."""
    if (
        current.organization_id is None
        and not settings.VERIFY_PUBLIC_ACROSS_ORGANIZATIONS
        and first_person.organization_id != actor.organization_id
    ):
        raise VerificationRefused("other_organization")
    if basis not in accepted_bases(current, actor):
        raise VerificationRefused("basis_not_accepted")
    if current.state not in VERIFIABLE_STATES:
        raise VerificationRefused("state")


def _verify(current: Incident, verification: Verification, *, actor) -> Incident:
    """Steps: store the verification; make it current with the state in one update; close any open
    proposal; write the timeline entry (its reason is the verification's) and the audit event."""
    verification.incident = current
    verification.report_count = distinct_sources(current)
    verification.save()
    from_state = current.state
    Incident.objects.filter(pk=current.pk).update(
        state=Incident.State.VERIFIED, current_verification=verification, held_by=None, held_until=None
    )
    now = timezone.now()
    VerificationProposal.objects.filter(incident=current, state=VerificationProposal.State.OPEN).update(
        state=VerificationProposal.State.SUPERSEDED, closed_at=now
    )
    TimelineEntry.objects.create(
        incident=current,
        actor=actor,
        kind="state",
        from_state=from_state,
        to_state=Incident.State.VERIFIED,
        reason=verification.reason,
    )
    audit.record(
        "incident.verified",
        actor=actor,
        obj=current,
        from_state=from_state,
        to_state="verified",
        kind=verification.basis,
        count=verification.report_count,
    )
    current.refresh_from_db()
    return current


def confirm_on_scene(dispatch: Dispatch, *, sees_enforcement: bool, what_seen: str, actor) -> SceneConfirmation:
    """The responder on scene answers "I see enforcement" or "I see none", with what they saw.

    Steps: lock the dispatch; refuse unless it is the actor's and on scene now; store the answer as its
    own row (never overwritten); write the timeline entry and the audit event.
    """
    what_seen = _clean_reason(what_seen)
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if current.responder_id != actor.pk or current.state != Dispatch.State.ON_SCENE:
            raise VerificationRefused("not_on_scene")
        confirmation = SceneConfirmation.objects.create(
            incident_id=current.incident_id,
            dispatch=current,
            responder=actor,
            sees_enforcement=bool(sees_enforcement),
            what_seen=what_seen,
        )
        TimelineEntry.objects.create(
            incident_id=current.incident_id,
            actor=actor,
            kind="scene_confirmed" if sees_enforcement else "scene_none",
            reason=what_seen,
        )
        audit.record(
            "dispatch.scene_answered", actor=actor, obj=current, outcome="sees" if sees_enforcement else "none"
        )
    return confirmation


def verify_from_scene(confirmation: SceneConfirmation, *, reason: str, actor) -> Incident:
    """A verifier cites a responder's on-scene "I see enforcement" and verifies in one step."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = _lock(confirmation.incident)
        confirmation = SceneConfirmation.objects.select_related("dispatch", "responder").get(pk=confirmation.pk)
        if not is_verifier(actor, current):
            raise VerificationRefused("not_verifier")
        if confirmation.incident_id != current.pk or not confirmation.sees_enforcement:
            raise VerificationRefused("not_confirmation")
        if confirmation.dispatch.incident_id != current.pk:
            raise VerificationRefused("not_on_scene")
        if confirmation.responder_id == actor.pk:
            raise VerificationRefused("own_answer")
        if not _is_current_answer(confirmation):
            raise VerificationRefused("stale_answer")
        _check_completion(current, confirmation.responder, actor, Verification.Basis.RESPONDER)
        verification = Verification(
            basis=Verification.Basis.RESPONDER,
            proposer=actor,
            responder_id=confirmation.responder_id,
            dispatch=confirmation.dispatch,
            confirmation=confirmation,
            reason=reason,
        )
        return _verify(current, verification, actor=actor)


def propose_verification(incident: Incident, *, reason: str, actor) -> VerificationProposal:
    """Where no responder can reach the scene, one verifier proposes "verified"; another must approve.

    Steps: lock the incident; refuse a non-verifier, a basis the organization does not take, a state that
    cannot become verified, or a second open proposal; a "reported" incident moves to "being verified";
    store the proposal; timeline and audit; notices to the on-duty verifiers (sent once it commits).
    """
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = _lock(incident)
        if not is_verifier(actor, current):
            raise VerificationRefused("not_verifier")
        if Verification.Basis.TWO_PEOPLE not in accepted_bases(current, actor):
            raise VerificationRefused("basis_not_accepted")
        if current.state not in VERIFIABLE_STATES:
            raise VerificationRefused("state")
        if VerificationProposal.objects.filter(incident=current, state=VerificationProposal.State.OPEN).exists():
            raise VerificationRefused("open_proposal")
        if current.state != Incident.State.VERIFYING:
            Incident.objects.filter(pk=current.pk).update(state=Incident.State.VERIFYING)
            TimelineEntry.objects.create(
                incident=current, actor=actor, kind="state", from_state=current.state, to_state="verifying"
            )
        proposal = VerificationProposal.objects.create(incident=current, proposer=actor, reason=reason)
        TimelineEntry.objects.create(incident=current, actor=actor, kind="verification_proposed", reason=reason)
        audit.record("incident.verification_proposed", actor=actor, obj=current)
        from vigil.incidents import notify

        notify.proposal_waiting(proposal)
    return proposal


def approve_verification(proposal: VerificationProposal, *, actor, note: str = "") -> Incident:
    """A second verifier approves an open proposal: the incident is verified on two people's word."""
    with transaction.atomic():
        current = _lock(proposal.incident)
        proposal = VerificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != VerificationProposal.State.OPEN:
            raise VerificationRefused("proposal_closed")
        if not is_verifier(actor, current):
            raise VerificationRefused("not_verifier")
        if actor.pk == proposal.proposer_id:
            raise VerificationRefused("same_person")
        if not is_verifier(proposal.proposer, current):
            raise VerificationRefused("proposer_gone")
        _check_completion(current, proposal.proposer, actor, Verification.Basis.TWO_PEOPLE)
        reason = proposal.reason or ""
        note = (note or "").strip()
        if note:
            reason = f"{reason}\n{note}"[:REASON_LIMIT]
        now = timezone.now()
        VerificationProposal.objects.filter(pk=proposal.pk).update(
            state=VerificationProposal.State.APPROVED, closed_at=now, closed_by=actor
        )
        verification = Verification(
            basis=Verification.Basis.TWO_PEOPLE,
            proposer_id=proposal.proposer_id,
            approver=actor,
            proposed_at=proposal.proposed_at,
            reason=reason,
        )
        return _verify(current, verification, actor=actor)


def withdraw_proposal(proposal: VerificationProposal, *, actor) -> VerificationProposal:
    """The proposer takes an open proposal back; the incident stays "being verified"."""
    with transaction.atomic():
        current = VerificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if current.state != VerificationProposal.State.OPEN:
            raise VerificationRefused("proposal_closed")
        if current.proposer_id != actor.pk:
            raise VerificationRefused("not_proposer")
        VerificationProposal.objects.filter(pk=current.pk).update(
            state=VerificationProposal.State.WITHDRAWN, closed_at=timezone.now(), closed_by=actor
        )
        TimelineEntry.objects.create(incident_id=current.incident_id, actor=actor, kind="verification_withdrawn")
        audit.record("incident.verification_withdrawn", actor=actor, obj=current.incident)
        current.refresh_from_db()
    return current


def close_open_proposals(incident: Incident) -> None:
    """The incident left the path to "verified" (false alarm, could not be verified, closed)."""
    VerificationProposal.objects.filter(incident=incident, state=VerificationProposal.State.OPEN).update(
        state=VerificationProposal.State.SUPERSEDED, closed_at=timezone.now()
    )


# --- Reading --------------------------------------------------------------------------------------


def open_proposals_for(user):
    """Open proposals on incidents the user may verify, oldest first."""
    qs = VerificationProposal.objects.filter(state=VerificationProposal.State.OPEN).select_related(
        "incident", "proposer"
    )
    if user.role not in VERIFIER_ROLES:
        return qs.none()
    return qs.filter(Q(incident__organization__isnull=True) | Q(incident__organization=user.organization_id))


def _is_current_answer(confirmation: SceneConfirmation) -> bool:
    """An answer counts while its responder is still on the scene, it is their latest, and no verification
    cited it yet."""
    if confirmation.dispatch.state != Dispatch.State.ON_SCENE:
        return False
    latest = SceneConfirmation.objects.filter(dispatch_id=confirmation.dispatch_id).order_by("-at", "-id").first()
    if latest is None or latest.pk != confirmation.pk:
        return False
    return not Verification.objects.filter(confirmation=confirmation).exists()


def waiting_answers(incident: Incident) -> list[SceneConfirmation]:
    """Responders' on-scene answers a verifier can act on now: the newest of each responder still on the
    scene, not yet cited."""
    answers = (
        SceneConfirmation.objects.filter(incident=incident, dispatch__state=Dispatch.State.ON_SCENE)
        .exclude(
            pk__in=Verification.objects.filter(incident=incident, confirmation__isnull=False).values("confirmation")
        )
        .select_related("responder", "dispatch")
        .order_by("-at", "-id")
    )
    newest = {}
    for answer in answers:
        newest.setdefault(answer.dispatch_id, answer)
    return list(newest.values())


def time_to_verification(incidents) -> dict:
    """Report-to-verification time (first report to the verification) over the given incidents'
    verifications with a basis: median and 90th percentile in minutes, and how many."""
    rows = (
        Verification.objects.filter(incident__in=incidents)
        .exclude(basis=Verification.Basis.LEGACY)
        .values_list("at", "incident__first_report_at")
    )
    minutes = sorted(max(0.0, (at - first).total_seconds() / 60) for at, first in rows)
    if not minutes:
        return {"count": 0, "median": None, "p90": None}

    def pick(q: float) -> int:
        return round(minutes[min(len(minutes) - 1, int(q * (len(minutes) - 1) + 0.5))])

    return {"count": len(minutes), "median": pick(0.5), "p90": pick(0.9)}

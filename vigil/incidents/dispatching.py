"""Dispatch actions: offering an incident to a responder, their answers and check-ins, offers that expire,
and a responder's call for help.

One dispatch per responder and incident: a re-offer after a decline or an expiry reopens the same row,
and its history stays on the incident's timeline.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.incidents.models import Dispatch, Incident, TimelineEntry
from vigil.work.actions import enqueue

CHECK_IN_MINUTES = 20
# Jobs are named, not imported: vigil/incidents/jobs.py calls back into this module.
EXPIRE_OFFER_JOB = "vigil.incidents.jobs.expire_dispatch_offer"
CHECK_IN_JOB = "vigil.incidents.jobs.check_dispatch_check_in"


class DispatchRefused(Exception):
    """The dispatch cannot move that way (not the responder's, or not from its current state)."""


def offer_minutes() -> int:
    return int(getattr(settings, "DISPATCH_OFFER_MINUTES", 5))


def offer(incident: Incident, responder, *, actor) -> Dispatch:
    """Offer an incident to a responder.

    Steps: lock or create the responder's dispatch for the incident; an open offer or an active dispatch
    is left as it is (idempotent); a new one, or one declined or expired, becomes an offer again with a
    fresh expiry; timeline and audit; on commit, the expiry job is queued and the responder notified.
    """
    with transaction.atomic():
        dispatch, created = Dispatch.objects.select_for_update().get_or_create(
            incident=incident, responder=responder, defaults={"offered_by": actor}
        )
        if not created and dispatch.state not in Dispatch.REOPENABLE:
            return dispatch
        now = timezone.now()
        expires = now + timedelta(minutes=offer_minutes())
        Dispatch.objects.filter(pk=dispatch.pk).update(
            state=Dispatch.State.OFFERED,
            offered_by=actor,
            offered_at=now,
            offer_expires_at=expires,
            missed_check_in=False,
            check_in_due_at=None,
        )
        kind = "dispatch_offered" if created else "dispatch_reoffered"
        TimelineEntry.objects.create(incident=incident, actor=actor, kind=kind)
        audit.record("dispatch.offered", actor=actor, obj=dispatch, outcome="new" if created else "reopened")
        enqueue(EXPIRE_OFFER_JOB, dispatch.pk, delay_seconds=offer_minutes() * 60 + 5)
        _notify_offer(dispatch)
        dispatch.refresh_from_db()
    return dispatch


def _notify_offer(dispatch: Dispatch) -> None:
    """Tell the responder an offer waits: only the neighborhood and a link, never the scene, since a
    message shows on a locked screen. Sent through messaging when the responder set an address."""
    from vigil.incidents import notify

    notify.offer_waiting(dispatch)


def dispatch_move(dispatch: Dispatch, to_state: str, *, actor) -> Dispatch:
    """The responder answers or checks in. Every move resets the check-in clock while the dispatch is active,
    and schedules the job that flags a missed check-in to the dispatcher."""
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if to_state not in Dispatch.MOVES.get(current.state, set()):
            raise DispatchRefused(f"{current.state} -> {to_state}")
        if to_state != "withdrawn" and actor.pk != current.responder_id:
            raise DispatchRefused("not your dispatch")
        now = timezone.now()
        if current.state == Dispatch.State.OFFERED and current.offer_expires_at and current.offer_expires_at <= now:
            raise DispatchRefused("the offer expired")
        fields = {"state": to_state, "last_check_in_at": now, "missed_check_in": False}
        if to_state in Dispatch.ACTIVE:
            fields["check_in_due_at"] = now + timedelta(minutes=CHECK_IN_MINUTES)
            enqueue(CHECK_IN_JOB, current.pk, delay_seconds=CHECK_IN_MINUTES * 60 + 5)
        else:
            fields["check_in_due_at"] = None
        Dispatch.objects.filter(pk=current.pk).update(**fields)
        TimelineEntry.objects.create(incident_id=current.incident_id, actor=actor, kind=f"dispatch_{to_state}")
        audit.record("dispatch.moved", actor=actor, obj=current, from_state=current.state, to_state=to_state)
        current.refresh_from_db()
    return current


def expire_offer(dispatch_id) -> bool:
    """Called by the scheduled job: an offer still unanswered when it runs out expires (the dispatcher sees
    it and may offer again)."""
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
        if current is None or current.state != Dispatch.State.OFFERED:
            return False
        if current.offer_expires_at is None or current.offer_expires_at > timezone.now():
            return False
        Dispatch.objects.filter(pk=current.pk).update(state=Dispatch.State.EXPIRED)
        TimelineEntry.objects.create(incident_id=current.incident_id, kind="dispatch_expired")
        audit.record("dispatch.expired", obj=current, from_state="offered", to_state="expired")
    return True


def flag_missed_check_in(dispatch_id) -> bool:
    """Called by the scheduled job: flags the dispatch if the responder has not checked in since."""
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
        if current is None or current.state not in Dispatch.ACTIVE or current.missed_check_in:
            return False
        if current.check_in_due_at is None or current.check_in_due_at > timezone.now():
            return False
        Dispatch.objects.filter(pk=current.pk).update(missed_check_in=True)
        TimelineEntry.objects.create(incident_id=current.incident_id, kind="check_in_missed")
        audit.record("dispatch.check_in_missed", obj=current)
    return True


def ask_for_help(dispatch: Dispatch, *, actor) -> Dispatch:
    """The responder's one-tap "I need help": it tops every console of the incident's dispatchers until one
    of them answers, and reaches the on-duty dispatchers through messaging. Repeated taps keep the first
    time (the oldest call is the most urgent)."""
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if current.responder_id != actor.pk or current.state not in Dispatch.ACTIVE:
            raise DispatchRefused("not an active dispatch of yours")
        if current.help_requested_at is None or current.help_answered_at is not None:
            now = timezone.now()
            Dispatch.objects.filter(pk=current.pk).update(
                help_requested_at=now, help_answered_at=None, help_answered_by=None
            )
            TimelineEntry.objects.create(incident_id=current.incident_id, actor=actor, kind="help_requested")
            audit.record("dispatch.help_requested", actor=actor, obj=current)
            from vigil.incidents import notify

            notify.help_requested(current)
        current.refresh_from_db()
    return current


def answer_help(dispatch: Dispatch, *, actor) -> Dispatch:
    """A dispatcher takes the call for help: it leaves the consoles' top, with who took it on the timeline."""
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if current.help_requested_at is None or current.help_answered_at is not None:
            return current
        Dispatch.objects.filter(pk=current.pk).update(help_answered_at=timezone.now(), help_answered_by=actor)
        TimelineEntry.objects.create(incident_id=current.incident_id, actor=actor, kind="help_answered")
        audit.record("dispatch.help_answered", actor=actor, obj=current)
        current.refresh_from_db()
    return current

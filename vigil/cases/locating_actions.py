"""Every change to where a detained person is and to their hearings (docs/cases.md, "Locating the person"):
each in a transaction with its audit event (codes and counts, never a place or a name), timeline events,
background work queued in the same transaction (the work app's outbox, so it commits with the change).

- A check of where the person is, confirmed or not, completes the case's open "locate" tasks. Until a
  location is confirmed, the next locate task comes `LOCATE_EVERY_HOURS` after a check (or after a locate
  task is marked done) that did not confirm one: a durable job, one pending per case.
- A confirmed location at another place than the last confirmed one is a transfer: a timeline event, the
  urgent need "a transfer is feared" (the person has been moved and may be moved again: tier 2 at least),
  and the case's open referral checked again against the new facility's court; a referral the provider
  can no longer take is withdrawn.
- A hearing raises the urgency when it is within 72 hours or 14 days, and again when those moments come
  (jobs queued for them).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.cases import actions
from vigil.cases.actions import CaseActionRefused
from vigil.cases.consents import authorities_refusal
from vigil.cases.locating import Facility, Hearing, HearingKind, HearingSource, LocationRecord, LocationSource
from vigil.cases.models import Case, CaseEvent, CaseTask, Court, Referral
from vigil.cases.urgency import UrgentNeed, clean_needs, urgency_tier

# A repeated locate task is due this long after it appears (it asks for a check now).
LOCATE_AGAIN_DUE_HOURS = 1
# A check may be recorded a little after it was made, never for a time to come.
FUTURE_SLACK = timedelta(minutes=5)
# A hearing further away than this is a typing mistake (the year).
MAX_HEARING_AHEAD = timedelta(days=3 * 366)
PLACE_LIMIT = 500
HEARING_NEAR = {"72h": timedelta(hours=72), "14d": timedelta(days=14)}
HEARING_NEEDS = {"72h": UrgentNeed.HEARING_OR_REMOVAL_72H, "14d": UrgentNeed.HEARING_14_DAYS}


def locate_every_hours() -> int:
    return max(1, int(getattr(settings, "LOCATE_EVERY_HOURS", 6)))


# --- Reading ---------------------------------------------------------------------------------------


def latest_check(case: Case) -> LocationRecord | None:
    return (
        LocationRecord.objects.filter(case=case)
        .select_related("facility")
        .order_by("-checked_at", "-created_at")
        .first()
    )


def current_location(case: Case) -> LocationRecord | None:
    """The last confirmed location (by when it was checked)."""
    return (
        LocationRecord.objects.filter(case=case, confirmed=True)
        .select_related("facility", "facility__court")
        .order_by("-checked_at", "-created_at")
        .first()
    )


def is_located(case: Case) -> bool:
    """The latest check confirmed where the person is. A later check that no longer finds them (the locator
    stops listing them, the facility says they left) starts locating again."""
    latest = latest_check(case)
    return latest is not None and latest.confirmed


def current_court(case: Case) -> Court | None:
    location = current_location(case)
    return location.facility.court if location is not None and location.facility is not None else None


def _same_place(a: LocationRecord, b: LocationRecord) -> bool:
    if a.facility_id or b.facility_id:
        return a.facility_id == b.facility_id
    return " ".join((a.place or "").lower().split()) == " ".join((b.place or "").lower().split())


def place_label(record: LocationRecord) -> str:
    return record.facility.name if record.facility_id else (record.place or "")


# --- Urgency ---------------------------------------------------------------------------------------


def _add_needs(case: Case, codes, *, actor) -> bool:
    """Add urgent needs (never remove one: lowering is the caseworker's call); the tier follows. The case
    row is locked by the caller."""
    added = [code for code in codes if code not in case.urgent_needs]
    if not added:
        return False
    needs = clean_needs([*case.urgent_needs, *added])
    actions._touch(case, urgent_needs=needs, urgency_tier=urgency_tier(needs))
    actions._event(case, CaseEvent.Kind.NEEDS, actor=actor)
    audit.record("case.needs_changed", actor=actor, obj=case, count=len(needs))
    return True


# --- Locations -------------------------------------------------------------------------------------


def _refuse_without_authorities_consent(case: Case, source: str, actor) -> None:
    """A check or a hearing learnt by contacting the facility, ICE or the court on the person's behalf needs
    the family's consent for it (docs/cases.md, "Contacting the facility, ICE or the court"); the staff of
    the provider that accepted the case act as the person's lawyers and are not held to it."""
    refusal = authorities_refusal(case, source, acting_for_family=getattr(actor, "role", "") != Role.PROVIDER_STAFF)
    if refusal is not None:
        raise CaseActionRefused(*refusal)


def _enqueue_locate_again(case: Case) -> None:
    from vigil.work.actions import enqueue

    enqueue(
        "vigil.cases.locating_jobs.locate_again",
        str(case.pk),
        delay_seconds=locate_every_hours() * 3600,
        dedupe_key=f"locate:{case.pk}",
    )


def _complete_locate_tasks(case: Case, *, actor) -> int:
    open_tasks = list(CaseTask.objects.filter(case=case, kind=CaseTask.Kind.LOCATE, done_at__isnull=True))
    now = timezone.now()
    for task in open_tasks:
        CaseTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=now)
        audit.record("case.task_done", actor=actor, obj=task, kind=task.kind)
    return len(open_tasks)


def refusal_after_move(case: Case, referral: Referral, court: Court | None) -> str | None:
    """Why the referral's provider can no longer take the case now that the person is at a facility of
    `court` (a code), or None. The hard constraints of a referral, and the court: a provider that lists the
    courts it serves must list this one (one that lists none is not restricted: its courts are left for
    the coalition to fill). Capacity is not checked again: a sent referral already holds its place."""
    code = actions.eligibility_refusal(case, referral.provider, referral.service)
    if code == "no_capacity":
        code = None
    if code is None and court is not None:
        served = set(referral.provider.courts.values_list("pk", flat=True))
        if served and court.pk not in served:
            code = "court_not_served"
    return code


def _recheck_referrals(case: Case, court: Court | None, *, actor) -> list[str]:
    """After a transfer: withdraw the open referral whose provider can no longer take the case. Returns the
    names of the providers whose referral was withdrawn."""
    withdrawn = []
    for referral in (
        Referral.objects.select_for_update()
        .select_related("provider", "case")
        .filter(case=case, state__in=Referral.OPEN_STATES)
    ):
        code = refusal_after_move(case, referral, court)
        if code is None:
            continue
        referral.case = case
        actions._end_referral(referral, Referral.State.WITHDRAWN, actor=actor)
        audit.record("referral.withdrawn", actor=actor, obj=referral, reason_code=code)
        withdrawn.append(referral.provider.name)
    return withdrawn


def record_location(
    case: Case,
    *,
    actor,
    source: str,
    facility: Facility | None = None,
    place: str = "",
    confirmed: bool = False,
    checked_at: datetime | None = None,
) -> LocationRecord:
    """Record one check of where the person is.

    Steps:
    1. Refuse what cannot be stored: an unknown source, a check in the future, a confirmed location that
       names no place, a closed case, a check from the facility without the family's consent to contact it.
    2. Under the case's row lock, note the last confirmed location, then store the check (a place typed in
       is sealed).
    3. Complete the open locate tasks. Not confirmed: queue the next locate task `LOCATE_EVERY_HOURS` later.
    4. Confirmed at another place than the last confirmed one, and not older than it: a transfer. Timeline
       event, the urgent need "a transfer is feared", and the open referral checked against the new court
       (withdrawn when the provider can no longer take the case). `withdrawn_referrals` on the returned
       record names the providers whose referral was withdrawn.
    5. Audit (the source and whether confirmed; never the place).
    """
    if source not in LocationSource.values:
        raise CaseActionRefused("location_source", _("Choose where the information comes from."))
    now = timezone.now()
    checked_at = checked_at or now
    if timezone.is_naive(checked_at) or checked_at > now + FUTURE_SLACK:
        raise CaseActionRefused("checked_future", _("The time of the check cannot be in the future."))
    place = " ".join((place or "").split())[:PLACE_LIMIT] if facility is None else ""
    if confirmed and facility is None and not place:
        raise CaseActionRefused(
            "location_place", _("A confirmed location needs a facility from the list or the place written in.")
        )
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.state == Case.State.CLOSED:
            raise CaseActionRefused("closed", _("The case is closed."))
        _refuse_without_authorities_consent(current, source, actor)
        previous = current_location(current)
        record = LocationRecord.objects.create(
            case=current,
            organization_id=actor.organization_id,
            facility=facility,
            place=place,
            source=source,
            confirmed=bool(confirmed),
            checked_at=checked_at,
            checked_by=actor if actions._is_user(actor) else None,
        )
        _complete_locate_tasks(current, actor=actor)
        record.withdrawn_referrals = []
        is_latest = previous is None or checked_at >= previous.checked_at
        if not record.confirmed:
            if not is_located(current):
                _enqueue_locate_again(current)
        elif previous is not None and is_latest and not _same_place(previous, record):
            actions._event(
                current, CaseEvent.Kind.TRANSFER, actor=actor, occurred_at=checked_at, detail=place_label(record)
            )
            _add_needs(current, [UrgentNeed.TRANSFER_FEARED], actor=actor)
            court = facility.court if facility is not None else None
            record.withdrawn_referrals = _recheck_referrals(current, court, actor=actor)
            audit.record("case.transferred", actor=actor, obj=current, count=len(record.withdrawn_referrals))
        actions._touch(current)
        audit.record(
            "case.location_recorded",
            actor=actor,
            obj=current,
            kind=source,
            to_state="confirmed" if confirmed else "unconfirmed",
        )
    case.refresh_from_db()
    return record


def locate_task_done(task: CaseTask) -> None:
    """A locate task marked done (by its button, not by recording a check): while the person is not
    located, the next locate task comes `LOCATE_EVERY_HOURS` later. Called in the completing transaction."""
    case = task.case
    if case.state != Case.State.CLOSED and not is_located(case):
        _enqueue_locate_again(case)


def locate_again(case_id) -> bool:
    """The queued next locate task: added (due soon) unless the case is closed, the person located since,
    or a locate task is already open. Safe to run again."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.state == Case.State.CLOSED or is_located(case):
            return False
        if CaseTask.objects.filter(case=case, kind=CaseTask.Kind.LOCATE, done_at__isnull=True).exists():
            return False
        task = CaseTask.objects.create(
            case=case,
            organization_id=case.organization_id,
            kind=CaseTask.Kind.LOCATE,
            due_at=timezone.now() + timedelta(hours=LOCATE_AGAIN_DUE_HOURS),
        )
        audit.record("case.task_added", obj=task, kind=task.kind)
    return True


# --- Hearings --------------------------------------------------------------------------------------


def hearing_zone(court: Court | None) -> str:
    return (court.time_zone if court is not None else "") or settings.TIME_ZONE


def _needs_for(starts_at: datetime, now: datetime) -> list[str]:
    return [HEARING_NEEDS[window] for window, span in HEARING_NEAR.items() if starts_at - now <= span]


def add_hearing(
    case: Case, *, actor, kind: str, day: date, at: time, court: Court | None = None, source: str
) -> Hearing:
    """Record a hearing, its date and time given in its court's time zone.

    Steps:
    1. Refuse an unknown kind or source, a date and time already past (in words), one years away.
    2. Under the case's row lock (a closed case refuses, and so does a hearing learnt from the facility
       without the family's consent to contact it), store it in UTC with the court's zone; timeline
       event "hearing set" (its kind as the code).
    3. Within 72 hours or 14 days: the urgent need that says so (the tier follows); and queue a job for
       each of those moments still to come, which adds the need then.
    4. Audit (the kind; never the time).
    """
    if kind not in HearingKind.values:
        raise CaseActionRefused("hearing_kind", _("Choose the kind of hearing."))
    if source not in HearingSource.values:
        raise CaseActionRefused("hearing_source", _("Choose where the information comes from."))
    if day is None or at is None:
        raise CaseActionRefused("hearing_time", _("Enter the hearing's date and time."))
    zone = hearing_zone(court)
    starts_at = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    now = timezone.now()
    if starts_at <= now:
        raise CaseActionRefused(
            "hearing_past",
            _("That date and time has already passed in the court's time zone: enter a hearing to come."),
        )
    if starts_at - now > MAX_HEARING_AHEAD:
        raise CaseActionRefused("hearing_far", _("That date is more than three years away: check the year."))
    from vigil.work.actions import enqueue

    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.state == Case.State.CLOSED:
            raise CaseActionRefused("closed", _("The case is closed."))
        _refuse_without_authorities_consent(current, source, actor)
        hearing = Hearing.objects.create(
            case=current,
            organization_id=actor.organization_id,
            kind=kind,
            starts_at=starts_at,
            time_zone=zone,
            court=court,
            source=source,
            created_by=actor if actions._is_user(actor) else None,
        )
        actions._event(current, CaseEvent.Kind.HEARING_SET, actor=actor, reason_code=kind)
        _add_needs(current, _needs_for(starts_at, now), actor=actor)
        for window, span in HEARING_NEAR.items():
            moment = starts_at - span
            if moment > now:
                enqueue(
                    "vigil.cases.locating_jobs.hearing_near",
                    str(hearing.pk),
                    delay_seconds=(moment - now).total_seconds() + 1,
                    dedupe_key=f"hearing:{hearing.pk}:{window}",
                )
        actions._touch(current)
        audit.record("case.hearing_added", actor=actor, obj=current, kind=kind)
    case.refresh_from_db()
    return hearing


def hearing_near(hearing_id) -> bool:
    """A hearing's 14-day or 72-hour moment has come: add the urgent need it calls for, unless the hearing
    has passed or the case is closed. Safe to run again."""
    with transaction.atomic():
        hearing = Hearing.objects.filter(pk=hearing_id).first()
        if hearing is None:
            return False
        case = Case.objects.select_for_update().get(pk=hearing.case_id)
        now = timezone.now()
        if case.state == Case.State.CLOSED or hearing.starts_at <= now:
            return False
        return _add_needs(case, _needs_for(hearing.starts_at, now), actor=None)

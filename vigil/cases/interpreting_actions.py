"""Every change to interpreters and interpretation requests (docs/cases.md, "Interpreters"): each in a
transaction with its audit event (codes and counts, never a name), background work queued on commit.

A request: requested → assigned → confirmed → completed, or cancelled, or unfilled when nobody was assigned
by its start. Assigning re-checks every hard rule of the matcher under a lock of the interpreter's row, so
two caseworkers assigning one interpreter to overlapping times are served one after the other and the
second is refused.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.cases.actions import CaseActionRefused
from vigil.cases.consents import sharing_withdrawn
from vigil.cases.language_names import display_name
from vigil.cases.matching import interpreters as matcher
from vigil.cases.matching import languages
from vigil.cases.models import (
    AvailabilityWindow,
    Case,
    Consent,
    InterpretationRequest,
    Interpreter,
    InterpretingMode,
)

# A request may start a little in the past (typed during the call it is for), never longer ago.
PAST_SLACK = timedelta(minutes=15)
MAX_REQUEST_LENGTH = timedelta(hours=12)
MAX_WINDOW_LENGTH = timedelta(days=14)
MAX_MINUTES = 24 * 60
NAME_LIMIT = 120

State = InterpretationRequest.State


def _refusal_messages() -> dict[str, str]:
    return {
        "active": _("This interpreter is not active."),
        "language": _("This interpreter does not interpret that language."),
        "mode": _("This interpreter does not work in that mode."),
        "borough": _("This interpreter does not go to that borough in person."),
        "availability": _("This interpreter is not available for the whole time."),
        "booked": _("This interpreter is already booked at that time."),
    }


def ask_which_message(tag: str) -> str:
    """What to ask when a tag does not say which language is spoken (`zh`: Mandarin, Cantonese, …)."""
    reader = translation_language()
    choices = ", ".join(f"{display_name(code, reader)} ({code})" for code in languages.asks_which(tag))
    return _("“%(tag)s” does not say which language the family speaks. Which one: %(choices)s?") % {
        "tag": tag,
        "choices": choices,
    }


def translation_language() -> str:
    from django.utils.translation import get_language

    return get_language() or "en"


def clean_language(tag: str) -> str:
    """A normalized tag of one spoken language; refused when it is not a tag or asks which."""
    try:
        normalized = languages.normalize(tag or "")
    except languages.LanguageTagError:
        raise CaseActionRefused("language", _("Enter a language code such as es, yue, cmn, mam or quc.")) from None
    if languages.asks_which(normalized):
        raise CaseActionRefused("language_ask_which", ask_which_message(normalized))
    return normalized


def _clean_modes(modes) -> list[str]:
    chosen = [mode for mode in InterpretingMode.values if mode in set(modes or ())]
    if not chosen:
        raise CaseActionRefused("modes", _("Choose at least one mode: phone, video or in person."))
    return chosen


def known_boroughs() -> set[str]:
    from vigil.geo.areas import neighborhoods_by_borough

    return {code for code, _name, _ntas in neighborhoods_by_borough()}


def _refuse_naive(*moments) -> None:
    if any(moment is None or timezone.is_naive(moment) for moment in moments):
        raise CaseActionRefused("time", _("Enter a start and an end."))


# --- The roster ------------------------------------------------------------------------------------


def add_interpreter(
    *, organization, actor, display_name: str, languages=(), modes=(), boroughs=(), is_fictional: bool = False
) -> Interpreter:
    """An interpreter on the organization's roster: a display name, individual languages, modes, boroughs."""
    name = (display_name or "").strip()
    if not name or len(name) > NAME_LIMIT:
        raise CaseActionRefused("name", _("Enter the interpreter's name as the team knows them."))
    tags = list(dict.fromkeys(clean_language(tag) for tag in languages if (tag or "").strip()))
    if not tags:
        raise CaseActionRefused("language", _("Enter at least one language."))
    chosen_modes = _clean_modes(modes)
    if set(boroughs or ()) - known_boroughs():
        raise CaseActionRefused("borough", _("Choose boroughs from the list."))
    with transaction.atomic():
        interpreter = Interpreter.objects.create(
            organization=organization,
            display_name=name,
            languages=tags,
            modes=chosen_modes,
            boroughs=sorted(set(boroughs or ())),
            is_fictional=is_fictional,
        )
        audit.record("interpreter.added", actor=actor, obj=interpreter, organization=organization, count=len(tags))
    return interpreter


def set_interpreter_active(interpreter: Interpreter, active: bool, *, actor) -> Interpreter:
    with transaction.atomic():
        Interpreter.objects.filter(pk=interpreter.pk).update(is_active=bool(active))
        interpreter.is_active = bool(active)
        audit.record("interpreter.active_set", actor=actor, obj=interpreter, to_state=str(bool(active)).lower())
    return interpreter


def add_availability(interpreter: Interpreter, *, starts_at, ends_at, modes=(), actor) -> AvailabilityWindow:
    """A time the interpreter said they are available; its modes among the interpreter's own."""
    _refuse_naive(starts_at, ends_at)
    if ends_at <= starts_at or ends_at - starts_at > MAX_WINDOW_LENGTH:
        raise CaseActionRefused("window", _("The end must come after the start, at most 14 days later."))
    if ends_at <= timezone.now():
        raise CaseActionRefused("window_past", _("The window has already ended."))
    chosen = [mode for mode in _clean_modes(modes) if mode in interpreter.modes]
    if not chosen:
        raise CaseActionRefused("modes", _("Choose modes this interpreter works in."))
    with transaction.atomic():
        window = AvailabilityWindow.objects.create(
            interpreter=interpreter, starts_at=starts_at, ends_at=ends_at, modes=chosen
        )
        audit.record("interpreter.window_added", actor=actor, obj=interpreter, count=len(chosen))
    return window


def remove_availability(window: AvailabilityWindow, *, actor) -> None:
    with transaction.atomic():
        interpreter = window.interpreter
        window.delete()
        audit.record("interpreter.window_removed", actor=actor, obj=interpreter)


# --- Matching --------------------------------------------------------------------------------------


def month_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


def minutes_in_month(interpreter_ids, moment: datetime) -> dict:
    """Minutes worked (completed requests) per interpreter in the calendar month of `moment`, in the
    deployment's time zone."""
    start = month_start(moment)
    rows = (
        InterpretationRequest.objects.filter(
            interpreter_id__in=interpreter_ids,
            state=State.COMPLETED,
            starts_at__gte=start,
            starts_at__lt=next_month(start),
        )
        .values("interpreter_id")
        .annotate(minutes=Sum("minutes_worked"))
    )
    return {row["interpreter_id"]: row["minutes"] or 0 for row in rows}


def _as_candidates(interpreters, request: InterpretationRequest, minutes: dict) -> list[matcher.Interpreter]:
    """The interpreters as the matcher reads them: two queries for the whole roster, the windows that
    cover the wanted time and the bookings that overlap it (this request's own left out)."""
    ids = [i.pk for i in interpreters]
    windows, bookings = defaultdict(list), defaultdict(list)
    for window in AvailabilityWindow.objects.filter(
        interpreter_id__in=ids, starts_at__lte=request.starts_at, ends_at__gte=request.ends_at
    ):
        windows[window.interpreter_id].append(matcher.Window(window.starts_at, window.ends_at, frozenset(window.modes)))
    booked = (
        InterpretationRequest.objects.filter(
            interpreter_id__in=ids,
            state__in=InterpretationRequest.BOOKED_STATES,
            starts_at__lt=request.ends_at,
            ends_at__gt=request.starts_at,
        )
        .exclude(pk=request.pk)
        .values_list("interpreter_id", "starts_at", "ends_at")
    )
    for interpreter_id, start, end in booked:
        bookings[interpreter_id].append(matcher.Booking(start, end))
    return [
        matcher.Interpreter(
            id=str(i.pk),
            name=i.display_name,
            languages=frozenset(i.languages),
            modes=frozenset(i.modes),
            boroughs=frozenset(i.boroughs),
            windows=tuple(windows[i.pk]),
            bookings=tuple(bookings[i.pk]),
            minutes_this_month=minutes.get(i.pk, 0),
            active=i.is_active,
        )
        for i in interpreters
    ]


def _as_request(request: InterpretationRequest) -> matcher.Request:
    return matcher.Request(
        language=request.language,
        mode=request.mode,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        borough=request.borough,
    )


def propose_interpreters(request: InterpretationRequest) -> tuple[list[Interpreter], dict]:
    """The organization's interpreters who may take the request, fewest minutes this month first, and the
    reason code of each one left out."""
    roster = {str(i.pk): i for i in Interpreter.objects.filter(organization_id=request.organization_id)}
    minutes = minutes_in_month([i.pk for i in roster.values()], request.starts_at)
    ranking = matcher.rank_interpreters(_as_request(request), _as_candidates(list(roster.values()), request, minutes))
    for candidate, interpreter in ((c, roster[c.id]) for c in ranking.proposed):
        interpreter.minutes_this_month = candidate.minutes_this_month
    return [roster[c.id] for c in ranking.proposed], ranking.left_out


# --- Requests --------------------------------------------------------------------------------------


def request_interpretation(
    *, actor, language: str, mode: str, starts_at, ends_at, borough: str = "", case=None, incident=None
) -> InterpretationRequest:
    """An interpreter wanted for a case or an incident.

    Steps:
    1. Exactly one of a case (open, of the actor's organization) or an incident (of the actor's
       organization or from public intake).
    2. The language as a normalized tag of one spoken language: `zh` asks which.
    3. The mode; in person, the borough; a start not long past and an end after it, at most 12 hours.
    4. Create it, audit, and queue the check that marks it unfilled if nobody is assigned by its start.
    """
    from vigil.work.actions import enqueue

    if (case is None) == (incident is None):
        raise CaseActionRefused("source", _("An interpretation is requested for a case or an incident."))
    if case is not None and (case.organization_id != actor.organization_id or not case.is_open):
        raise CaseActionRefused("case", _("Interpreters are requested for your organization's open cases."))
    if case is not None:
        _refuse_if_interpreter_consent_withdrawn(case)
    if incident is not None and incident.organization_id not in (None, actor.organization_id):
        raise CaseActionRefused("incident", _("Interpreters are requested for your organization's incidents."))
    tag = clean_language(language)
    if mode not in InterpretingMode.values:
        raise CaseActionRefused("mode", _("Choose the mode: phone, video or in person."))
    borough = (borough or "").strip() if mode == InterpretingMode.IN_PERSON else ""
    if mode == InterpretingMode.IN_PERSON and borough not in known_boroughs():
        raise CaseActionRefused("borough", _("In person: choose the borough."))
    _refuse_naive(starts_at, ends_at)
    if ends_at <= starts_at or ends_at - starts_at > MAX_REQUEST_LENGTH:
        raise CaseActionRefused("time", _("The end must come after the start, at most 12 hours later."))
    if starts_at < timezone.now() - PAST_SLACK:
        raise CaseActionRefused("time_past", _("The start has already passed."))
    with transaction.atomic():
        request = InterpretationRequest.objects.create(
            organization_id=actor.organization_id,
            case=case,
            incident=incident,
            language=tag,
            mode=mode,
            borough=borough,
            starts_at=starts_at,
            ends_at=ends_at,
            requested_by=actor,
        )
        audit.record("interpretation.requested", actor=actor, obj=request, language=tag, kind=mode)
        delay = max(0.0, (starts_at - timezone.now()).total_seconds()) + 1
        enqueue("vigil.cases.jobs.mark_interpretation_unfilled", str(request.pk), delay_seconds=delay)
    return request


def _lock(request: InterpretationRequest) -> InterpretationRequest:
    return InterpretationRequest.objects.select_for_update().get(pk=request.pk)


def _refuse_unless_coalition(actor, request: InterpretationRequest) -> None:
    if actor.role != Role.CASEWORKER or actor.organization_id != request.organization_id:
        raise CaseActionRefused("not_yours", _("Only your organization's caseworkers change this request."))


def _refuse_if_interpreter_consent_withdrawn(case: Case) -> None:
    """An interpreter learns what the case holds: not once the family withdrew that consent and no one's is
    left in force (a case with no consent recorded, opened on a call, is the caseworker's to judge)."""
    if sharing_withdrawn(case, Consent.Scope.SHARE_INTERPRETER):
        raise CaseActionRefused("consent_withdrawn", _("The family withdrew consent to share with an interpreter."))


def assign_interpreter(request: InterpretationRequest, interpreter: Interpreter, *, actor) -> InterpretationRequest:
    """Assign an interpreter (or another one, before confirmation).

    Steps:
    1. Lock the interpreter's row, then the request's: two caseworkers assigning one interpreter are
       served one after the other, and the second sees the first's booking.
    2. Refuse unless the request is still requested or assigned and the interpreter is on the same roster.
    3. Re-check every hard rule of the matcher on fresh rows (language, mode, borough, a window covering
       the whole time, no overlapping booking).
    4. Record the assignment and audit.
    """
    _refuse_unless_coalition(actor, request)
    with transaction.atomic():
        locked = Interpreter.objects.select_for_update().get(pk=interpreter.pk)
        current = _lock(request)
        if current.state not in (State.REQUESTED, State.ASSIGNED):
            raise CaseActionRefused("request_state", _("An interpreter can no longer be assigned to this request."))
        if locked.organization_id != current.organization_id:
            raise CaseActionRefused("not_yours", _("This interpreter is not on your organization's roster."))
        if current.case_id is not None:
            _refuse_if_interpreter_consent_withdrawn(current.case)
        minutes = minutes_in_month([locked.pk], current.starts_at)
        reason = matcher.refusal(_as_request(current), _as_candidates([locked], current, minutes)[0])
        if reason == "language_ask_which":
            raise CaseActionRefused(reason, ask_which_message(current.language))
        if reason is not None:
            raise CaseActionRefused(reason, _refusal_messages()[reason])
        from_state = current.state
        now = timezone.now()
        InterpretationRequest.objects.filter(pk=current.pk).update(
            state=State.ASSIGNED, interpreter=locked, assigned_at=now, confirmed_at=None
        )
        current.state, current.interpreter, current.assigned_at = State.ASSIGNED, locked, now
        audit.record("interpretation.assigned", actor=actor, obj=current, from_state=from_state, to_state="assigned")
    return current


def confirm_interpretation(request: InterpretationRequest, *, actor) -> InterpretationRequest:
    """The interpreter said yes: the assignment is confirmed."""
    _refuse_unless_coalition(actor, request)
    with transaction.atomic():
        current = _lock(request)
        if current.state != State.ASSIGNED:
            raise CaseActionRefused("request_state", _("Only an assigned interpretation can be confirmed."))
        now = timezone.now()
        InterpretationRequest.objects.filter(pk=current.pk).update(state=State.CONFIRMED, confirmed_at=now)
        current.state, current.confirmed_at = State.CONFIRMED, now
        audit.record("interpretation.confirmed", actor=actor, obj=current, from_state="assigned", to_state="confirmed")
    return current


def complete_interpretation(request: InterpretationRequest, minutes, *, actor) -> InterpretationRequest:
    """It took place: the minutes actually worked count in the interpreter's hours."""
    _refuse_unless_coalition(actor, request)
    try:
        worked = int(minutes)
    except (TypeError, ValueError):
        worked = -1
    if not 0 <= worked <= MAX_MINUTES:
        raise CaseActionRefused("minutes", _("Enter the minutes worked, from 0 to 1440."))
    with transaction.atomic():
        current = _lock(request)
        if current.state != State.CONFIRMED:
            raise CaseActionRefused("request_state", _("Only a confirmed interpretation can be completed."))
        if current.starts_at > timezone.now():
            raise CaseActionRefused("not_started", _("An interpretation is completed after it has begun."))
        now = timezone.now()
        InterpretationRequest.objects.filter(pk=current.pk).update(
            state=State.COMPLETED, minutes_worked=worked, ended_at=now
        )
        current.state, current.minutes_worked, current.ended_at = State.COMPLETED, worked, now
        audit.record(
            "interpretation.completed",
            actor=actor,
            obj=current,
            from_state="confirmed",
            to_state="completed",
            count=worked,
            language=current.language,
        )
    return current


def cancel_interpretation(request: InterpretationRequest, *, actor) -> InterpretationRequest:
    """No longer needed: the interpreter's time is freed."""
    _refuse_unless_coalition(actor, request)
    with transaction.atomic():
        current = _lock(request)
        if current.state not in InterpretationRequest.OPEN_STATES:
            raise CaseActionRefused("request_state", _("This request is no longer open."))
        from_state = current.state
        InterpretationRequest.objects.filter(pk=current.pk).update(state=State.CANCELLED, ended_at=timezone.now())
        current.state = State.CANCELLED
        audit.record("interpretation.cancelled", actor=actor, obj=current, from_state=from_state, to_state="cancelled")
    return current


def mark_unfilled(request_id) -> bool:
    """A request still without an interpreter at its start is unfilled. Safe to run again."""
    with transaction.atomic():
        current = (
            InterpretationRequest.objects.select_for_update()
            .filter(pk=request_id, state=State.REQUESTED, starts_at__lte=timezone.now())
            .first()
        )
        if current is None:
            return False
        InterpretationRequest.objects.filter(pk=current.pk).update(state=State.UNFILLED, ended_at=timezone.now())
        audit.record(
            "interpretation.unfilled",
            obj=current,
            organization=current.organization,
            from_state="requested",
            to_state="unfilled",
            language=current.language,
        )
    return True


# --- Hours -----------------------------------------------------------------------------------------


def hours_report(organization, start: datetime, end: datetime) -> dict:
    """Minutes worked per interpreter and per language, completed requests starting in [start, end)."""
    done = InterpretationRequest.objects.filter(
        organization=organization, state=State.COMPLETED, starts_at__gte=start, starts_at__lt=end
    )
    by_interpreter = list(
        done.values("interpreter_id", "interpreter__display_name")
        .annotate(minutes=Sum("minutes_worked"), count=Count("id"))
        .order_by("interpreter__display_name", "interpreter_id")
    )
    by_language = list(
        done.values("language").annotate(minutes=Sum("minutes_worked"), count=Count("id")).order_by("language")
    )
    total = sum(row["minutes"] or 0 for row in by_language)
    return {"by_interpreter": by_interpreter, "by_language": by_language, "total_minutes": total}


def requests_of_case(case: Case):
    return InterpretationRequest.objects.filter(case=case).select_related("interpreter").order_by("-starts_at")

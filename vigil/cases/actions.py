"""Every change to cases, tasks, notes, providers and referrals: each in a transaction, with its audit event
(never the content), its timeline event where the case has one, and background work queued on commit."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.cases import reactions
from vigil.cases.anumber import normalize_a_number
from vigil.cases.consents import sharing_withdrawn
from vigil.cases.models import (
    A_NUMBER_PURPOSE,
    Case,
    CaseEvent,
    CaseNote,
    CaseTask,
    Provider,
    Referral,
    ServiceKind,
)
from vigil.cases.urgency import clean_needs, urgency_tier
from vigil.lib import crockford, crypto

# The first "locate" task of a new case is due this many hours after it opens.
LOCATE_TASK_HOURS = 4
# How long a provider has to answer a sent referral unless the caseworker says otherwise.
DEFAULT_RESPONSE_HOURS = 24
MAX_RESPONSE_HOURS = 24 * 14
CASE_CODE_LENGTH = 10
TEXT_LIMIT = 4000


class CaseActionRefused(Exception):
    """A change that is not possible; `message` says why, in words for the person who asked."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


# --- Capacity --------------------------------------------------------------------------------------


def capacity_left(provider: Provider) -> int:
    """Open slots minus accepted cases still open minus referrals sent and not yet answered."""
    accepted_open = (
        Referral.objects.filter(provider=provider, state=Referral.State.ACCEPTED)
        .exclude(case__state=Case.State.CLOSED)
        .count()
    )
    waiting = Referral.objects.filter(provider=provider, state=Referral.State.SENT).count()
    return provider.open_slots - accepted_open - waiting


def excluded_provider_ids(case: Case) -> set:
    """Providers that declined this case for a conflict: never proposed for it again."""
    return set(
        Referral.objects.filter(
            case=case, state=Referral.State.DECLINED, decline_reason=Referral.DeclineReason.CONFLICT
        ).values_list("provider_id", flat=True)
    )


# --- Cases -----------------------------------------------------------------------------------------


def _event(case: Case, kind: str, *, actor=None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor if _is_user(actor) else None, **fields)


def _is_user(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _touch(case: Case, **fields) -> None:
    before, fields["updated_at"] = case.state, timezone.now()
    Case.objects.filter(pk=case.pk).update(**fields)
    for name, value in fields.items():
        setattr(case, name, value)
    reactions.state_changed(case, before)  # the family's update, when what its status page says changed


def _a_number_indexes(digits: str) -> list[str]:
    return crypto.blind_index_candidates(digits, purpose=A_NUMBER_PURPOSE)


def find_open_case_by_a_number(organization, a_number: str) -> Case | None:
    digits = normalize_a_number(a_number)
    return (
        Case.objects.filter(organization=organization, a_number_index__in=_a_number_indexes(digits))
        .exclude(state=Case.State.CLOSED)
        .first()
    )


def open_case(
    *,
    organization,
    actor,
    person_name: str = "",
    person_aliases: str = "",
    person_birth_date: date | None = None,
    person_birth_country: str = "",
    a_number: str = "",
    language: str = "",
    borough: str = "",
    urgent_needs=(),
    services_needed=(),
    detention_status: str = "detained",
    income_band: str = "unknown",
    taken_at=None,
    taken_place: str = "",
    related_parties: str = "",
    incident_workplace: str = "",
    incident=None,
    intake_key=None,
) -> tuple[Case, bool]:
    """Open a case, or find the open one for the same A-number. Returns (case, created).

    Steps:
    1. Check what cannot be stored (an A-number in a wrong format, a date of birth in the future).
    2. The same intake form sent twice (its `intake_key`) returns the case it opened.
    3. With an A-number, look for the organization's open case under its blind index: if there is one,
       note on its timeline that another relative called and return it.
    4. Otherwise create the case (sealed fields, urgency tier from the urgent needs), its "opened" event
       and its first "locate" task, and audit. Two relatives at the same moment: the database's unique
       constraint refuses the second insert, which then returns the first case.
    """
    digits = normalize_a_number(a_number) if (a_number or "").strip() else ""
    if person_birth_date is not None and person_birth_date > timezone.localdate():
        raise CaseActionRefused("birth_date_future", _("The date of birth cannot be in the future."))
    if taken_at is not None and taken_at > timezone.now() + timedelta(minutes=5):
        raise CaseActionRefused("taken_at_future", _("The time the person was taken cannot be in the future."))
    needs = clean_needs(urgent_needs)
    services = [code for code in ServiceKind.values if code in set(services_needed or ())]
    try:
        with transaction.atomic():
            if intake_key is not None:
                again = Case.objects.filter(organization=organization, intake_key=intake_key).first()
                if again is not None:
                    return again, False
            if digits:
                existing = find_open_case_by_a_number(organization, digits)
                if existing is not None:
                    _event(existing, CaseEvent.Kind.SECOND_CALLER, actor=actor)
                    audit.record("case.second_caller", actor=actor, obj=existing)
                    return existing, False
            now = timezone.now()
            case = Case(
                organization=organization,
                code=crockford.random_code(CASE_CODE_LENGTH),
                intake_key=intake_key,
                urgent_needs=needs,
                urgency_tier=urgency_tier(needs),
                services_needed=services,
                detention_status=detention_status,
                income_band=income_band,
                borough=borough,
                language=language,
                person_name=(person_name or "").strip()[:500],
                person_aliases="\n".join(a.strip() for a in (person_aliases or "").splitlines() if a.strip()),
                person_birth_date=person_birth_date.isoformat() if person_birth_date else "",
                person_birth_country=(person_birth_country or "").strip()[:200],
                a_number=digits,
                a_number_index=crypto.blind_index(digits, purpose=A_NUMBER_PURPOSE) if digits else None,
                taken_at=taken_at,
                taken_place=(taken_place or "").strip()[:TEXT_LIMIT],
                related_parties=(related_parties or "").strip()[:TEXT_LIMIT],
                incident_workplace=(incident_workplace or "").strip()[:500],
                incident=incident,
                created_by=actor if _is_user(actor) else None,
                created_at=now,
                updated_at=now,
            )
            case.save(force_insert=True)
            _event(case, CaseEvent.Kind.OPENED, actor=actor, to_state=case.state)
            CaseTask.objects.create(
                case=case,
                organization=organization,
                kind=CaseTask.Kind.LOCATE,
                due_at=now + timedelta(hours=LOCATE_TASK_HOURS),
                created_by=actor if _is_user(actor) else None,
            )
            audit.record("case.opened", actor=actor, obj=case, organization=organization, count=len(needs))
            return case, True
    except IntegrityError:
        if intake_key is not None:
            again = Case.objects.filter(organization=organization, intake_key=intake_key).first()
            if again is not None:
                return again, False
        if not digits:
            raise
        existing = find_open_case_by_a_number(organization, digits)
        if existing is None:
            raise
        with transaction.atomic():
            _event(existing, CaseEvent.Kind.SECOND_CALLER, actor=actor)
            audit.record("case.second_caller", actor=actor, obj=existing)
        return existing, False


def record_view(case: Case, *, actor, what: str = "case") -> None:
    """Every view of a case is audited (the page, the packet)."""
    audit.record(f"{what}.viewed", actor=actor, obj=case)


def transition(case: Case, to_state: str, *, actor) -> Case:
    """A caseworker's (or, after acceptance, the provider's) move along the case's states."""
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if to_state not in Case.MANUAL_TRANSITIONS.get(current.state, set()):
            raise CaseActionRefused("transition", _("That change is not possible from the case's current state."))
        if to_state in ("represented", "handed_over") and actor.role not in (Role.PROVIDER_STAFF, Role.CASEWORKER):
            raise CaseActionRefused("transition", _("That change is not possible from the case's current state."))
        from_state = current.state
        _touch(current, state=to_state)
        _event(current, CaseEvent.Kind.STATE, actor=actor, from_state=from_state, to_state=to_state)
        audit.record("case.state_changed", actor=actor, obj=current, from_state=from_state, to_state=to_state)
    return current


def close_case(case: Case, reason: str, *, actor) -> Case:
    """Close with a reason; an open referral is withdrawn with it."""
    if reason not in Case.ClosingReason.values:
        raise CaseActionRefused("closing_reason", _("Choose why the case is closed."))
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.state == Case.State.CLOSED:
            raise CaseActionRefused("closed", _("The case is already closed."))
        for referral in Referral.objects.select_for_update().filter(case=current, state__in=Referral.OPEN_STATES):
            _end_referral(referral, Referral.State.WITHDRAWN, actor=actor)
        from_state = current.state
        _touch(current, state=Case.State.CLOSED, closing_reason=reason, closed_at=timezone.now())
        _event(
            current, CaseEvent.Kind.CLOSED, actor=actor, from_state=from_state, to_state="closed", reason_code=reason
        )
        audit.record("case.closed", actor=actor, obj=current, from_state=from_state, reason_code=reason)
    return current


def set_urgent_needs(case: Case, needs, *, actor) -> Case:
    cleaned = clean_needs(needs)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        _touch(current, urgent_needs=cleaned, urgency_tier=urgency_tier(cleaned))
        _event(current, CaseEvent.Kind.NEEDS, actor=actor)
        audit.record("case.needs_changed", actor=actor, obj=current, count=len(cleaned))
    return current


def link_incident(case: Case, incident, *, actor) -> Case:
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        _touch(current, incident=incident)
        _event(current, CaseEvent.Kind.INCIDENT_LINKED, actor=actor)
        audit.record("case.incident_linked", actor=actor, obj=current)
    return current


def record_event(case: Case, kind: str, *, actor, occurred_at=None, detail: str = "") -> CaseEvent:
    """A bond hearing and its result, a transfer, a hearing set: on the timeline, with a sealed detail."""
    if kind not in CaseEvent.RECORDED_KINDS:
        raise CaseActionRefused("event_kind", _("Choose what happened."))
    with transaction.atomic():
        event = _event(
            case, kind, actor=actor, occurred_at=occurred_at or timezone.now(), detail=(detail or "")[:TEXT_LIMIT]
        )
        audit.record("case.event_recorded", actor=actor, obj=case, kind=kind)
    return event


def add_note(case: Case, body: str, *, actor) -> CaseNote:
    body = (body or "").strip()
    if not body:
        raise CaseActionRefused("note_empty", _("Write the note first."))
    if len(body) > TEXT_LIMIT:
        raise CaseActionRefused("note_long", _("The note is too long."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, organization_id=actor.organization_id, author=actor, body=body)
        audit.record("case.note_added", actor=actor, obj=case)
    return note


def add_task(case: Case, kind: str, *, actor, due_at, owner=None, detail: str = "") -> CaseTask:
    if kind not in CaseTask.Kind.values:
        raise CaseActionRefused("task_kind", _("Choose what has to be done."))
    if due_at is None or due_at <= timezone.now():
        raise CaseActionRefused("deadline_past", _("The deadline must be in the future."))
    if owner is not None and owner.organization_id != actor.organization_id:
        raise CaseActionRefused("task_owner", _("The task's owner must be in your organization."))
    with transaction.atomic():
        task = CaseTask.objects.create(
            case=case,
            organization_id=actor.organization_id,
            kind=kind,
            due_at=due_at,
            owner=owner,
            detail=(detail or "").strip()[:TEXT_LIMIT],
            created_by=actor,
        )
        audit.record("case.task_added", actor=actor, obj=task, kind=kind)
    return task


def complete_task(task: CaseTask, *, actor) -> CaseTask:
    with transaction.atomic():
        updated = CaseTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now())
        if not updated:
            raise CaseActionRefused("task_done", _("The task is already done."))
        task.refresh_from_db()
        audit.record("case.task_done", actor=actor, obj=task, kind=task.kind)
        if task.kind == CaseTask.Kind.LOCATE:
            # Not located yet: the next locate task comes later (vigil/cases/locating_actions.py).
            reactions.locate_task_done(task)
    return task


# --- Referrals -------------------------------------------------------------------------------------


def _refuse_unless_eligible(case: Case, provider: Provider, service: str) -> None:
    """Hard constraints: the provider offers the service, the case fits the service's funding, the
    provider did not decline the case for a conflict."""
    offered = provider.services.filter(kind=service).first()
    if offered is None:
        raise CaseActionRefused("no_service", _("This provider does not offer that service."))
    if provider.pk in excluded_provider_ids(case):
        raise CaseActionRefused("conflict", _("This provider cannot take this case."))
    if offered.residence and case.borough not in offered.residence:
        raise CaseActionRefused("residence", _("The provider's funding does not cover the family's borough."))
    if offered.detention_statuses and case.detention_status not in offered.detention_statuses:
        raise CaseActionRefused("detention_status", _("The provider's funding does not cover this detention status."))
    if offered.income_band == "low" and case.income_band == "not_low":
        raise CaseActionRefused("income", _("The provider's funding covers low-income households only."))


def eligibility_refusal(case: Case, provider: Provider, service: str) -> str | None:
    """Why `provider` cannot take `case` for `service` (a code), or None: the hard constraints a matcher
    keeps, capacity left included."""
    try:
        _refuse_unless_eligible(case, provider, service)
    except CaseActionRefused as refused:
        return refused.code
    return "no_capacity" if capacity_left(provider) <= 0 else None


def propose_referral(case: Case, provider: Provider, service: str, *, actor) -> Referral:
    """A referral proposed by a caseworker (or, later, the matcher): checked, not yet sent."""
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.state not in Case.WAITING_STATES:
            raise CaseActionRefused("case_state", _("Only a case waiting for a provider can be referred."))
        _refuse_unless_eligible(current, provider, service)
        if capacity_left(provider) <= 0:
            raise CaseActionRefused("no_capacity", _("This provider has no capacity left."))
        if Referral.objects.filter(case=current, state__in=Referral.OPEN_STATES).exists():
            raise CaseActionRefused("open_referral", _("The case already has an open referral."))
        referral = Referral.objects.create(case=current, provider=provider, service=service, proposed_by=actor)
        _event(current, CaseEvent.Kind.REFERRAL_PROPOSED, actor=actor)
        audit.record("referral.proposed", actor=actor, obj=referral, kind=service)
    return referral


def _conflict_check(case: Case) -> dict:
    return {
        "person_name": case.person_name or "",
        "aliases": case.aliases_list,
        "related_parties": [line for line in (case.related_parties or "").splitlines() if line.strip()],
        "workplace": case.incident_workplace or "",
    }


def send_referral(referral: Referral, *, actor, response_hours: int = DEFAULT_RESPONSE_HOURS) -> Referral:
    """Send a proposed referral to its provider.

    Steps:
    1. Lock the provider's row, then the referral's and the case's: two caseworkers sending to one
       provider at once are served one after the other, so the second sees the first's referral.
    2. Refuse unless it is still proposed, the case still eligible and the provider has capacity left.
    3. Carry the conflict-check data (sealed); flag it for conflict review when another case from the
       same incident was already sent to this provider.
    4. Mark the referral sent with its response deadline, the case referred; timeline, audit; queue the
       expiry for the deadline.
    """
    from vigil.work.actions import enqueue

    try:
        hours = int(response_hours)
    except (TypeError, ValueError):
        hours = 0
    if not 1 <= hours <= MAX_RESPONSE_HOURS:
        raise CaseActionRefused("deadline", _("The response deadline must be between 1 hour and 14 days."))
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=referral.provider_id)
        current = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        case = Case.objects.select_for_update().get(pk=current.case_id)
        if current.state != Referral.State.PROPOSED:
            raise CaseActionRefused("referral_state", _("Only a proposed referral can be sent."))
        if sharing_withdrawn(case, "share_provider"):
            raise CaseActionRefused("consent_withdrawn", _("The family withdrew consent to share with a provider."))
        _refuse_unless_eligible(case, provider, current.service)
        if capacity_left(provider) <= 0:
            raise CaseActionRefused("no_capacity", _("This provider has no capacity left."))
        now = timezone.now()
        same_incident = (
            case.incident_id is not None
            and Referral.objects.filter(
                provider=provider, case__incident_id=case.incident_id, state__in=("sent", "accepted")
            )
            .exclude(case=case)
            .exists()
        )
        current.state = Referral.State.SENT
        current.sent_at = now
        current.response_due_at = now + timedelta(hours=hours)
        current.conflict_check = _conflict_check(case)
        current.conflict_review = same_incident
        current.save(update_fields=["state", "sent_at", "response_due_at", "conflict_check", "conflict_review"])
        from_state = case.state
        _touch(case, state=Case.State.REFERRED)
        _event(case, CaseEvent.Kind.REFERRAL_SENT, actor=actor, from_state=from_state, to_state="referred")
        audit.record("referral.sent", actor=actor, obj=current, kind=current.service)
        enqueue("vigil.cases.jobs.expire_referral", str(current.pk), delay_seconds=hours * 3600 + 1)
    return current


def _end_referral(referral: Referral, state: str, *, actor, reason: str = "") -> None:
    """Move an open referral to declined, expired or withdrawn; a sent one gives its case back to the
    queue. The conflict-check data goes with it (only the provider ever needed it)."""
    was_sent = referral.state == Referral.State.SENT
    Referral.objects.filter(pk=referral.pk).update(
        state=state,
        decline_reason=reason,
        answered_at=timezone.now(),
        answered_by=actor if _is_user(actor) else None,
        conflict_check=None,
    )
    referral.state = state
    kind = CaseEvent.Kind(f"referral_{state}")  # referral_declined, referral_expired, referral_withdrawn
    case = referral.case
    # "declined: conflict" tells nobody else why: the timeline keeps the decline, not its reason.
    reason_code = "" if reason == Referral.DeclineReason.CONFLICT else reason
    if was_sent and case.state == Case.State.REFERRED:
        _touch(case, state=Case.State.SCREENING)
        _event(case, kind, actor=actor, from_state="referred", to_state="screening", reason_code=reason_code)
    else:
        _event(case, kind, actor=actor, reason_code=reason_code)
    reactions.referral_ended(referral)  # after a decline or an expiry, the next-best provider is proposed


def withdraw_referral(referral: Referral, *, actor) -> Referral:
    with transaction.atomic():
        current = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        if current.state not in Referral.OPEN_STATES:
            raise CaseActionRefused("referral_state", _("This referral is no longer open."))
        Case.objects.select_for_update().get(pk=current.case_id)
        _end_referral(current, Referral.State.WITHDRAWN, actor=actor)
        audit.record("referral.withdrawn", actor=actor, obj=current)
    return current


def accept_referral(referral: Referral, *, actor) -> Referral:
    """The provider's staff accept: the case is theirs to represent; the coalition follows its state."""
    with transaction.atomic():
        current = Referral.objects.select_for_update().select_related("case", "provider").get(pk=referral.pk)
        if current.provider.organization_id != actor.organization_id:
            raise CaseActionRefused("not_yours", _("This referral is not addressed to your organization."))
        if current.state != Referral.State.SENT:
            raise CaseActionRefused("referral_state", _("This referral can no longer be answered."))
        if current.response_due_at <= timezone.now():
            raise CaseActionRefused("expired", _("The time to answer this referral has passed."))
        case = Case.objects.select_for_update().get(pk=current.case_id)
        now = timezone.now()
        Referral.objects.filter(pk=current.pk).update(state=Referral.State.ACCEPTED, answered_at=now, answered_by=actor)
        current.state = Referral.State.ACCEPTED
        from_state = case.state
        _touch(case, state=Case.State.ACCEPTED)
        _event(case, CaseEvent.Kind.REFERRAL_ACCEPTED, actor=actor, from_state=from_state, to_state="accepted")
        audit.record("referral.accepted", actor=actor, obj=current)
    return current


def decline_referral(referral: Referral, reason: str, *, actor) -> Referral:
    if reason not in Referral.DeclineReason.values:
        raise CaseActionRefused("decline_reason", _("Choose why you decline."))
    with transaction.atomic():
        current = Referral.objects.select_for_update().select_related("case", "provider").get(pk=referral.pk)
        if current.provider.organization_id != actor.organization_id:
            raise CaseActionRefused("not_yours", _("This referral is not addressed to your organization."))
        if current.state != Referral.State.SENT:
            raise CaseActionRefused("referral_state", _("This referral can no longer be answered."))
        Case.objects.select_for_update().get(pk=current.case_id)
        _end_referral(current, Referral.State.DECLINED, actor=actor, reason=reason)
        # The audit keeps the code for the coalition's own statistics; never the provider's explanation.
        audit.record("referral.declined", actor=actor, obj=current, reason_code=reason)
    return current


def expire_referral(referral_id) -> bool:
    """A sent referral past its deadline expires and its case returns to the queue. Safe to run again."""
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update()
            .select_related("case")
            .filter(pk=referral_id, state=Referral.State.SENT, response_due_at__lte=timezone.now())
            .first()
        )
        if current is None:
            return False
        Case.objects.select_for_update().get(pk=current.case_id)
        _end_referral(current, Referral.State.EXPIRED, actor=None)
        audit.record("referral.expired", obj=current)
    return True


def expire_overdue_referrals() -> int:
    """The daily sweep, in case a queued expiry was missed."""
    due = Referral.objects.filter(state=Referral.State.SENT, response_due_at__lte=timezone.now())
    return sum(expire_referral(pk) for pk in due.values_list("pk", flat=True))


def referral_packet(referral: Referral, *, actor, format: str = "json") -> dict:
    """What the provider takes into its own case system: one case, as JSON or PDF (audited with the format)."""
    case = referral.case
    with transaction.atomic():
        audit.record("referral.packet_downloaded", actor=actor, obj=referral, format=format)
    return {
        "format": "vigil-referral-packet",
        "version": 1,
        "referral": {
            "id": str(referral.pk),
            "service": referral.service,
            "state": referral.state,
            "sent_at": referral.sent_at.isoformat() if referral.sent_at else None,
            "response_due_at": referral.response_due_at.isoformat() if referral.response_due_at else None,
            "conflict_review": referral.conflict_review,
        },
        "case": {
            "code": case.code,
            "state": case.state,
            "urgency_tier": case.urgency_tier,
            "urgent_needs": case.urgent_needs,
            "services_needed": case.services_needed,
            "detention_status": case.detention_status,
            "language": case.language,
            "borough": case.borough,
            "taken_at": case.taken_at.isoformat() if case.taken_at else None,
            "taken_place": case.taken_place or "",
        },
        "person": {
            "name": case.person_name or "",
            "aliases": case.aliases_list,
            "birth_date": case.person_birth_date or None,
            "birth_country": case.person_birth_country or "",
            "a_number": case.a_number or None,
        },
        "conflict_check": referral.conflict_check,
    }


# --- Providers -------------------------------------------------------------------------------------


def set_provider_live_data(provider: Provider, *, open_slots: int, on_call=(), actor) -> Provider:
    """Capacity and who is on call, set by the provider's own staff."""
    if actor.role != Role.PROVIDER_STAFF or actor.organization_id != provider.organization_id:
        raise CaseActionRefused("not_yours", _("Only the provider's own staff set its capacity."))
    if open_slots is None or open_slots < 0 or open_slots > 10000:
        raise CaseActionRefused("open_slots", _("Enter a number of open slots from 0 to 10000."))
    members = [u for u in on_call if u.organization_id == provider.organization_id]
    with transaction.atomic():
        Provider.objects.select_for_update().filter(pk=provider.pk).update(open_slots=open_slots)
        provider.open_slots = open_slots
        provider.on_call.set(members)
        audit.record("provider.live_data_set", actor=actor, obj=provider, count=open_slots)
    return provider


def edit_provider(provider: Provider, *, actor, **fields) -> Provider:
    """A change of directory data made here: marks the row edited, so a reload of the directory file
    leaves it alone and lists it as a conflict."""
    allowed = {"name", "description", "intake_contact", "automatic_proposals", "languages", "boroughs"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not directory fields: {sorted(unknown)}")
    with transaction.atomic():
        Provider.objects.filter(pk=provider.pk).update(**fields, edited_at=timezone.now())
        provider.refresh_from_db()
        audit.record("provider.edited", actor=actor, obj=provider, fields=sorted(fields))
    return provider

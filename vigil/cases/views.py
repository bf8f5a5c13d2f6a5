"""Staff pages for cases, referrals and providers: parse, authorize, call an action, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import actions
from vigil.cases.access import (
    COALITION_ROLES,
    cases_for_user,
    get_case_for_user,
    get_packet_referral_for_user,
    get_referral_for_user,
    get_task_for_user,
    may_read_conflict_check,
    notes_for_user,
    provider_of,
    referrals_for_user,
    tasks_for_user,
)
from vigil.cases.anumber import display_a_number
from vigil.cases.forms import CaseIntakeForm, CloseForm, DeclineForm, EventForm, TaskForm
from vigil.cases.models import Case, Provider, Referral, ServiceKind
from vigil.cases.urgency import UrgentNeed

CASE_ROLES = (Role.CASEWORKER, Role.ADMIN, Role.PROVIDER_STAFF)
QUEUE_LIMIT = 200


def _refused(request, exc: actions.CaseActionRefused):
    messages.error(request, exc.message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def waiting_queue(user):
    """The caseworker's queue: cases waiting for the organization (new, screening, locating), by urgency
    tier (3 first), then age (oldest first); above them, the open tasks past their deadline, oldest first."""
    now = timezone.now()
    cases = list(
        cases_for_user(user).filter(state__in=Case.WAITING_STATES).order_by("-urgency_tier", "created_at")[:QUEUE_LIMIT]
    )
    overdue = list(
        tasks_for_user(user)
        .filter(done_at__isnull=True, due_at__lt=now, case__state__in=Case.OPEN_STATES)
        .select_related("case", "owner")
        .order_by("due_at")[:QUEUE_LIMIT]
    )
    late_case_ids = {task.case_id for task in overdue}
    for case in cases:
        case.has_overdue_task = case.pk in late_case_ids
    return overdue, cases


def _attempt(request, change, case_id):
    """Run one action for the case page and go back to it; a refusal shows as a message there."""
    try:
        change()
    except actions.CaseActionRefused as exc:
        _refused(request, exc)
    return redirect("case_detail", case_id=case_id)


@staff_view(*COALITION_ROLES)
def queue(request):
    overdue, cases = waiting_queue(request.user)
    followed = (
        cases_for_user(request.user)
        .filter(state__in=("referred", "accepted", "represented", "handed_over"))
        .order_by("-urgency_tier", "created_at")[:QUEUE_LIMIT]
    )
    return render(request, "cases/queue.html", {"overdue": overdue, "cases": cases, "followed": followed})


@staff_view(Role.CASEWORKER)
def case_new(request):
    form = CaseIntakeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                case, created = actions.open_case(
                    organization=request.user.organization, actor=request.user, **form.cleaned_data
                )
            except actions.CaseActionRefused as exc:
                _refused(request, exc)
            else:
                if not created:
                    messages.info(request, _("This person already has an open case; the call was added to it."))
                return redirect("case_detail", case_id=case.pk)
        else:
            _form_errors(request, form)
    return render(request, "cases/new.html", {"form": form}, status=400 if form.errors else 200)


def _coalition_referral_view(referral: Referral) -> dict:
    """A referral as the coalition sees it: "declined: conflict" shows as declined, without its reason."""
    reason = "" if referral.decline_reason == Referral.DeclineReason.CONFLICT else referral.get_decline_reason_display()
    return {"referral": referral, "reason": reason}


@staff_view(*CASE_ROLES)
def case_detail(request, case_id):
    case = get_case_for_user(request, case_id)
    user = request.user
    actions.record_view(case, actor=user)
    is_provider = user.role == Role.PROVIDER_STAFF
    referrals = referrals_for_user(user).filter(case=case).select_related("provider")
    rows = []
    for referral in referrals:
        row = _coalition_referral_view(referral)
        if may_read_conflict_check(user, referral):
            row["reason"] = referral.get_decline_reason_display()
            row["conflict_check"] = referral.conflict_check
        rows.append(row)
    excluded = actions.excluded_provider_ids(case)
    refer_choices = []
    if not is_provider and case.state in Case.WAITING_STATES:
        for provider in Provider.objects.prefetch_related("services").exclude(pk__in=excluded):
            offered = [s.kind for s in provider.services.all()]
            refer_choices.append(
                {"provider": provider, "services": offered, "capacity_left": actions.capacity_left(provider)}
            )
    labels = dict(UrgentNeed.choices)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "is_provider": is_provider,
            "a_number": display_a_number(case.a_number) if case.a_number else "",
            "needs": [labels.get(code, code) for code in case.urgent_needs],
            "need_choices": UrgentNeed.choices,
            "service_labels": dict(ServiceKind.choices),
            "service_choices": ServiceKind.choices,
            "tasks": case.tasks.select_related("owner").order_by("done_at", "due_at"),
            "notes": notes_for_user(user, case).select_related("author"),
            "events": case.events.select_related("actor"),
            "referrals": rows,
            "refer_choices": refer_choices,
            "interpretations": [] if is_provider else case.interpretation_requests.order_by("-starts_at"),
            "next_states": sorted(Case.MANUAL_TRANSITIONS.get(case.state, ())),
            "state_labels": dict(Case.State.choices),
            "task_form": TaskForm(),
            "event_form": EventForm(),
            "close_form": CloseForm(),
            "decline_form": DeclineForm(),
            "now": timezone.now(),
        },
    )


@staff_view(*CASE_ROLES)
@require_POST
def case_state(request, case_id):
    case = get_case_for_user(request, case_id)
    to_state = request.POST.get("to_state", "")
    if request.user.role == Role.PROVIDER_STAFF and to_state not in ("represented", "handed_over"):
        messages.error(request, _("That change is not possible from the case's current state."))
        return redirect("case_detail", case_id=case.pk)
    return _attempt(request, lambda: actions.transition(case, to_state, actor=request.user), case.pk)


@staff_view(Role.CASEWORKER)
@require_POST
def case_close(request, case_id):
    case = get_case_for_user(request, case_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("case_detail", case_id=case.pk)
    return _attempt(request, lambda: actions.close_case(case, form.cleaned_data["reason"], actor=request.user), case.pk)


@staff_view(Role.CASEWORKER)
@require_POST
def case_needs(request, case_id):
    case = get_case_for_user(request, case_id)
    actions.set_urgent_needs(case, request.POST.getlist("urgent_needs"), actor=request.user)
    return redirect("case_detail", case_id=case.pk)


@staff_view(*CASE_ROLES)
@require_POST
def case_note(request, case_id):
    case = get_case_for_user(request, case_id)
    return _attempt(request, lambda: actions.add_note(case, request.POST.get("body", ""), actor=request.user), case.pk)


@staff_view(*CASE_ROLES)
@require_POST
def case_task(request, case_id):
    case = get_case_for_user(request, case_id)
    form = TaskForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("case_detail", case_id=case.pk)
    return _attempt(
        request, lambda: actions.add_task(case, actor=request.user, owner=request.user, **form.cleaned_data), case.pk
    )


@staff_view(*CASE_ROLES)
@require_POST
def task_done(request, task_id):
    task = get_task_for_user(request, task_id)
    return _attempt(request, lambda: actions.complete_task(task, actor=request.user), task.case_id)


@staff_view(*CASE_ROLES)
@require_POST
def case_event(request, case_id):
    case = get_case_for_user(request, case_id)
    form = EventForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("case_detail", case_id=case.pk)
    return _attempt(request, lambda: actions.record_event(case, actor=request.user, **form.cleaned_data), case.pk)


@staff_view(Role.CASEWORKER)
@require_POST
def case_refer(request, case_id):
    case = get_case_for_user(request, case_id)
    provider = Provider.objects.filter(pk=_uuid_or_none(request.POST.get("provider"))).first()
    service = request.POST.get("service", "")
    if provider is None or service not in ServiceKind.values:
        messages.error(request, _("Choose a provider and a service."))
        return redirect("case_detail", case_id=case.pk)
    return _attempt(request, lambda: actions.propose_referral(case, provider, service, actor=request.user), case.pk)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@staff_view(Role.CASEWORKER)
@require_POST
def referral_send(request, referral_id):
    referral = get_referral_for_user(request, referral_id)
    try:
        actions.send_referral(
            referral,
            actor=request.user,
            response_hours=request.POST.get("response_hours", actions.DEFAULT_RESPONSE_HOURS),
        )
    except actions.CaseActionRefused as exc:
        _refused(request, exc)
    return redirect("case_detail", case_id=referral.case_id)


@staff_view(Role.CASEWORKER)
@require_POST
def referral_withdraw(request, referral_id):
    referral = get_referral_for_user(request, referral_id)
    return _attempt(request, lambda: actions.withdraw_referral(referral, actor=request.user), referral.case_id)


@staff_view(Role.PROVIDER_STAFF)
@require_POST
def referral_answer(request, referral_id):
    referral = get_referral_for_user(request, referral_id)
    try:
        if request.POST.get("answer") == "accept":
            actions.accept_referral(referral, actor=request.user)
            return redirect("case_detail", case_id=referral.case_id)
        form = DeclineForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("case_detail", case_id=referral.case_id)
        actions.decline_referral(referral, form.cleaned_data["reason"], actor=request.user)
    except actions.CaseActionRefused as exc:
        _refused(request, exc)
        return redirect("case_detail", case_id=referral.case_id)
    # Declined: the case is no longer the provider's to see.
    messages.success(request, _("Declined."))
    return redirect("provider_referrals")


@staff_view(Role.PROVIDER_STAFF)
def referral_packet(request, referral_id):
    referral = get_packet_referral_for_user(request, referral_id)
    packet = actions.referral_packet(referral, actor=request.user)
    response = HttpResponse(
        json.dumps(packet, ensure_ascii=False, indent=2, sort_keys=True), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.case.code}.json"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view(Role.PROVIDER_STAFF)
def provider_referrals(request):
    provider = provider_of(request.user)
    referrals = referrals_for_user(request.user).select_related("case").order_by("state", "-sent_at")
    return render(request, "cases/provider_referrals.html", {"provider": provider, "referrals": referrals})


@staff_view(Role.PROVIDER_STAFF)
def provider_live(request):
    """The provider's live data: open slots and who is on call."""
    from vigil.accounts.models import User

    provider = provider_of(request.user)
    if provider is None:
        return render(request, "cases/provider_live.html", {"provider": None}, status=404)
    staff = User.objects.filter(organization_id=provider.organization_id, is_active=True, role=Role.PROVIDER_STAFF)
    if request.method == "POST":
        try:
            slots = int(request.POST.get("open_slots", ""))
        except ValueError:
            slots = None
        chosen = set(request.POST.getlist("on_call"))
        try:
            actions.set_provider_live_data(
                provider, open_slots=slots, on_call=[u for u in staff if str(u.pk) in chosen], actor=request.user
            )
        except actions.CaseActionRefused as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Saved."))
        return redirect("provider_live")
    return render(
        request,
        "cases/provider_live.html",
        {
            "provider": provider,
            "staff": staff,
            "on_call": set(provider.on_call.values_list("pk", flat=True)),
            "capacity_left": actions.capacity_left(provider),
        },
    )


@staff_view(*COALITION_ROLES)
def provider_directory(request):
    providers = list(Provider.objects.prefetch_related("services", "courts"))
    labels = dict(ServiceKind.choices)
    for provider in providers:
        provider.capacity = actions.capacity_left(provider)
        provider.service_names = [labels.get(s.kind, s.kind) for s in provider.services.all()]
    return render(request, "cases/directory.html", {"providers": providers})

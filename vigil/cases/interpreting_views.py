"""Staff pages for interpreters: the roster, an interpreter's availability, requesting an interpreter for
a case or an incident, the proposed interpreters, confirming and completing, and the hours.

Coalition caseworkers and admins of the organization see them; a provider's staff and other organizations
get a 404 (vigil/cases/access.py). Changes are the caseworkers'; admins read.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import interpreting_actions as actions
from vigil.cases.access import (
    coalition_organization_id,
    get_case_for_user,
    get_incident_for_interpretation,
    get_interpretation_for_user,
    get_interpreter_for_user,
    interpreters_for_user,
)
from vigil.cases.actions import CaseActionRefused
from vigil.cases.interpreting_forms import CompleteForm, InterpretationForm, InterpreterForm, WindowForm
from vigil.cases.language_names import display_name
from vigil.cases.models import InterpretationRequest, InterpretingMode

# Provider staff pass the role check so that the lookups answer them with a 404, as for a case not theirs.
INTERPRETING_ROLES = (Role.CASEWORKER, Role.ADMIN, Role.PROVIDER_STAFF)
ROSTER_LIMIT = 500


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _named(tags) -> list[dict]:
    reader = get_language() or "en"
    return [{"tag": tag, "name": display_name(tag, reader)} for tag in tags]


def _labelled(interpreter) -> None:
    """Modes and boroughs named for the reader, not by their codes."""
    from vigil.incidents.labels import borough_choices

    modes, boroughs = dict(InterpretingMode.choices), dict(borough_choices())
    interpreter.mode_names = [str(modes.get(code, code)) for code in interpreter.modes]
    interpreter.borough_names = [boroughs.get(code, code) for code in interpreter.boroughs]


def _is_caseworker(request) -> bool:
    return request.user.role == Role.CASEWORKER


@staff_view(*INTERPRETING_ROLES)
def interpreter_directory(request):
    """The organization's interpreters; caseworkers and admins add one here."""
    org_id = coalition_organization_id(request)
    form = InterpreterForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                interpreter = actions.add_interpreter(
                    organization=request.user.organization, actor=request.user, **form.cleaned_data
                )
            except CaseActionRefused as exc:
                messages.error(request, exc.message)
            else:
                return redirect("interpreter_detail", interpreter_id=interpreter.pk)
        else:
            _form_errors(request, form)
    interpreters = list(interpreters_for_user(request.user)[:ROSTER_LIMIT])
    minutes = actions.minutes_in_month([i.pk for i in interpreters], timezone.now())
    for interpreter in interpreters:
        interpreter.named_languages = _named(interpreter.languages)
        interpreter.hours_this_month = _hours(minutes.get(interpreter.pk, 0))
        _labelled(interpreter)
    return render(
        request,
        "cases/interpreters.html",
        {"interpreters": interpreters, "form": form, "org_id": org_id},
        status=400 if form.errors else 200,
    )


@staff_view(*INTERPRETING_ROLES)
def interpreter_detail(request, interpreter_id):
    """One interpreter: their availability windows (added and removed here) and their bookings."""
    interpreter = get_interpreter_for_user(request, interpreter_id)
    form = WindowForm(request.POST or None, initial={"modes": interpreter.modes})
    if request.method == "POST":
        try:
            _change_interpreter(request, interpreter, form)
        except CaseActionRefused as exc:
            messages.error(request, exc.message)
        return redirect("interpreter_detail", interpreter_id=interpreter.pk)
    now = timezone.now()
    _labelled(interpreter)
    return render(
        request,
        "cases/interpreter.html",
        {
            "interpreter": interpreter,
            "languages": _named(interpreter.languages),
            "windows": interpreter.windows.filter(ends_at__gt=now),
            "bookings": interpreter.requests.filter(
                state__in=InterpretationRequest.BOOKED_STATES, ends_at__gt=now
            ).order_by("starts_at"),
            "form": form,
        },
    )


def _change_interpreter(request, interpreter, form) -> None:
    what = request.POST.get("do", "")
    if what == "add_window":
        if not form.is_valid():
            _form_errors(request, form)
            return
        actions.add_availability(interpreter, actor=request.user, **form.cleaned_data)
    elif what == "remove_window":
        window = interpreter.windows.filter(pk=_uuid_or_none(request.POST.get("window"))).first()
        if window is not None:
            actions.remove_availability(window, actor=request.user)
    elif what in ("activate", "deactivate"):
        actions.set_interpreter_active(interpreter, what == "activate", actor=request.user)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _request_form(request, *, case=None, incident=None):
    form = InterpretationForm(request.POST or None, initial={"language": case.language if case else ""})
    if request.method == "POST":
        if not _is_caseworker(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                created = actions.request_interpretation(
                    actor=request.user, case=case, incident=incident, **form.cleaned_data
                )
            except CaseActionRefused as exc:
                messages.error(request, exc.message)
            else:
                return redirect("interpretation_detail", interpretation_id=created.pk)
        else:
            _form_errors(request, form)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/interpretation_new.html", {"form": form, "case": case, "incident": incident}, status=status
    )


@staff_view(*INTERPRETING_ROLES)
def case_interpretation_new(request, case_id):
    coalition_organization_id(request)
    case = get_case_for_user(request, case_id)
    return _request_form(request, case=case)


@staff_view(*INTERPRETING_ROLES)
def incident_interpretation_new(request, incident_id):
    incident = get_incident_for_interpretation(request, incident_id)
    return _request_form(request, incident=incident)


@staff_view(*INTERPRETING_ROLES)
def interpretation_detail(request, interpretation_id):
    """A request, with the interpreters proposed for it while it can still be assigned."""
    interpretation = get_interpretation_for_user(request, interpretation_id)
    proposed, left_out = [], {}
    if interpretation.state in ("requested", "assigned"):
        proposed, left_out = actions.propose_interpreters(interpretation)
        for interpreter in proposed:
            interpreter.hours_this_month = _hours(interpreter.minutes_this_month)
    return render(
        request,
        "cases/interpretation.html",
        {
            "interpretation": interpretation,
            "language": _named([interpretation.language])[0],
            "proposed": proposed,
            "left_out": len(left_out),
            "complete_form": CompleteForm(),
            "may_change": _is_caseworker(request),
        },
    )


def _attempt(request, interpretation, change):
    try:
        change()
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
    return redirect("interpretation_detail", interpretation_id=interpretation.pk)


@staff_view(*INTERPRETING_ROLES)
@require_POST
def interpretation_assign(request, interpretation_id):
    interpretation = get_interpretation_for_user(request, interpretation_id)
    interpreter = interpreters_for_user(request.user).filter(pk=_uuid_or_none(request.POST.get("interpreter"))).first()
    if interpreter is None:
        messages.error(request, _("Choose an interpreter."))
        return redirect("interpretation_detail", interpretation_id=interpretation.pk)
    return _attempt(
        request, interpretation, lambda: actions.assign_interpreter(interpretation, interpreter, actor=request.user)
    )


@staff_view(*INTERPRETING_ROLES)
@require_POST
def interpretation_confirm(request, interpretation_id):
    interpretation = get_interpretation_for_user(request, interpretation_id)
    return _attempt(request, interpretation, lambda: actions.confirm_interpretation(interpretation, actor=request.user))


@staff_view(*INTERPRETING_ROLES)
@require_POST
def interpretation_complete(request, interpretation_id):
    interpretation = get_interpretation_for_user(request, interpretation_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("interpretation_detail", interpretation_id=interpretation.pk)
    minutes = form.cleaned_data["minutes"]
    return _attempt(
        request, interpretation, lambda: actions.complete_interpretation(interpretation, minutes, actor=request.user)
    )


@staff_view(*INTERPRETING_ROLES)
@require_POST
def interpretation_cancel(request, interpretation_id):
    interpretation = get_interpretation_for_user(request, interpretation_id)
    return _attempt(request, interpretation, lambda: actions.cancel_interpretation(interpretation, actor=request.user))


# --- Hours -----------------------------------------------------------------------------------------


def _hours(minutes) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


def _period(request) -> tuple[datetime, datetime, str]:
    """The calendar month asked for (`?month=2026-11`), the current one by default, in local time."""
    try:
        start = timezone.make_aware(datetime.strptime(request.GET.get("month", ""), "%Y-%m"))
    except ValueError:
        start = actions.month_start(timezone.now())
    return start, actions.next_month(start), start.strftime("%Y-%m")


def _report(request):
    start, end, month = _period(request)
    report = actions.hours_report(request.user.organization, start, end)
    reader = get_language() or "en"
    for row in report["by_interpreter"]:
        row["hours"] = _hours(row["minutes"])
    for row in report["by_language"]:
        row["hours"] = _hours(row["minutes"])
        row["name"] = display_name(row["language"], reader)
    report["total_hours"] = _hours(report["total_minutes"])
    return report, month


@staff_view(*INTERPRETING_ROLES)
def interpreter_hours(request):
    coalition_organization_id(request)
    report, month = _report(request)
    return render(request, "cases/interpreter_hours.html", {"report": report, "month": month})


@staff_view(*INTERPRETING_ROLES)
def interpreter_hours_csv(request):
    """The same report for a spreadsheet: plain numbers (minutes, and hours with a dot), one row per
    interpreter and per language."""
    coalition_organization_id(request)
    report, month = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="interpreter-hours-{month}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["kind", "key", "name", "interpretations", "minutes", "hours"])
    for row in report["by_interpreter"]:
        name = _cell(row["interpreter__display_name"])
        writer.writerow(["interpreter", row["interpreter_id"], name, row["count"], row["minutes"], row["hours"]])
    for row in report["by_language"]:
        writer.writerow(["language", row["language"], _cell(row["name"]), row["count"], row["minutes"], row["hours"]])
    return response


def _cell(text: str) -> str:
    """A name typed by staff never starts a formula when the file is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

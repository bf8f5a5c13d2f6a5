"""Staff pages for locating the person: the location history and hearings on the case page (through the
`case_locating` template tag), their forms, and the facilities directory. Parse, authorize, act, render."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time, get_timezone_name
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import locating_actions as actions
from vigil.cases.actions import CaseActionRefused
from vigil.cases.consents import AUTHORITIES, consent_in_force
from vigil.cases.locating import Facility
from vigil.cases.locating_access import (
    get_case_for_locating,
    hearings_for_user,
    locations_for_user,
    may_read_locating,
    may_record_locating,
)
from vigil.cases.locating_directory import links
from vigil.cases.locating_forms import HearingForm, LocationForm
from vigil.cases.models import Case
from vigil.templatetags.localeformat import babel_locale, in_locale_digits

CASE_ROLES = (Role.CASEWORKER, Role.ADMIN, Role.PROVIDER_STAFF)
LOCATOR_LINK = "detainee_locator"


def in_zone(moment, zone: str) -> str:
    """A moment as the reader's locale writes it, in the given time zone, with the zone's name:
    "Tue, Dec 8, 2026 9:00 AM (Eastern Time)"."""
    locale = babel_locale()
    tz = ZoneInfo(zone)
    day = format_skeleton("yMMMEd", moment, tzinfo=tz, locale=locale, fuzzy=True)
    clock = format_time(moment, "short", tzinfo=tz, locale=locale)
    name = get_timezone_name(tz, width="long", locale=locale)
    return in_locale_digits(f"{day} {clock} ({name})", locale)


def _back(case_id):
    return redirect(reverse("case_detail", kwargs={"case_id": case_id}) + "#locating")


def _errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def section_context(request, case: Case) -> dict:
    """What the case page's "Where the person is" section shows to this reader (nothing when they may not
    read it)."""
    user = request.user
    if not may_read_locating(user, case):
        return {"show": False}
    hearings = list(hearings_for_user(user, case).select_related("court"))
    for hearing in hearings:
        hearing.when = in_zone(hearing.starts_at, hearing.time_zone)
    current = actions.current_location(case)
    court = current.facility.court if current is not None and current.facility is not None else None
    can_record = may_record_locating(user, case) and case.is_open
    return {
        "show": True,
        "case": case,
        "locations": locations_for_user(user, case).select_related("facility", "facility__court", "checked_by"),
        "current": current,
        "located": actions.is_located(case),
        "hearings": hearings,
        "locator": links().get(LOCATOR_LINK),
        "can_record": can_record,
        # The provider that accepted the case acts on the person's own agreement, not the family's consent.
        "may_contact": user.role == Role.PROVIDER_STAFF or consent_in_force(case, AUTHORITIES),
        "location_form": LocationForm() if can_record else None,
        "hearing_form": HearingForm(initial={"court": court}) if can_record else None,
    }


@staff_view(Role.CASEWORKER, Role.PROVIDER_STAFF)
@require_POST
def case_location(request, case_id):
    case = get_case_for_locating(request, case_id, record=True)
    form = LocationForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(case.pk)
    data = form.cleaned_data
    try:
        record = actions.record_location(
            case,
            actor=request.user,
            source=data["source"],
            facility=data["facility"],
            place=data["place"],
            confirmed=data["confirmed"],
            checked_at=data["checked_at"],
        )
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
        return _back(case.pk)
    for name in record.withdrawn_referrals:
        messages.warning(
            request,
            _("The transfer withdrew the referral to %(provider)s: it cannot take the case at the new facility.")
            % {"provider": name},
        )
    return _back(case.pk)


@staff_view(Role.CASEWORKER, Role.PROVIDER_STAFF)
@require_POST
def case_hearing(request, case_id):
    case = get_case_for_locating(request, case_id, record=True)
    form = HearingForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(case.pk)
    try:
        actions.add_hearing(case, actor=request.user, **form.cleaned_data)
    except CaseActionRefused as exc:
        messages.error(request, exc.message)
    return _back(case.pk)


@staff_view(*CASE_ROLES)
def facility_directory(request):
    facilities = Facility.objects.select_related("court")
    return render(
        request, "cases/locating/facilities.html", {"facilities": facilities, "links": list(links().values())}
    )

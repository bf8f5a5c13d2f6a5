"""The case page's "Incident and detention record" section: a caseworker links the incident the person was
taken in (one of the incidents the organization's console shows, from the last 30 days) and then the
person's detention record in it. The case keeps its own copy of what it needs (vigil/cases/detention_actions.py)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import actions, detention_actions
from vigil.cases.access import get_case_for_user, get_incident_for_interpretation
from vigil.cases.models import Case
from vigil.incidents import detentions
from vigil.incidents.labels import area_label

LOOK_BACK = timedelta(days=30)


def _incidents_to_link(user):
    from vigil.incidents.models import Incident

    since = timezone.now() - LOOK_BACK
    visible = Q(organization__isnull=True) | Q(organization_id=user.organization_id)
    return Incident.objects.filter(visible, created_at__gte=since).order_by("-created_at")[:50]


def section_context(request, case: Case) -> dict:
    """What the section shows: the linked incident and the person's record, or the choices to link them."""
    user = request.user
    may_link = user.role == Role.CASEWORKER and case.is_open and case.organization_id == user.organization_id
    records = detention_actions.detention_records_for(case, actor=user) if may_link and case.incident_id else []
    incidents = list(_incidents_to_link(user)) if may_link and not case.incident_id else []
    return {
        "case": case,
        "may_link": may_link,
        "incident_choices": [
            (i.pk, f"{area_label(i.area)} · {timezone.localtime(i.created_at):%Y-%m-%d %H:%M}") for i in incidents
        ],
        "record_choices": [(r.pk, r.number) for r in records],
        "copy": _copy_shown(case.detention_copy),
    }


def _copy_shown(copy: dict) -> dict:
    """The case's copy of the record in words: the custody code as its label."""
    shown = dict(copy)
    if "custody" in shown:
        shown["custody"] = dict(detentions.FIELDS["custody"][1]).get(shown["custody"], shown["custody"])
    return shown


def _back(case_id):
    return redirect(reverse("case_detail", kwargs={"case_id": case_id}) + "#incident-link")


@staff_view(Role.CASEWORKER)
@require_POST
def case_link_incident(request, case_id):
    case = get_case_for_user(request, case_id)
    if case.organization_id != request.user.organization_id or not case.is_open:
        messages.error(request, _("Only the case's own organization links its incident, while it is open."))
        return _back(case.pk)
    incident = get_incident_for_interpretation(request, request.POST.get("incident", ""))
    actions.link_incident(case, incident, actor=request.user)
    return _back(case.pk)


@staff_view(Role.CASEWORKER)
@require_POST
def case_link_detention_record(request, case_id):
    case = get_case_for_user(request, case_id)
    if case.organization_id != request.user.organization_id:
        messages.error(request, _("Only the case's own organization links its incident, while it is open."))
        return _back(case.pk)
    try:
        detention_actions.link_detention_record(case, request.POST.get("record", ""), actor=request.user)
    except actions.CaseActionRefused as refusal:
        messages.error(request, refusal.message)
    return _back(case.pk)

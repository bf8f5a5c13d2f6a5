"""The detention records and rule facts of an incident: one page, forms that work without JavaScript
(htmx swaps the section when it is there). Thin views over detentions.py."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.incidents import detentions
from vigil.incidents.forms import DetentionForm, IncidentFactsForm
from vigil.incidents.models import DetentionRecord, Incident
from vigil.incidents.panels import extra_panels
from vigil.incidents.views import CONSOLE_ROLES, _uuid_or_404, incidents_for_user

READERS = (*CONSOLE_ROLES, *detentions.WRITERS)


def incidents_for_detentions(user):
    """Responders: the incidents they are dispatched to. Caseworkers and legal-provider staff, like
    dispatchers: public intake's and their organization's. Monitors and everyone else: none."""
    if user.role in (Role.CASEWORKER, Role.PROVIDER_STAFF):
        return Incident.objects.filter(Q(organization__isnull=True) | Q(organization=user.organization))
    return incidents_for_user(user)


def get_incident_for_detentions(request, incident_id) -> Incident:
    return get_object_or_404(incidents_for_detentions(request.user), pk=_uuid_or_404(incident_id))


def get_record_for_user(request, incident, record_id) -> DetentionRecord:
    return get_object_or_404(DetentionRecord, pk=_uuid_or_404(record_id), incident=incident)


def _page(request, incident, *, facts_form=None, new_form=None, status=200):
    records = detentions.read_records(incident, actor=request.user)
    for record in records:
        record.form = DetentionForm(initial=DetentionForm.initial_from(record.facts), prefix=f"r{record.number}")
    may_write = detentions.may_write(request.user)
    context = {
        "incident": incident,
        "records": records,
        "may_write": may_write,
        "facts_form": facts_form
        or IncidentFactsForm(initial={name: getattr(incident, name) for name in IncidentFactsForm.base_fields}),
        "new_form": new_form or DetentionForm(prefix="new"),
        "panels": extra_panels(request, incident),
        "partial": bool(request.htmx),
    }
    template = "incidents/_detentions.html" if request.htmx else "incidents/detentions.html"
    return render(request, template, context, status=status)


@staff_view(*READERS)
def detention_page(request, incident_id):
    incident = get_incident_for_detentions(request, incident_id)
    if request.method != "POST":
        return _page(request, incident)
    if not detentions.may_write(request.user):
        return _page(request, incident, status=403)
    form = IncidentFactsForm(request.POST)
    if not form.is_valid():
        return _page(request, incident, facts_form=form, status=400)
    detentions.record_incident_facts(incident, form.cleaned_data, actor=request.user)
    messages.success(request, _("Saved."))
    return _after_save(request, incident)


@staff_view(*detentions.WRITERS)
def detention_new(request, incident_id):
    incident = get_incident_for_detentions(request, incident_id)
    if request.method != "POST":
        return redirect("detention_page", incident_id=incident.pk)
    form = DetentionForm(request.POST, prefix="new")
    if not form.is_valid():
        return _page(request, incident, new_form=form, status=400)
    detentions.record_detention(incident, form.facts(), actor=request.user)
    messages.success(request, _("Saved."))
    return _after_save(request, incident)


@staff_view(*detentions.WRITERS)
def detention_edit(request, incident_id, record_id):
    incident = get_incident_for_detentions(request, incident_id)
    record = get_record_for_user(request, incident, record_id)
    if request.method != "POST":
        return redirect("detention_page", incident_id=incident.pk)
    form = DetentionForm(request.POST, prefix=f"r{record.number}")
    if not form.is_valid():
        return _page(request, incident, status=400)
    detentions.record_detention(incident, form.facts(), actor=request.user, record=record)
    messages.success(request, _("Saved."))
    return _after_save(request, incident)


def _after_save(request, incident):
    if request.htmx:
        return _page(request, incident)
    return redirect("detention_page", incident_id=incident.pk)

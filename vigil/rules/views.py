"""The monitors' view: findings filtered and counted, exported as CSV or JSON (each export audited).
Monitors see only the allow-list of vigil/rules/monitoring.py."""

from __future__ import annotations

import csv
import io
import json

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from vigil.accounts import audit
from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.incidents import models as incident_models
from vigil.incidents.labels import borough_choices
from vigil.rules import monitoring
from vigil.rules.current import current_pack
from vigil.rules.panels import LEVEL_TEXT

MONITOR_ROLES = (Role.MONITOR, Role.ADMIN)


def incidents_for_monitor(user):
    """Public intake's incidents and the monitor's organization's (like dispatchers'): deny the rest."""
    return incident_models.Incident.objects.filter(Q(organization__isnull=True) | Q(organization=user.organization))


@staff_view(*MONITOR_ROLES)
def monitor_findings(request):
    pack = current_pack()
    rules = {rule.id: rule for rule in pack.rules}
    agencies = dict(incident_models.AGENCIES)
    roles = dict(incident_models.POLICE_ROLES)
    filters = monitoring.Filters.from_query(request.GET, set(rules), set(agencies), set(roles))
    qs = monitoring.findings(incidents_for_monitor(request.user), filters)
    export = request.GET.get("export", "")
    if export in ("csv", "json"):
        return _export(request, qs, export)
    summary = monitoring.counts(qs)
    rows = monitoring.rows(qs, limit=200)
    for row in rows:
        row["level_text"] = LEVEL_TEXT.get(row["level"], row["level"])
        row["title"] = rules[row["rule"]].shown_title if row["rule"] in rules else row["rule"]
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "rules/monitor.html",
        {
            "filters": filters,
            "rules": [(rule.id, rule.shown_title) for rule in pack.rules],
            "levels": list(LEVEL_TEXT.items()),
            "level_text": LEVEL_TEXT,
            "boroughs": borough_choices(),
            "agencies": incident_models.AGENCIES,
            "police_roles": incident_models.POLICE_ROLES,
            "summary": summary,
            "rows": rows,
            "query": query.urlencode(),
        },
    )


def _export(request, qs, kind: str) -> HttpResponse:
    rows = monitoring.rows(qs)
    audit.record("rules.findings_exported", actor=request.user, format=kind, count=len(rows))
    if kind == "json":
        body = json.dumps(
            {"pack": current_pack().hash, "columns": list(monitoring.ALLOWED_COLUMNS), "findings": rows},
            ensure_ascii=False,
            indent=1,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(monitoring.ALLOWED_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="findings.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view(*MONITOR_ROLES)
def referral_letter(request, incident_id):
    """A print-ready letter to an oversight office about one incident: its summary, the derived categories
    of its detentions and its current findings with their citations (the allow-list only); audited."""
    from django.shortcuts import get_object_or_404

    from vigil.incidents.views import _uuid_or_404

    incident = get_object_or_404(incidents_for_monitor(request.user), pk=_uuid_or_404(incident_id))
    qs = monitoring.findings(incident_models.Incident.objects.filter(pk=incident.pk), monitoring.Filters())
    rows = monitoring.rows(qs)
    if not rows:
        from django.http import Http404

        raise Http404
    pack = current_pack()
    rules = {rule.id: rule for rule in pack.rules}
    for row in rows:
        row["level_text"] = LEVEL_TEXT.get(row["level"], row["level"])
        row["title"] = rules[row["rule"]].shown_title if row["rule"] in rules else row["rule"]
    audit.record("rules.letter_exported", actor=request.user, obj=incident, format="letter", count=len(rows))
    agencies = dict(incident_models.AGENCIES)
    return render(
        request,
        "rules/letter.html",
        {
            "summary": rows[0],
            "agencies": [agencies.get(code, code) for code in rows[0]["agencies"].split()],
            "police_role": dict(incident_models.POLICE_ROLES).get(rows[0]["local_police_role"], ""),
            "rows": rows,
            "pack": pack,
        },
    )

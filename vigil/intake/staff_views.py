"""Staff pages of intake: a dispatcher typing a report taken by phone.

Kept apart from the public views (views.py) and under the staff URL tree (staff_urls.py): nothing here is
reachable from the public tree.
"""

import secrets

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vigil.accounts.access import staff_view
from vigil.incidents.views import CONSOLE_ROLES
from vigil.intake import actions
from vigil.intake.validation import FORM_SALUTE_KEYS, InvalidReport, build_input

# The public form's fields, less the map point (the dispatcher's position is not the scene) and files (a
# call carries none), plus the caller's language.
PHONE_FIELDS = ("text", "place_text", "area", "occurred_at", "people_detained", "contact", "language")


def _phone_context(values=None, errors=None):
    from vigil.geo.areas import neighborhoods_by_borough

    return {
        "languages": settings.LANGUAGES,
        "values": values or {},
        "errors": errors or {},
        "boroughs": neighborhoods_by_borough(),
        "form_key": (values or {}).get("form_key") or secrets.token_urlsafe(16),
    }


@staff_view(*CONSOLE_ROLES)
@require_http_methods(["GET", "POST"])
def phone_report(request):
    """A report taken by phone, typed by the dispatcher, with the public form's questions."""
    if request.method == "GET":
        return render(request, "intake/phone_report.html", _phone_context())
    values = {name: request.POST.get(name, "") for name in (*PHONE_FIELDS, "form_key")}
    for key in FORM_SALUTE_KEYS:
        values[f"salute_{key}"] = request.POST.get(f"salute_{key}", "")
    if values["language"] not in dict(settings.LANGUAGES):
        values["language"] = ""
    raw = {name: values[name] for name in PHONE_FIELDS}
    raw["salute"] = {key: values[f"salute_{key}"] for key in FORM_SALUTE_KEYS}
    try:
        data = build_input(raw)
    except InvalidReport as exc:
        return render(request, "intake/phone_report.html", _phone_context(values, exc.errors), status=400)
    report = actions.enter_phone_report(
        data, entered_by=request.user, caller_language=values["language"], form_key=values["form_key"]
    )
    return redirect("incident_detail", incident_id=report.incident_id)


@staff_view(*CONSOLE_ROLES)
def phone_report_moved(request):
    """The form's first address, under the incidents pages; 308 keeps a form sent there a POST."""
    response = redirect("hotline_entry")
    response.status_code = 308
    return response

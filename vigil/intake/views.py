import secrets

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from vigil.accounts.access import public
from vigil.intake import actions
from vigil.intake.validation import InvalidReport, build_input

FORM_FIELDS = ("text", "place_text", "area", "occurred_at", "people_detained", "contact", "lat", "lon")


def _form_context(values=None, errors=None):
    from vigil.geo.areas import neighborhoods_by_borough

    return {
        "values": values or {},
        "errors": errors or {},
        "boroughs": neighborhoods_by_borough(),
        "form_key": (values or {}).get("form_key") or secrets.token_urlsafe(16),
    }


@public
@require_http_methods(["GET", "POST"])
def report_form(request):
    if request.method == "GET":
        return render(request, "intake/report_form.html", _form_context())
    values = {name: request.POST.get(name, "") for name in (*FORM_FIELDS, "form_key")}
    if request.POST.get("website"):
        # The honeypot: a field people never see. Bots get a plain page and nothing is stored.
        return render(request, "intake/report_received.html", {"bot": True})
    raw = dict(values)
    raw["salute"] = {
        k: request.POST.get(f"salute_{k}", "") for k in ("size", "vehicles", "uniform", "agency", "equipment")
    }
    try:
        data = build_input(raw)
    except InvalidReport as exc:
        return render(request, "intake/report_form.html", _form_context(values, exc.errors), status=400)
    key = values["form_key"][:64] if values["form_key"] else None
    report, secret, _created = actions.submit_report(
        data, channel="web", form_language=get_language(), idempotency_key=f"web:{key}" if key else None
    )
    return render(request, "intake/report_received.html", {"report": report, "secret": secret})


@public
@require_http_methods(["GET", "POST"])
def report_status(request):
    if request.method == "GET":
        return render(request, "intake/report_status.html", {})
    report = actions.check_receipt(request.POST.get("code", ""), request.POST.get("secret", ""))
    if report is None:
        return render(request, "intake/report_status.html", {"not_found": True}, status=404)
    return render(request, "intake/report_status.html", {"status": actions.public_status(report), "report": report})

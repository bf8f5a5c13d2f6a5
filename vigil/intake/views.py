import secrets

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from vigil.accounts.access import public
from vigil.incidents.evidence import EvidenceRefused
from vigil.incidents.views import files_message
from vigil.intake import abuse, actions
from vigil.intake.validation import FORM_SALUTE_KEYS, InvalidReport, build_input
from vigil.lib.digits import ascii_digits

TOO_MANY = _("Too many tries in a short time. Please wait a few minutes and try again.")

FORM_FIELDS = ("text", "place_text", "area", "occurred_at", "people_detained", "contact", "lat", "lon")


def _form_context(values=None, errors=None):
    from django.conf import settings

    from vigil.geo.areas import neighborhoods_by_borough
    from vigil.intake import abuse

    return {
        "values": values or {},
        "errors": errors or {},
        "boroughs": neighborhoods_by_borough(),
        "form_key": (values or {}).get("form_key") or secrets.token_urlsafe(16),
        "challenge": abuse.new_challenge() if settings.ALTCHA_ENABLED else None,
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
    raw["salute"] = {k: request.POST.get(f"salute_{k}", "") for k in FORM_SALUTE_KEYS}
    try:
        data = build_input(raw)
    except InvalidReport as exc:
        return render(request, "intake/report_form.html", _form_context(values, exc.errors), status=400)
    solved = settings.ALTCHA_ENABLED and abuse.solution_is_valid(request.POST.get("altcha", ""))
    if not solved and not request.POST.get("asked") and abuse.over_rate_limit(request.client_key):
        # Many reports from one address hash: ask once for the challenge. Sent again unsolved (no
        # JavaScript), the report is still taken, and triaged behind solved ones.
        context = _form_context(values)
        context["challenge_needed"] = True
        return render(request, "intake/report_form.html", context, status=429)
    try:
        attachments = _prepare_photos(request)
    except EvidenceRefused as exc:
        errors = {"photos": files_message(exc.code)}
        return render(request, "intake/report_form.html", _form_context(values, errors), status=400)
    key = values["form_key"][:64] if values["form_key"] else None
    report, secret, _created = actions.submit_report(
        data,
        channel="web",
        form_language=get_language(),
        idempotency_key=f"web:{key}" if key else None,
        verified_submission=solved or not settings.ALTCHA_ENABLED,
        attachments=attachments,
    )
    return render(request, "intake/report_received.html", {"report": report, "secret": secret})


MAX_PUBLIC_PHOTOS = 3


def _prepare_photos(request) -> list:
    """Photos and videos from the form, stripped of metadata before anything is kept (all or none)."""
    from vigil.incidents.actions import discard_evidence, prepare_evidence

    uploads = request.FILES.getlist("photos")
    if getattr(request, "upload_too_large", False):
        raise EvidenceRefused("too_large")
    if len(uploads) > MAX_PUBLIC_PHOTOS:
        raise EvidenceRefused("too_many")
    prepared = []
    try:
        for upload in uploads:
            if upload.size:
                prepared.append(prepare_evidence(upload.read(), keep_original=False))
    except BaseException:
        for row in prepared:
            discard_evidence(row)
        raise
    return prepared


@public
@require_http_methods(["GET", "POST"])
def report_status(request):
    if request.method == "GET":
        return render(request, "intake/report_status.html", {})
    # Every try is counted per address before the code is checked (so tries sent at once count too), and
    # a right code takes its count back: a reporter with the right code is never held back, someone
    # guessing is stopped. Additions are counted per report, so a shared address never blocks others.
    if abuse.over_rate_limit(request.client_key, scope="status_miss"):
        return render(request, "intake/report_status.html", {"too_many": True}, status=429)
    # Typed on an Arabic, Urdu or Bengali keyboard, the code's and secret's digits are that script's.
    code, secret = (ascii_digits(request.POST.get(name, "")) for name in ("code", "secret"))
    report = actions.check_receipt(code, secret)
    if report is None:
        return render(request, "intake/report_status.html", {"not_found": True}, status=404)
    abuse.take_back(request.client_key, scope="status_miss")
    context = {
        "status": actions.public_status(report),
        "report": report,
        "code": code,
        "secret": secret,
        # As issued (grouped), not as typed: what to write down if it was typed another way.
        "secret_shown": report.receipt_secret,
    }
    addition = request.POST.get("addition", "")
    if addition:
        from vigil.intake.validation import clean_text

        errors: dict = {}
        text = clean_text(addition, "addition", errors)
        if errors:
            context["errors"] = errors
            return render(request, "intake/report_status.html", context, status=400)
        if abuse.over_rate_limit(str(report.pk), scope="follow_up"):
            context["errors"] = {"addition": TOO_MANY}
            return render(request, "intake/report_status.html", context, status=429)
        actions.add_follow_up(report, text)
        context["added"] = True
    return render(request, "intake/report_status.html", context)


@public
@csrf_exempt  # Twilio cannot send a CSRF token; the request signature authenticates it instead
@require_http_methods(["POST"])
def twilio_inbound(request):
    """Twilio's inbound SMS/WhatsApp webhook: signature checked, TwiML reply in the sender's language."""
    from vigil.intake import sms

    if not sms.signature_is_valid(request):
        return HttpResponseForbidden("invalid signature", content_type="text/plain")
    sid = request.POST.get("MessageSid", "") or request.POST.get("SmsMessageSid", "")
    body = request.POST.get("Body", "")
    try:
        channel, sender = sms.parse_sender(request.POST.get("From", ""))
    except sms.InvalidAddress:
        return HttpResponseBadRequest("invalid sender", content_type="text/plain")
    if not sid or len(sid) > 64 or "\x00" in body:
        return HttpResponseBadRequest("invalid message", content_type="text/plain")
    reply = actions.receive_text_message(sid=sid, channel=channel, sender=sender, body=body[:4000])
    # The charset said outright: text/xml without one may be read as US-ASCII, garbling replies in
    # Chinese, Bengali or Arabic.
    return HttpResponse(sms.twiml(reply), content_type="text/xml; charset=utf-8")

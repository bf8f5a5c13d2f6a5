"""The partner API: JSON in, JSON out, errors as {"error": ...}."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from vigil.accounts.actions import authenticate_token
from vigil.accounts.models import Role
from vigil.intake import abuse, actions
from vigil.intake.models import Report
from vigil.intake.validation import InvalidReport, build_input
from vigil.lib import jsonapi

MAX_BODY = 64 * 1024
CHANNELS = {"api", "hotline", "sms", "whatsapp", "web"}
JSON = "application/json"
# The OpenAPI document's maxLength; the stored key (org:<uuid>:<key>) fits Report.idempotency_key.
MAX_IDEMPOTENCY_KEY = 80

error = jsonapi.error


def api_view(*, methods: tuple[str, ...], anonymous: bool = False):
    """Bearer-token views. Anonymous callers are allowed only where `anonymous` is set.

    A JSON body is read here, once, for every view (``request.json_body``; None when there is no JSON
    body): size, encoding and nesting are checked before the view runs, so no view parses a body that
    could exhaust the parser. Errors are JSON in the documented shape (vigil.lib.jsonapi).
    """

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = None
            if header:
                scheme, _, raw = header.partition(" ")
                token = authenticate_token(raw.strip()) if scheme.lower() == "bearer" else None
                if token is None:
                    return error("invalid token", 401)
            elif not anonymous:
                return error("authentication required", 401)
            if request.method not in methods:
                # After the token: a path that needs one refuses anyone without it, whatever the method.
                return jsonapi.method_not_allowed(methods)
            request.api_token = token
            request.json_body = None
            if request.content_type == JSON and request.body:
                if len(request.body) > MAX_BODY:
                    return error("request body too large", 413)
                try:
                    request.json_body = jsonapi.loads(request.body)
                except jsonapi.InvalidBody as exc:
                    return error(exc.message, 400)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return error("not found", 404)
            except jsonapi.InvalidBody as exc:  # a view that reads a body itself, with jsonapi.loads
                return error(exc.message, 400)

        wrapper.vigil_access = "public" if anonymous else "api"
        return wrapper

    return decorate


def serialize(report: Report, *, show_incident: bool) -> dict:
    return {
        "id": str(report.pk),
        "receipt": report.receipt_code,
        "language": report.language,
        "area": report.area or None,
        "incident": str(report.incident_id) if (show_incident and report.incident_id) else None,
        "people_detained": report.people_detained or None,
    }


@api_view(methods=("POST",), anonymous=True)
def create_report(request):
    if request.content_type != JSON:
        # Also keeps other sites from driving this endpoint from visitors' browsers with a plain form.
        return error("Content-Type must be application/json", 415)
    if not request.body:
        return error("body is not valid JSON", 400)
    payload = request.json_body
    if not isinstance(payload, dict):
        return error("body must be a JSON object", 400)
    location = payload.get("location") or {}
    if not isinstance(location, dict):
        return error("location must be an object", 400, fields={"location": "must be an object"})
    channel = payload.get("channel") or "api"
    if not isinstance(channel, str) or channel not in CHANNELS:
        return error("unknown channel", 400, fields={"channel": "unknown"})
    raw = {
        "text": payload.get("text"),
        "language": payload.get("language"),
        "occurred_at": payload.get("occurred_at"),
        "place_text": location.get("description"),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "area": location.get("area"),
        "salute": payload.get("salute"),
        "people_detained": payload.get("people_detained"),
        "contact": payload.get("contact"),
    }
    try:
        data = build_input(raw)
    except InvalidReport as exc:
        return error("invalid report", 400, fields={k: str(v) for k, v in exc.errors.items()})
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and (len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable()):
        # Refused, never cut: two keys alike in their first 80 characters would meet as one report.
        # Control characters too: PostgreSQL cannot store a NUL.
        return error(
            "invalid Idempotency-Key",
            400,
            fields={"Idempotency-Key": f"at most {MAX_IDEMPOTENCY_KEY} printable characters"},
        )
    token = request.api_token
    solved = token is not None or abuse.solution_is_valid(str(payload.get("altcha") or ""))
    if token is None:
        channel = "api"  # only partners may say a report came by phone, SMS or another channel
    if not solved and abuse.over_rate_limit(request.client_key, scope="api"):
        # Partners have tokens and are never limited; anonymous callers past the limit solve a challenge.
        return error("challenge required", 429, challenge=abuse.new_challenge())
    partner = token.organization if token is not None else None
    if not key:
        scoped_key = None
    elif partner is not None:
        scoped_key = f"org:{partner.pk}:{key}"
    else:
        # Anonymous callers share one key space: the body is part of the key, so a key someone else
        # chose (or guessed) never hands back their report, only a true retry meets its first attempt.
        digest = hashlib.sha256(key.encode() + b"\x1f" + request.body).hexdigest()
        scoped_key = f"anon:{digest[:48]}"
    report, _secret, created = actions.submit_report(
        data, channel=channel, partner=partner, idempotency_key=scoped_key, verified_submission=solved
    )
    if not created and partner is not None and report.text != data.text:
        return error("Idempotency-Key already used for a different report", 409)
    body = serialize(report, show_incident=token is not None)
    return JsonResponse(body, status=201 if created else 200)


@api_view(methods=("GET",))
def get_report(request, report_id):
    token = request.api_token
    report = get_report_for_token(token, report_id)
    body = serialize(report, show_incident=True)
    body["duplicate_candidates"] = (
        [
            str(pk)
            for pk in Report.objects.filter(incident_id=report.incident_id)
            .exclude(pk=report.pk)
            .values_list("pk", flat=True)[:50]
        ]
        if report.incident_id
        else []
    )
    from vigil.accounts import audit

    audit.record(
        "report.read_api", actor=token.user, actor_kind=token.kind, obj=report, organization=token.organization
    )
    return JsonResponse(body)


def get_report_for_token(token, report_id) -> Report:
    """Partners see the reports they sent; staff tokens of dispatchers and admins see reports of the network."""
    qs = Report.objects.all()
    if token.kind == "partner":
        qs = qs.filter(partner=token.organization)
    elif token.user is None or token.user.role not in (Role.DISPATCHER, Role.ADMIN):
        qs = qs.none()
    return get_object_or_404(qs, pk=report_id)


@api_view(methods=("GET",), anonymous=True)
def openapi(request):
    from vigil.intake.openapi import DOCUMENT

    return JsonResponse(DOCUMENT)

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
from vigil.intake.bodies import DOMAIN_RULES, ReportBody, ReportOut, ReportRead
from vigil.intake.models import Report
from vigil.intake.validation import InvalidReport, validate_body
from vigil.lib import jsonapi, openapi

MAX_BODY = 64 * 1024
JSON = "application/json"
# The OpenAPI document's maxLength; the stored key (org:<uuid>:<key>) fits Report.idempotency_key.
MAX_IDEMPOTENCY_KEY = 80

error = jsonapi.error


class ChallengeError(openapi.Error):
    challenge: dict


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
    return ReportOut(
        id=report.pk,
        receipt=report.receipt_code,
        language=report.language,
        area=report.area or None,
        incident=report.incident_id if show_incident else None,
        people_detained=report.people_detained or None,
    ).model_dump(mode="json")


_ERRORS = {
    400: openapi.Response(
        "Not JSON, not an object, a malformed body (`error` is `invalid report`, `fields` says which), an invalid "
        "Idempotency-Key, or a well-formed body that a domain rule refuses: then `error` names the rule "
        "(listed in x-domain-rules) and `fields` holds the messages.",
        extra={"x-domain-rules": DOMAIN_RULES},
    ),
    401: openapi.Response("A token that is not valid"),
    409: openapi.Response("A partner's Idempotency-Key already used for a different report"),
    413: openapi.Response(f"A body over {MAX_BODY // 1024} KB"),
    415: openapi.Response("A body that is not application/json"),
    429: openapi.Response(
        "Anonymous callers past the rate limit: `challenge` is an ALTCHA v1 challenge to solve and send back as "
        "`altcha`",
        model=ChallengeError,
    ),
}


@openapi.operation(
    "/api/v1/reports",
    "post",
    summary="Submit a report",
    body=ReportBody,
    security=({}, {"bearer": []}),
    parameters=(
        {
            "name": "Idempotency-Key",
            "in": "header",
            "description": "A repeated key returns the first report (200) instead of storing a second one",
            # What the view accepts is wider (any printable character): the document promises the safe part.
            "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY, "pattern": "^[ -~]*$"},
        },
    ),
    responses={
        201: openapi.Response("Stored", model=ReportOut),
        200: openapi.Response("Already stored under this Idempotency-Key", model=ReportOut),
        **_ERRORS,
    },
)
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
    try:
        data = validate_body(payload, strict=True)
    except InvalidReport as exc:
        fields = {k: str(v) for k, v in exc.errors.items()}
        if exc.only_domain_rules:
            return error(next(iter(exc.rules.values())), 400, fields=fields)
        return error("invalid report", 400, fields=fields)
    channel = payload.get("channel") or "api"
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


@openapi.operation(
    "/api/v1/reports/{id}",
    "get",
    summary="Read a report (partner or staff token)",
    responses={
        200: openapi.Response("The report", model=ReportRead),
        401: openapi.Response("No token, or one that is not valid"),
        404: openapi.Response("Not found, or not yours"),
    },
)
@api_view(methods=("GET",))
def get_report(request, report_id):
    token = request.api_token
    report = get_report_for_token(token, report_id)
    others = (
        Report.objects.filter(incident_id=report.incident_id).exclude(pk=report.pk).values_list("pk", flat=True)[:50]
        if report.incident_id
        else []
    )
    body = ReportRead(**serialize(report, show_incident=True), duplicate_candidates=list(others)).model_dump(
        mode="json"
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


@openapi.operation(
    "/api/v1/openapi.json",
    "get",
    summary="This document",
    security=({},),
    responses={200: openapi.Response("The OpenAPI 3.1 document of this API", model=None)},
)
@api_view(methods=("GET",), anonymous=True)
def openapi_document(request):
    return JsonResponse(openapi.document())

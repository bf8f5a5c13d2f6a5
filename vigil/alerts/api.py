"""Staff API for alerts: progress and send, with a staff bearer token. The send goes through the same
action as the page, so the same rules hold. Bodies are declared once, below, with pydantic: the views read
and write them, and the OpenAPI document is generated from them (vigil.lib.openapi)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import JsonResponse
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from vigil.alerts import actions, progress
from vigil.alerts.models import Alert
from vigil.alerts.views import SENDER_ROLES
from vigil.intake.api import api_view, error
from vigil.lib import jsonapi, openapi


class AlertSendBody(BaseModel):
    """The body of POST /api/v1/alerts/{id}/send; it may be left out. Keys it does not know are ignored."""

    model_config = ConfigDict(title="AlertSendBody")

    # true, and nothing else, confirms: a "yes" or a 1 is refused rather than read as a confirmation.
    confirm_unreviewed: Annotated[bool, Strict()] = Field(
        False, description="Send even though some languages' templates were reviewed by nobody but their author"
    )


class AlertOut(BaseModel):
    model_config = ConfigDict(title="AlertOut")

    id: UUID
    ref: str
    kind: Literal[tuple(Alert.Kind.values)]
    state: Literal[tuple(Alert.State.values)]
    sent_at: datetime | None
    expires_at: datetime | None
    total: int
    received: int
    failed: int
    expired: int
    open: int
    was_uncertain: int
    eta_seconds: int | None


class AlertRefusedError(openapi.Error):
    reason: str = Field(description="Why the send was refused (a code, such as not_verified or unreviewed)")
    languages: list[str] = Field(description="The recipients' languages, when some are unreviewed")


def _alert_for_token(token, alert_id) -> Alert | None:
    """Staff tokens only (a partner token acts for no person), of a dispatcher or admin, own organization."""
    user = getattr(token, "user", None)
    if user is None or not user.is_active or user.role not in SENDER_ROLES:
        return None
    return Alert.objects.filter(pk=alert_id, organization=user.organization).first()


def _body(alert: Alert) -> dict:
    state = progress.for_alert(alert)
    return AlertOut(
        id=alert.pk,
        ref=alert.ref,
        kind=alert.kind,
        state=alert.state,
        sent_at=alert.sent_at,
        expires_at=alert.expires_at,
        **{key: state[key] for key in ("total", "received", "failed", "expired", "open", "was_uncertain")},
        eta_seconds=state["eta_seconds"],
    ).model_dump(mode="json")


_NOT_YOURS = openapi.Response("Not found, not of your organization, or the token is not a dispatcher's or admin's")


@openapi.operation(
    "/api/v1/alerts/{id}",
    "get",
    summary="An alert's state and progress (staff token of a dispatcher or admin)",
    responses={
        200: openapi.Response("The alert", model=AlertOut),
        401: openapi.Response("No token, or one that is not valid"),
        404: _NOT_YOURS,
    },
)
@api_view(methods=("GET",))
def alert_status(request, alert_id):
    alert = _alert_for_token(request.api_token, alert_id)
    if alert is None:
        return error("not found", 404)
    return JsonResponse(_body(alert))


@openapi.operation(
    "/api/v1/alerts/{id}/send",
    "post",
    summary="Send an alert (staff token of a dispatcher or admin), under the staff page's rules",
    body=AlertSendBody,
    body_required=False,
    responses={
        200: openapi.Response("Sending", model=AlertOut),
        400: openapi.Response("A body that is not a JSON object of the documented shape"),
        401: openapi.Response("No token, or one that is not valid"),
        404: _NOT_YOURS,
        409: openapi.Response(
            "Refused by a rule of sending (already sent, incident not verified, unreviewed languages not "
            "confirmed, ...): `reason` names it",
            model=AlertRefusedError,
        ),
        413: openapi.Response("A body over 64 KB"),
    },
)
@api_view(methods=("POST",))
def alert_send(request, alert_id):
    alert = _alert_for_token(request.api_token, alert_id)
    if alert is None:
        return error("not found", 404)
    try:
        # Read whatever the Content-Type: the body has always been optional and untyped here.
        payload = jsonapi.loads(request.body or b"{}")
    except jsonapi.InvalidBody as exc:
        return error(str(exc), 400)
    if not isinstance(payload, dict):
        return error("body must be a JSON object", 400)
    try:
        body = AlertSendBody.model_validate(payload, strict=True)
    except ValidationError as exc:
        fields = {".".join(map(str, e["loc"])): e["msg"] for e in exc.errors(include_url=False)}
        return error("invalid body", 400, fields=fields)
    try:
        actions.send_alert(alert, actor=request.api_token.user, confirm_unreviewed=body.confirm_unreviewed)
    except actions.AlertRefused as exc:
        return error(str(exc.message), 409, reason=exc.code, languages=exc.languages)
    alert.refresh_from_db()
    return JsonResponse(_body(alert))

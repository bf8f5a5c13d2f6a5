"""Staff API for alerts: progress and send, with a staff bearer token. The send goes through the same
action as the page, so the same rules hold."""

from __future__ import annotations

from django.http import JsonResponse

from vigil.alerts import actions, progress
from vigil.alerts.models import Alert
from vigil.alerts.views import SENDER_ROLES
from vigil.intake.api import api_view, error
from vigil.lib import jsonapi


def _alert_for_token(token, alert_id) -> Alert | None:
    """Staff tokens only (a partner token acts for no person), of a dispatcher or admin, own organization."""
    user = getattr(token, "user", None)
    if user is None or not user.is_active or user.role not in SENDER_ROLES:
        return None
    return Alert.objects.filter(pk=alert_id, organization=user.organization).first()


def _body(alert: Alert) -> dict:
    state = progress.for_alert(alert)
    return {
        "id": str(alert.pk),
        "ref": alert.ref,
        "kind": alert.kind,
        "state": alert.state,
        "sent_at": alert.sent_at.isoformat() if alert.sent_at else None,
        "expires_at": alert.expires_at.isoformat() if alert.expires_at else None,
        "total": state["total"],
        "received": state["received"],
        "failed": state["failed"],
        "expired": state["expired"],
        "open": state["open"],
        "was_uncertain": state["was_uncertain"],
        "eta_seconds": state["eta_seconds"],
    }


@api_view(methods=("GET",))
def alert_status(request, alert_id):
    alert = _alert_for_token(request.api_token, alert_id)
    if alert is None:
        return error("not found", 404)
    return JsonResponse(_body(alert))


@api_view(methods=("POST",))
def alert_send(request, alert_id):
    alert = _alert_for_token(request.api_token, alert_id)
    if alert is None:
        return error("not found", 404)
    try:
        payload = jsonapi.loads(request.body or b"{}")
    except jsonapi.InvalidBody as exc:
        return error(str(exc), 400)
    if not isinstance(payload, dict):
        return error("body must be a JSON object", 400)
    try:
        actions.send_alert(
            alert, actor=request.api_token.user, confirm_unreviewed=payload.get("confirm_unreviewed") is True
        )
    except actions.AlertRefused as exc:
        return error(str(exc.message), 409, reason=exc.code, languages=exc.languages)
    alert.refresh_from_db()
    return JsonResponse(_body(alert))

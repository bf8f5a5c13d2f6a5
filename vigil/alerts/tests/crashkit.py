"""Set-up and read-out for the crash tests, run inside `manage.py shell` against a file database."""

from __future__ import annotations

import json
import time

from django.db import close_old_connections


def setup(sms: int, email: int) -> None:
    """An organization, two staff, a verified incident in QN0301, subscribers, and an alert sent: its
    fan-out job is queued for the worker."""
    from vigil.accounts import actions as account_actions
    from vigil.accounts.models import Role
    from vigil.alerts import actions
    from vigil.alerts.tests.conftest import make_incident, make_subscriber

    org = account_actions.create_organization(name="Crash Hotline", slug="crash", kind="hotline")
    user = account_actions.create_user(
        username="crash-dispatcher", password="x" * 20, role=Role.DISPATCHER, organization=org
    )
    incident = make_incident(org, user)
    for i in range(sms):
        make_subscriber(f"+1718555{1000 + i:04d}", language=("en", "es")[i % 2])
    for i in range(email):
        make_subscriber(f"crash{i}@example.org", channel="email", language=("en", "zh-hans")[i % 2])
    alert = actions.compose_alert(actor=user, kind="verified_activity", incident=incident)
    actions.send_alert(alert, actor=user, confirm_unreviewed=True)
    print(json.dumps({"alert": str(alert.pk)}))


def finish(alert_id: str, timeout: float = 60.0) -> None:
    """Run the background work as a restarted worker would, until the alert is finished; print the
    outcome of every delivery."""
    from vigil.alerts.models import Alert, Subscriber
    from vigil.messaging.models import Delivery
    from vigil.work import actions as work

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        work.reap()
        work.run_pending_now()
        if Alert.objects.get(pk=alert_id).state == "done":
            break
        time.sleep(0.3)
    rows = list(
        Delivery.objects.filter(broadcast__alert=alert_id)
        .order_by("id")
        .values("id", "channel", "state", "was_uncertain", "resolution", "provider_id", "recipient_id")
    )
    addresses = {s.pk: s.address for s in Subscriber.objects.filter(pk__in=[row["recipient_id"] for row in rows])}
    for row in rows:
        row["address"] = addresses[row["recipient_id"]]
        row["subscriber_id"] = str(row.pop("recipient_id"))
    print(json.dumps({"state": Alert.objects.get(pk=alert_id).state, "deliveries": rows}))

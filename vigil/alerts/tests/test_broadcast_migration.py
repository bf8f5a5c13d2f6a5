"""Alert deliveries made before messaging owned them move into messaging's table, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("alerts", "0003_alert_place"), ("messaging", "0001_initial")]


def _old_delivery_rows(apps, alert_pk):
    Delivery = apps.get_model("alerts", "Delivery")
    return sorted(
        Delivery.objects.filter(alert_id=alert_pk).values_list("subscriber_id", "channel", "state", "provider_id")
    )


@pytest.mark.django_db(transaction=True)
def test_it_moves_alert_deliveries_into_a_messaging_broadcast_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Accounts stays migrated to its latest state: its current models write its rows.
    from vigil.accounts.models import Organization, User

    org = Organization.objects.create(name="Old", slug="old", kind="hotline")
    user = User.objects.create(username="old-dispatcher", role="dispatcher", organization=org)
    Alert = old.get_model("alerts", "Alert")
    Subscriber = old.get_model("alerts", "Subscriber")
    sent = Alert.objects.create(
        ref="OLD02", organization_id=org.pk, kind="reminder", created_by_id=user.pk, state="done"
    )
    draft = Alert.objects.create(ref="OLD03", organization_id=org.pk, kind="reminder", created_by_id=user.pk)
    people = [
        Subscriber.objects.create(channel="sms", language="en", state="active", address_index=f"idx{i}")
        for i in range(3)
    ]
    OldDelivery = old.get_model("alerts", "Delivery")
    for i, person in enumerate(people):
        OldDelivery.objects.create(
            alert=sent,
            subscriber=person,
            channel="sms",
            language="en",
            state=("sent", "failed", "queued")[i],
            provider_id=f"SM{i}" if i == 0 else "",
        )
    before = _old_delivery_rows(old, sent.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from vigil.alerts.models import Alert as CurrentAlert

    moved = CurrentAlert.objects.get(pk=sent.pk)
    assert moved.broadcast.programme == "alerts.alert" and moved.broadcast.tag == "OLD02"
    assert moved.broadcast.recipient_kind == "alerts.active_subscriber"
    after = sorted(moved.deliveries.values_list("recipient_id", "channel", "state", "provider_id"))
    assert after == before
    assert CurrentAlert.objects.get(pk=draft.pk).broadcast_id is None

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps
    assert _old_delivery_rows(back, sent.pk) == before

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

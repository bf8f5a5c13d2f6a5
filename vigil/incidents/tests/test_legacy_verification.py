"""Incidents verified before bases were recorded get the basis "legacy" and are not alerted on again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0003_staff_setup_code"),
    ("incidents", "0005_timelineentry_uid_alter_timelineentry_reason"),
    ("alerts", "0001_initial"),
]


@pytest.mark.django_db(transaction=True)
def test_it_gives_verified_incidents_and_their_alerts_a_legacy_basis_when_migrating():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organization = old.get_model("accounts", "Organization")
    User = old.get_model("accounts", "User")
    Incident = old.get_model("incidents", "Incident")
    Alert = old.get_model("alerts", "Alert")
    org = Organization.objects.create(name="Old", slug="old", kind="hotline")
    user = User.objects.create(username="old-dispatcher", role="dispatcher", organization=org)
    verified = Incident.objects.create(state="verified", area="QN0301", organization=org)
    reported = Incident.objects.create(state="reported", area="QN0301", organization=org)
    alert = Alert.objects.create(
        ref="OLD01", organization=org, incident=verified, kind="verified_activity", created_by=user
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from vigil.alerts import actions as alert_actions
    from vigil.alerts.models import Alert as CurrentAlert
    from vigil.incidents.models import Incident as CurrentIncident

    incident = CurrentIncident.objects.get(pk=verified.pk)
    assert incident.current_verification.basis == "legacy"
    assert CurrentIncident.objects.get(pk=reported.pk).current_verification_id is None
    migrated = CurrentAlert.objects.get(pk=alert.pk)
    assert migrated.verification_id == incident.current_verification_id
    assert alert_actions.send_blockers(migrated) == ["legacy_verification"]

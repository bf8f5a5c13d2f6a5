"""The observation form's warrant codes become the shared list's when migrating (incidents 0014)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0013_incident_rule_facts_detention_records")]


@pytest.mark.django_db(transaction=True)
def test_it_renames_the_stored_warrant_codes_to_the_shared_list():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Incident = old.get_model("incidents", "Incident")
    Observation = old.get_model("incidents", "Observation")
    author = User.objects.create(username="old-responder", role="responder")
    incident = Incident.objects.create(state="reported", area="QN0301", warrant_seen="state_court")
    said = Observation.objects.create(incident=incident, author=author, values={"warrant_seen": "ij_order"})
    kept = Observation.objects.create(incident=incident, author=author, values={"agents_count": 3})

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from vigil.incidents.models import Incident as CurrentIncident
    from vigil.incidents.models import Observation as CurrentObservation

    assert CurrentIncident.objects.get(pk=incident.pk).warrant_seen == "state_local_court"
    assert CurrentObservation.objects.get(pk=said.pk).values == {"warrant_seen": "immigration_judge_order"}
    assert CurrentObservation.objects.get(pk=kept.pk).values == {"agents_count": 3}

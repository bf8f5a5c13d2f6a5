"""Migration 0015 rebuilds, once, the grouping summary of every incident open to grouping, since the
fold that made their words changed (vigil/lib/folding.py)."""

from importlib import import_module

import pytest
from django.apps import apps

from vigil.incidents.models import Incident
from vigil.intake import actions
from vigil.intake.validation import build_input

MIGRATION = import_module("vigil.incidents.migrations.0015_rebuild_grouping_summaries")


def submit(text, lat, lon):
    return actions.submit_report(build_input({"text": text, "lat": lat, "lon": lon}), channel="api")[0]


def summary_of(incident_id):
    from vigil.incidents import actions as incident_actions

    row = Incident.objects.filter(pk=incident_id).values_list("grouping_summary", flat=True).get()
    return incident_actions._open_summary(incident_id, row) if row else None


@pytest.mark.django_db
def test_it_rebuilds_the_summaries_of_open_incidents_and_leaves_closed_ones_without():
    chinese = submit("兩輛車停在羅斯福大道和74街，移民局的人在車站", 40.74685, -73.89143)
    english = submit("ICE van at Fordham Rd and Grand Concourse", 40.86215, -73.89087)
    assert chinese.incident_id != english.incident_id
    fresh = summary_of(chinese.incident_id)
    # A summary written by other code: the English incident's, stored on the Chinese one.
    stale = Incident.objects.filter(pk=english.incident_id).values_list("grouping_summary", flat=True).get()
    Incident.objects.filter(pk=chinese.incident_id).update(grouping_summary=stale)
    Incident.objects.filter(pk=english.incident_id).update(grouping_open=False, grouping_summary=None)

    MIGRATION.rebuild_open_summaries(apps, None)

    rebuilt = summary_of(chinese.incident_id)
    assert rebuilt is not None and rebuilt.signature == fresh.signature
    assert summary_of(english.incident_id) is None

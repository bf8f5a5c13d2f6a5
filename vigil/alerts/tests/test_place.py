"""Alerts name the nearest known place and the hotline, except where the place is a home or a shelter."""

from __future__ import annotations

import pytest

from vigil.alerts import actions
from vigil.alerts.tests.conftest import make_incident
from vigil.incidents import observations
from vigil.incidents.models import TimelineEntry


def compose(actor, incident, **kwargs):
    return actions.compose_alert(actor=actor, kind="verified_activity", incident=incident, **kwargs)


@pytest.mark.django_db
def test_it_names_the_nearest_place_and_the_neighborhood_as_people_say_them(colleague, settings):
    settings.HOTLINE_NUMBER = "+1 212-555-0100"
    incident = make_incident(colleague.organization, colleague, text="ICE agents at Roosevelt Ave and 74 St")
    alert = compose(colleague, incident)
    text = alert.texts["en"]["text"]
    assert "Roosevelt" in alert.place_name and alert.place_name in text
    assert "Jackson Heights, Queens" in text and "(Queens)" not in text
    assert "Hotline: +1 212-555-0100." in text
    assert "\u2066+1 212-555-0100\u2069" in alert.texts["ar"]["text"]  # isolated inside Arabic
    assert "\u2066" not in alert.texts["en"]["text"]
    assert "皇后区" in alert.texts["zh-hans"]["text"]


@pytest.mark.django_db
def test_it_leaves_the_hotline_out_where_the_coalition_has_none(colleague, settings):
    settings.HOTLINE_NUMBER = ""
    incident = make_incident(colleague.organization, colleague)
    assert "Hotline" not in compose(colleague, incident).texts["en"]["text"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind_of_place", ["home", "shelter"])
def test_it_names_only_the_neighborhood_for_a_home_or_shelter_unless_told_why(colleague, kind_of_place):
    incident = make_incident(colleague.organization, colleague, text="ICE agents at Roosevelt Ave and 74 St")
    observations.record_observation(incident, {"place_kind": kind_of_place}, actor=colleague)
    incident.refresh_from_db()
    withheld = compose(colleague, incident)
    assert withheld.place_withheld and not withheld.place_name
    assert "Roosevelt" not in withheld.texts["en"]["text"] and "Jackson Heights" in withheld.texts["en"]["text"]
    with pytest.raises(actions.AlertRefused) as refused:
        compose(colleague, incident, name_place=True, place_reason="  ")
    assert refused.value.code == "place_reason"
    named = compose(colleague, incident, name_place=True, place_reason="Agents are on the street outside")
    assert "Roosevelt" in named.texts["en"]["text"]
    note = TimelineEntry.objects.filter(incident=incident, kind="note").last()
    assert note.reason == "Agents are on the street outside" and note.actor_id == colleague.pk


@pytest.mark.django_db
def test_it_shows_on_the_preview_whether_the_place_is_named(client, colleague):
    incident = make_incident(colleague.organization, colleague, text="ICE agents at Roosevelt Ave and 74 St")
    alert = compose(colleague, incident)
    client.force_login(colleague)
    page = client.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert "names the place:" in page and "SMS segments" in page

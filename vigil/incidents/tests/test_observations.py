"""Each responder's documentation is kept as their own observation; disagreements are shown and settled."""

from __future__ import annotations

import pytest

from vigil.accounts.models import AuditEvent, Role
from vigil.incidents import dispatching, observations
from vigil.incidents.models import Incident, Observation
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input


@pytest.fixture
def incident(org):
    data = build_input({"text": "ICE agents at Roosevelt and 74th", "area": "QN0301"})
    return intake_actions.submit_report(data, channel="api", partner=org)[0].incident


@pytest.fixture
def two_responders(incident, colleague, staff_factory, org):
    people = []
    for name in ("first-observer", "second-observer"):
        person = staff_factory(name, Role.RESPONDER, org)
        dispatch = dispatching.offer(incident, person, actor=colleague)
        dispatching.dispatch_move(dispatch, "accepted", actor=person)
        people.append(person)
    return people


@pytest.mark.django_db
def test_it_keeps_each_submission_as_its_own_observation(incident, two_responders):
    first, second = two_responders
    observations.record_observation(incident, {"warrant_seen": "ice_administrative"}, actor=first, notes="Paper shown")
    observations.record_observation(incident, {"agents_count": 6}, actor=second, first_hand=False)
    assert Observation.objects.count() == 2
    incident.refresh_from_db()
    assert (incident.warrant_seen, incident.agents_count) == ("ice_administrative", 6)  # nobody disagrees
    told = Observation.objects.get(author=second)
    assert not told.first_hand and told.values == {"agents_count": 6}


@pytest.mark.django_db
def test_it_shows_a_disagreement_with_its_sources_and_lets_a_dispatcher_settle_it(
    client, incident, two_responders, colleague, outsider
):
    first, second = two_responders
    observations.record_observation(incident, {"warrant_seen": "ice_administrative"}, actor=first)
    said = observations.record_observation(incident, {"warrant_seen": "federal_judicial_arrest"}, actor=second)
    incident.refresh_from_db()
    assert incident.warrant_seen == ""  # unsettled: no value until someone resolves it
    client.force_login(colleague)
    page = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    assert "observers disagree" in page and "first-observer" in page and "second-observer" in page
    assert "Federal judicial arrest warrant" in page and "ICE administrative warrant" in page
    client.force_login(outsider)
    url = f"/staff/incidents/{incident.pk}/facts/resolve/"
    assert client.post(url, {"field": "warrant_seen", "observation": said.pk}).status_code == 404
    client.force_login(colleague)
    client.post(url, {"field": "warrant_seen", "observation": said.pk})
    incident.refresh_from_db()
    assert incident.warrant_seen == "federal_judicial_arrest"
    assert AuditEvent.objects.filter(action="incident.fact_resolved", actor=colleague).exists()
    assert "observers disagree" not in client.get(f"/staff/incidents/{incident.pk}/").content.decode()


@pytest.mark.django_db
def test_it_reopens_a_settled_fact_when_someone_says_otherwise_later(incident, two_responders, colleague):
    first, second = two_responders
    observations.record_observation(incident, {"vehicles_count": 2}, actor=first)
    said = observations.record_observation(incident, {"vehicles_count": 3}, actor=second)
    observations.resolve_fact(incident, "vehicles_count", said.pk, actor=colleague)
    assert Incident.objects.get().vehicles_count == 3
    observations.record_observation(incident, {"vehicles_count": 4}, actor=first)
    assert Incident.objects.get().vehicles_count is None
    assert [f.disputed for f in observations.facts(incident) if f.name == "vehicles_count"] == [True]


@pytest.mark.django_db
def test_it_refuses_to_settle_with_a_value_nobody_gave(incident, two_responders, colleague):
    first, _second = two_responders
    said = observations.record_observation(incident, {"vehicles_count": 2}, actor=first)
    with pytest.raises(observations.ObservationRefused):
        observations.resolve_fact(incident, "warrant_seen", said.pk, actor=colleague)

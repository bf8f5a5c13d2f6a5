"""A case linked to its incident and to the person's detention record, keeping its own copy of what it needs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigil.accounts.models import AuditEvent
from vigil.alerts.tests.conftest import make_incident
from vigil.cases.models import Case
from vigil.cases.tests.conftest import open_case
from vigil.incidents import detentions
from vigil.incidents.models import DetentionRecord

TAKEN = {"custody": "doc", "released_at": "2025-06-03T13:30:00-04:00", "convictions": []}


@pytest.fixture
def incident(caseworker, colleague):
    incident = make_incident(caseworker.organization, colleague)
    detentions.record_detention(incident, {"custody": "federal"}, actor=caseworker)
    detentions.record_detention(incident, TAKEN, actor=caseworker)
    return incident


def _post(client, name, case, data):
    return client.post(reverse(name, kwargs={"case_id": case.pk}), data)


@pytest.mark.django_db
def test_a_caseworker_links_the_incident_then_the_persons_record_and_the_case_keeps_its_copy(
    client, caseworker, incident
):
    case = open_case(caseworker)
    client.force_login(caseworker)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert f'value="{incident.pk}"' in page  # offered among the organization's recent incidents
    _post(client, "case_link_incident", case, {"incident": incident.pk})
    second = DetentionRecord.objects.get(incident=incident, number=2)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Person 2" in page
    _post(client, "case_link_detention_record", case, {"record": second.pk})
    case = Case.objects.get(pk=case.pk)
    assert case.detention_record_id == second.pk
    assert case.detention_copy == {"custody": "doc", "released_at": "2025-06-03T13:30:00-04:00"}
    assert AuditEvent.objects.filter(action="case.detention_record_linked", actor=caseworker).count() == 1
    assert AuditEvent.objects.filter(action="incident.detentions_read", actor=caseworker).exists()
    # The record goes with its incident's purge; the case keeps its link cleared and its copy.
    second.delete()
    case = Case.objects.get(pk=case.pk)
    assert case.detention_record_id is None and case.detention_copy["custody"] == "doc"
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Department of Correction" in page


@pytest.mark.django_db
def test_a_record_of_another_incident_is_refused(client, caseworker, colleague, incident):
    other = make_incident(caseworker.organization, colleague, area="BK0101")
    detentions.record_detention(other, TAKEN, actor=caseworker)
    case = open_case(caseworker)
    client.force_login(caseworker)
    _post(client, "case_link_incident", case, {"incident": incident.pk})
    foreign = DetentionRecord.objects.get(incident=other)
    _post(client, "case_link_detention_record", case, {"record": foreign.pk})
    assert Case.objects.get(pk=case.pk).detention_record_id is None


@pytest.mark.django_db
def test_another_organization_cannot_link_or_see_the_case(client, caseworker, case_outsider, incident, staff_a):
    case = open_case(caseworker)
    for user in (case_outsider, staff_a):
        client.force_login(user)
        response = _post(client, "case_link_incident", case, {"incident": incident.pk})
        assert response.status_code in (403, 404)
    assert Case.objects.get(pk=case.pk).incident_id is None

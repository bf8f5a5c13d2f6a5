"""Additions a reporter makes later with the receipt code: grouped like any report, counted with the
incident's reports, kept under the first report's owner, and reaching its reporter only through it."""

import pytest

from vigil.incidents import actions as incident_actions
from vigil.incidents import grouping
from vigil.incidents.models import Incident
from vigil.intake import actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input

POINT = {"lat": 40.74685, "lon": -73.89143}


def submit(text, partner=None, **fields):
    data = build_input({"text": text, **POINT, **fields})
    return actions.submit_report(data, channel="api" if partner else "web", partner=partner)[0]


def summary_of(incident_id):
    row = Incident.objects.filter(pk=incident_id).values_list("grouping_summary", flat=True).get()
    return incident_actions._open_summary(incident_id, row)


@pytest.mark.django_db
def test_it_counts_every_report_after_an_addition(client, colleague):
    first = submit("ICE agents at Roosevelt Ave and 74th St, three vans")
    actions.add_follow_up(first, "They took a man into the van")
    submit("Agentes de ICE en Roosevelt y la 74, tres camionetas")
    incident = Incident.objects.get()
    assert incident.reports.count() == 3
    assert incident.report_count == 3
    client.force_login(colleague)
    assert "3 reports" in client.get("/staff/incidents/").content.decode()


@pytest.mark.django_db
def test_it_adds_the_words_of_an_addition_to_the_incidents_summary():
    first = submit("ICE agents at Roosevelt Ave and 74th St, three vans")
    actions.add_follow_up(first, "They took him toward Zephyrine Bakery")
    assert grouping.features_signature("Zephyrine") <= summary_of(first.incident_id).signature


@pytest.mark.django_db
def test_it_keeps_the_partner_and_place_of_the_report_an_addition_follows(org):
    first = submit("ICE agents, three vans", partner=org, place_text="Roosevelt Ave and 74th St")
    follow_up = actions.add_follow_up(Report.objects.get(pk=first.pk), "They took a man into the van")
    follow_up = Report.objects.get(pk=follow_up.pk)
    assert follow_up.partner_id == org.pk
    assert follow_up.place_text == "Roosevelt Ave and 74th St"
    assert follow_up.incident_id == first.incident_id


@pytest.mark.django_db
def test_it_reaches_the_reporters_contact_and_sender_through_the_first_report(client, colleague):
    first = submit("ICE agents at Roosevelt Ave and 74th St", contact="+17185550142")
    Report.objects.filter(pk=first.pk).update(sender_ref="sender-of-the-first-report")
    follow_up = actions.add_follow_up(Report.objects.get(pk=first.pk), "They took a man into the van")
    stored = Report.objects.get(pk=follow_up.pk)
    assert stored.contact is None and stored.sender_ref == ""  # never copied
    assert stored.first_report.contact == "+17185550142"
    assert stored.first_report.sender_ref == "sender-of-the-first-report"
    client.force_login(colleague)
    page = client.post(f"/staff/incidents/reports/{follow_up.pk}/contact/").content.decode()
    assert "+17185550142" in page

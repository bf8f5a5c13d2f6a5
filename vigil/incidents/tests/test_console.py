import pytest

from conftest import verify_by_two_people
from vigil.accounts.models import AuditEvent
from vigil.incidents import actions
from vigil.incidents.models import Incident, TimelineEntry
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input


def report(text="ICE agents at Roosevelt and 74th, two vans", area="QN0301", partner=None):
    return intake_actions.submit_report(build_input({"text": text, "area": area}), channel="web", partner=partner)[0]


@pytest.mark.django_db
def test_it_lists_candidate_incidents_for_dispatchers(client, colleague):
    r = report()
    client.force_login(colleague)
    page = client.get("/staff/incidents/")
    assert page.status_code == 200
    assert str(r.incident_id) in page.content.decode()
    partial = client.get("/staff/incidents/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()


@pytest.mark.django_db
def test_it_shows_the_reports_and_audits_the_reading(client, colleague):
    r = report()
    client.force_login(colleague)
    page = client.get(f"/staff/incidents/{r.incident_id}/")
    assert "Roosevelt and 74th" in page.content.decode()
    assert "<svg" in page.content.decode()
    assert AuditEvent.objects.filter(action="incident.reports_viewed", actor=colleague).exists()


@pytest.mark.django_db
def test_it_walks_the_state_machine_with_who_and_why(client, colleague):
    r = report()
    client.force_login(colleague)
    url = f"/staff/incidents/{r.incident_id}/transition/"
    client.post(url, {"to_state": "verifying", "reason": "responder sent"})
    client.post(url, {"to_state": "unconfirmed", "reason": "nobody could reach it"})
    incident = Incident.objects.get()
    assert incident.state == "unconfirmed"
    entries = TimelineEntry.objects.filter(incident=incident, kind="state")
    assert [(e.from_state, e.to_state, e.actor_id) for e in entries] == [
        ("reported", "verifying", colleague.pk),
        ("verifying", "unconfirmed", colleague.pk),
    ]


@pytest.mark.django_db
def test_it_refuses_impossible_transitions_and_retractions_without_reason(colleague):
    incident = report().incident
    with pytest.raises(actions.TransitionRefused):
        actions.transition(incident, "closed", actor=colleague)  # must be settled first
    verify_by_two_people(incident, colleague)
    with pytest.raises(actions.TransitionRefused):
        actions.transition(incident, "false_alarm", actor=colleague, reason="")
    actions.transition(incident, "false_alarm", actor=colleague, reason="agents were utility workers")
    actions.transition(incident, "closed", actor=colleague)
    reopened = actions.transition(incident, "verifying", actor=colleague, reason="new reports")
    assert reopened.state == "verifying"


@pytest.mark.django_db
def test_it_shows_who_holds_an_incident_and_lets_an_admin_break_it(client, colleague, owner, staff_factory, org):
    incident = report().incident
    other = staff_factory("second-dispatcher", "dispatcher", org)
    assert actions.take_hold(incident, actor=colleague)
    assert not actions.take_hold(incident, actor=other)
    client.force_login(owner)
    client.post(f"/staff/incidents/{incident.pk}/break-hold/")
    assert actions.take_hold(incident, actor=other)


@pytest.mark.django_db
def test_it_tells_the_reporter_when_the_incident_is_verified(client, colleague):
    r = report()
    verify_by_two_people(r.incident, colleague)
    r.refresh_from_db()
    assert intake_actions.public_status(r) == "verified"


@pytest.mark.django_db
def test_it_hides_a_partners_incident_from_other_organizations(client, org, outsider):
    r = report(partner=org)
    client.force_login(outsider)
    assert client.get(f"/staff/incidents/{r.incident_id}/").status_code == 404


@pytest.mark.django_db
def test_it_keeps_a_dispatchers_correction_for_the_next_similar_report(colleague):

    first = report("ICE agents at Roosevelt and 74th, two vans")
    second = report("Agents with vests at the laundromat on 78th street and 37th avenue")
    if first.incident_id != second.incident_id:
        actions.merge(Incident.objects.get(pk=second.incident_id), first.incident, actor=colleague)
    separate = actions.split_report(Report.objects.get(pk=second.pk), actor=colleague)
    from vigil.incidents.actions import _open_summary

    row = Incident.objects.filter(pk=first.incident_id).values_list("grouping_summary", flat=True).get()
    state = _open_summary(first.incident_id, row)
    assert state.report_count == 1
    assert Incident.objects.get(pk=separate.pk).report_count == 1


@pytest.mark.django_db
def test_it_keeps_the_reasons_staff_write_sealed(colleague):
    from django.db import connection

    incident = report().incident
    actions.transition(incident, "false_alarm", actor=colleague, reason="Canaryreason Maria was not there")
    entry = TimelineEntry.objects.get(incident=incident, kind="state")
    assert entry.reason == "Canaryreason Maria was not there"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM incidents_timelineentry WHERE id = %s", [entry.id])
        assert b"Canaryreason" not in bytes(cursor.fetchone()[0])

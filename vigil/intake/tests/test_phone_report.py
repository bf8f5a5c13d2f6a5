"""The dispatchers' form for a report taken by phone: intake's staff page, the public form's questions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent, Role
from vigil.intake.models import Report

URL = "/staff/reports/phone/"


def form_key(client):
    page = client.get(URL)
    assert page.status_code == 200
    return page.content.decode().split('name="form_key" value="')[1].split('"')[0]


def phone_values(client, **values):
    seen = timezone.localtime(timezone.now() - timedelta(minutes=25))
    data = {
        "form_key": form_key(client),
        "language": "es",
        "text": "Llamó una vecina: agentes de ICE en Roosevelt y la 74, se llevaron a dos personas",
        "area": "QN0301",
        "place_text": "Roosevelt Ave y la 74",
        "occurred_at": seen.strftime("%Y-%m-%dT%H:%M"),
        "salute_size": "about twelve",
        "salute_vehicles": "four black SUVs",
        "salute_uniform": "vests marked POLICE ERO",
        "salute_agency": "ICE ERO",
        "salute_equipment": "battering ram",
        "people_detained": "yes",
        "contact": "+1 718 555 0142",
    }
    data.update(values)
    return data


@pytest.mark.django_db
def test_it_asks_the_public_forms_questions_with_a_neighborhood_picker(client, colleague):
    client.force_login(colleague)
    html = client.get(URL).content.decode()
    for name in (
        "text",
        "area",
        "place_text",
        "occurred_at",
        "salute_size",
        "salute_vehicles",
        "salute_uniform",
        "salute_agency",
        "salute_equipment",
        "people_detained",
        "contact",
        "language",
    ):
        assert f'name="{name}"' in html, name
    assert '<option value="QN0301"' in html
    assert 'name="lat"' not in html and 'type="file"' not in html


@pytest.mark.django_db
def test_it_stores_every_answer_through_the_intake_action_and_audits_the_dispatcher(client, colleague):
    client.force_login(colleague)
    response = client.post(URL, phone_values(client))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/incidents/{report.incident_id}/"
    assert report.channel == "hotline"
    assert report.form_language == "es" and report.language == "es"
    assert report.area == "QN0301"
    assert report.place_text == "Roosevelt Ave y la 74"
    assert report.people_detained == "yes"
    assert report.salute == {
        "size": "about twelve",
        "vehicles": "four black SUVs",
        "uniform": "vests marked POLICE ERO",
        "agency": "ICE ERO",
        "equipment": "battering ram",
    }
    assert report.contact == "+1 718 555 0142"
    assert timezone.now() - report.occurred_at > timedelta(minutes=20)
    event = AuditEvent.objects.get(action="report.received", object_id=audit.key_of(report))
    assert event.actor_id == colleague.pk and event.actor_kind == "user"
    assert event.detail.get("channel") == "hotline"


@pytest.mark.django_db
def test_it_stores_one_report_when_the_form_is_sent_twice(client, colleague):
    client.force_login(colleague)
    values = phone_values(client)
    first = client.post(URL, values)
    second = client.post(URL, values)
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_it_keeps_what_was_typed_and_says_what_is_wrong(client, colleague):
    client.force_login(colleague)
    response = client.post(URL, phone_values(client, people_detained="maybe", text=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert "Please choose yes, no or don" in html
    assert "Please say what is happening." in html
    assert 'value="four black SUVs"' in html and 'value="ICE ERO"' in html


@pytest.mark.django_db
def test_it_is_for_dispatchers_and_admins_only(client, colleague, owner, outsider, staff_factory, org):
    responder = staff_factory("responder", Role.RESPONDER, org)
    caseworker = staff_factory("caseworker", Role.CASEWORKER, org)
    assert client.get(URL).status_code == 302  # to sign-in
    assert client.post(URL, {"text": "ICE at 149th and 3rd"}).status_code == 302
    for person in (responder, caseworker):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"text": "ICE at 149th and 3rd"}).status_code == 403
    for person in (colleague, owner, outsider):
        client.force_login(person)
        assert client.get(URL).status_code == 200
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_sends_the_old_address_to_the_new_one_keeping_a_post(client, colleague, staff_factory, org):
    assert client.get("/staff/incidents/hotline/").status_code == 302  # to sign-in, not to the form
    client.force_login(staff_factory("responder", Role.RESPONDER, org))
    assert client.get("/staff/incidents/hotline/").status_code == 403
    client.force_login(colleague)
    moved = client.get("/staff/incidents/hotline/")
    assert moved.status_code == 308 and moved["Location"] == URL
    followed = client.post("/staff/incidents/hotline/", phone_values(client), follow=True)
    assert followed.redirect_chain[0] == (URL, 308)
    assert Report.objects.filter(channel="hotline").count() == 1


@pytest.mark.django_db
def test_it_is_linked_from_the_staff_home(client, colleague):
    client.force_login(colleague)
    assert f'href="{URL}"' in client.get("/staff/").content.decode()

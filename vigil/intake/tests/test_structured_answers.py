"""Every answer a reporter gives, from every channel that asks, reaches the dispatchers' incident page."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from vigil.accounts import actions as account_actions
from vigil.accounts.models import Role
from vigil.incidents.answers import Answer, format_time
from vigil.intake.models import Report

ANSWERS = {
    "size": "about twelve",
    "vehicles": "four black SUVs",
    "uniform": "vests marked POLICE ERO",
    "agency": "ICE ERO",
    "equipment": "battering ram",
}
QUESTIONS = [
    "Are people being detained?",
    "How many agents?",
    "How many vehicles?",
    "Uniforms or markings",
    "Which agency, if known",
    "Equipment (weapons, vehicles, other)",
    "When?",
]
TEXT = "ICE agents at Roosevelt Ave and 74th St taking people from the laundromat"
TWILIO_TOKEN = "test-twilio-auth-token"


def seen_at():
    return timezone.localtime(timezone.now() - timedelta(minutes=25)).replace(second=0, microsecond=0)


def form_key(client, url):
    return client.get(url).content.decode().split('name="form_key" value="')[1].split('"')[0]


def by_web_form(client, **_):
    data = {
        "form_key": form_key(client, "/report/"),
        "text": TEXT,
        "area": "QN0301",
        "occurred_at": seen_at().strftime("%Y-%m-%dT%H:%M"),
        "people_detained": "yes",
        **{f"salute_{key}": value for key, value in ANSWERS.items()},
    }
    assert client.post("/report/", data).status_code == 200


def by_phone(client, colleague, **_):
    client.force_login(colleague)
    data = {
        "form_key": form_key(client, "/staff/reports/phone/"),
        "language": "en",
        "text": TEXT,
        "area": "QN0301",
        "occurred_at": seen_at().strftime("%Y-%m-%dT%H:%M"),
        "people_detained": "yes",
        **{f"salute_{key}": value for key, value in ANSWERS.items()},
    }
    assert client.post("/staff/reports/phone/", data).status_code == 302
    client.logout()


def by_partner_api(client, org, **_):
    token = account_actions.create_partner_token(org)
    body = {
        "text": TEXT,
        "occurred_at": seen_at().isoformat(),
        "location": {"area": "QN0301"},
        "salute": {**ANSWERS, "activity": "knocking on every door"},
        "people_detained": "yes",
    }
    response = client.post(
        "/api/v1/reports", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201


def by_text_message(client, settings, sender, **_):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"
    url = "/hooks/twilio/inbound"
    params = {"MessageSid": "SM" + "7" * 32, "From": sender, "To": "+12125550100", "Body": TEXT}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature("https://vigil.example.org" + url, params)
    assert client.post(url, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 200


def incident_page(client, person, report):
    client.force_login(person)
    return client.get(f"/staff/incidents/{report.incident_id}/")


def expected_values(report):
    return ["Yes", *ANSWERS.values(), format_time(report.occurred_at)]


@pytest.mark.django_db
@pytest.mark.parametrize("send", [by_web_form, by_phone], ids=["web", "phone"])
def test_it_shows_each_answer_from_the_network_channels_to_dispatchers_only(
    client, colleague, staff_factory, org, send
):
    send(client, colleague=colleague)
    report = Report.objects.get()
    page = incident_page(client, colleague, report)
    html = page.content.decode()
    assert page.status_code == 200
    for text in QUESTIONS:
        assert f"<dt>{text}</dt>" in html, text
    for text in expected_values(report):
        assert f'<dd dir="auto">{text}</dd>' in html, text
    # Reports from the web form and the phone belong to the whole network, whose dispatchers all verify
    # them; people outside the console never see them.
    client.logout()
    assert client.get(f"/staff/incidents/{report.incident_id}/").status_code == 302
    for person in (staff_factory("responder", Role.RESPONDER, org), staff_factory("caseworker", Role.CASEWORKER, org)):
        page = incident_page(client, person, report)
        assert page.status_code == 403 and "battering ram" not in page.content.decode()


@pytest.mark.django_db
def test_it_shows_each_answer_from_a_partner_to_its_own_dispatchers_and_not_to_the_outsider(
    client, colleague, outsider, org
):
    by_partner_api(client, org=org)
    report = Report.objects.get()
    assert report.incident.organization == org
    html = incident_page(client, colleague, report).content.decode()
    for text in [*QUESTIONS, "What were they doing?"]:
        assert f"<dt>{text}</dt>" in html, text
    for text in ["knocking on every door", *expected_values(report)]:
        assert f'<dd dir="auto">{text}</dd>' in html, text
    page = incident_page(client, outsider, report)
    assert page.status_code == 404
    for text in ANSWERS.values():
        assert text not in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("sender", ["+17185550142", "whatsapp:+17185550142"], ids=["sms", "whatsapp"])
def test_it_says_not_asked_for_text_messages(client, colleague, settings, sender):
    by_text_message(client, settings=settings, sender=sender)
    report = Report.objects.get()
    assert report.structured_answers() is None
    html = incident_page(client, colleague, report).content.decode()
    assert "Questions: not asked" in html
    assert "Are people being detained?" not in html


@pytest.mark.django_db
def test_it_says_none_answered_when_the_form_questions_were_left_empty(client, colleague):
    client.post("/report/", {"form_key": form_key(client, "/report/"), "text": TEXT, "area": "QN0301"})
    report = Report.objects.get()
    assert report.structured_answers() == []
    html = incident_page(client, colleague, report).content.decode()
    assert "Questions: none answered" in html and "When?" not in html


@pytest.mark.django_db
def test_it_rolls_the_answers_up_on_the_incident(client, colleague, settings):
    from vigil.intake import actions
    from vigil.intake.validation import build_input

    answers = ["yes", "yes", "no", "yes", ""]
    incident = None
    for detained in answers:
        raw = {"text": TEXT, "area": "QN0301", "people_detained": detained, "salute": {"agency": "ICE"}}
        report, _secret, _created = actions.submit_report(build_input(raw), channel="web")
        incident = incident or report.incident
        assert report.incident == incident
    by_text_message(client, settings=settings, sender="+17185550142")
    assert incident.reports.count() == 6
    html = incident_page(client, colleague, report).content.decode()
    assert "What reporters answered" in html
    assert "Yes</bdi>: 3 of 5 reports" in html
    assert "No</bdi>: 1 of 5 reports" in html
    assert "ICE</bdi>: 5 of 5 reports" in html
    assert "Not asked (SMS, WhatsApp, additions)</dt><dd>1 of 6 reports" in html


@pytest.mark.django_db
def test_it_reads_the_answers_the_same_once_their_text_is_sealed(client, colleague, monkeypatch):
    """The correctness issue seals the SALUTE answers (EncryptedTextField, JSON text): the accessor reads
    both, and the incident page reads answers only through it."""
    report = Report(channel="web", people_detained="no", salute=dict(ANSWERS))
    sealed = Report(channel="web", people_detained="no", salute=json.dumps(ANSWERS))
    assert sealed.structured_answers() == report.structured_answers()
    assert [a.display for a in sealed.structured_answers()] == ["No", *ANSWERS.values()]
    assert Report(channel="web", salute="{unreadable").structured_answers() == []

    by_web_form(client)
    stored = Report.objects.get()
    shown = [Answer("size", "How many agents?", "x", "ANSWER READ THROUGH THE ACCESSOR")]
    monkeypatch.setattr(Report, "structured_answers", lambda self: shown)
    html = incident_page(client, colleague, stored).content.decode()
    assert "ANSWER READ THROUGH THE ACCESSOR" in html
    for raw in ANSWERS.values():
        assert raw not in html


@pytest.mark.django_db
def test_it_asks_nothing_of_an_addition_made_with_the_receipt(client):
    by_web_form(client)
    first = Report.objects.get()
    client.post(
        "/report/status/", {"code": first.receipt_code, "secret": first.receipt_secret, "addition": "They left"}
    )
    addition = Report.objects.get(follow_up_of=first)
    assert addition.structured_answers() is None
    assert first.structured_answers()[0].display == "Yes"

"""Malformed input and isolation cases found in review: each gets a clear 4xx, stores nothing, leaks nothing."""

import json

import pytest

from vigil.intake import actions
from vigil.intake.models import ProviderMessage, Report
from vigil.intake.validation import build_input


def post(client, raw, content_type="application/json", **headers):
    return client.post("/api/v1/reports", data=raw, content_type=content_type, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        json.dumps({"text": "ok", "channel": []}),
        json.dumps({"text": "ok", "location": {"lat": 10**400, "lon": 1}}),
        '{"text": "ok", "n": ' + "9" * 5000 + "}",
        '{"text": "bad \\ud800 surrogate"}',
        json.dumps({"text": "ok", "location": {"description": "\ud800"}}),
        json.dumps({"text": "ok", "salute": {"uniform": "\ud800"}}),
        json.dumps({"text": "ok", "altcha": "eyJzYWx0IjogMX0="}),
    ],
)
def test_it_answers_malformed_json_with_a_4xx_never_a_500(client, raw):
    response = post(client, raw)
    assert 400 <= response.status_code < 500 or response.status_code == 201
    if response.status_code != 201:
        assert "error" in response.json()
        assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_bodies_that_are_not_json(client):
    response = post(client, "text=ICE", content_type="text/plain")
    assert response.status_code == 415
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_does_not_let_anonymous_callers_claim_a_channel_or_skip_the_challenge(client):
    response = post(client, json.dumps({"text": "ICE at 149th and 3rd", "channel": "hotline"}))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.channel == "api"
    assert not report.verified_submission


@pytest.mark.django_db
def test_it_never_groups_one_organizations_reports_with_anothers(org, other_org):
    def submit(partner):
        data = build_input({"text": "ICE agents at Roosevelt and 74th, two vans", "area": "QN0301"})
        return actions.submit_report(data, channel="api", partner=partner)[0]

    public, first, second = submit(None), submit(org), submit(other_org)
    assert len({public.incident_id, first.incident_id, second.incident_id}) == 3


@pytest.mark.django_db
def test_it_keeps_no_provider_message_id(client, settings):
    from twilio.request_validator import RequestValidator

    settings.TWILIO_AUTH_TOKEN = "tok"
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"
    sid = "SM" + "7" * 32
    params = {"MessageSid": sid, "From": "+17185550142", "Body": "ICE agents at 149th and 3rd"}
    signature = RequestValidator("tok").compute_signature("https://vigil.example.org/hooks/twilio/inbound", params)
    client.post("/hooks/twilio/inbound", params, HTTP_X_TWILIO_SIGNATURE=signature)
    client.post(
        "/hooks/twilio/inbound",
        {**params, "MessageSid": "SM" + "8" * 32, "Body": "YES"},
        HTTP_X_TWILIO_SIGNATURE=RequestValidator("tok").compute_signature(
            "https://vigil.example.org/hooks/twilio/inbound", {**params, "MessageSid": "SM" + "8" * 32, "Body": "YES"}
        ),
    )
    report = Report.objects.get()
    assert sid not in (report.idempotency_key or "")
    assert not ProviderMessage.objects.filter(sid__contains="7777").exists()


@pytest.mark.django_db
def test_it_coarsens_a_reporters_position(client):
    data = build_input({"text": "ICE agents here", "lat": "40.746851", "lon": "-73.891437"})
    assert (data.lat, data.lon) == (40.747, -73.891)


@pytest.mark.django_db
def test_it_answers_ids_that_are_not_ids_with_404(client, colleague):
    report = actions.submit_report(build_input({"text": "ICE at Roosevelt and 74th", "area": "QN0301"}), channel="web")[
        0
    ]
    client.force_login(colleague)
    # A wrong merge choice is said in words on the merge page (vigil/incidents/tests/test_corrections.py).
    assert client.post(f"/staff/incidents/{report.incident_id}/merge/", {"target": "not-an-id"}).status_code == 400
    assert client.post(f"/staff/incidents/{report.incident_id}/offer/", {"responder": "x"}).status_code == 404


@pytest.mark.django_db
def test_it_closes_the_incident_to_a_responder_who_declined(client, colleague, staff_factory, org):
    from vigil.incidents import dispatching

    responder = staff_factory("decliner", "responder", org)
    report = actions.submit_report(build_input({"text": "ICE at Roosevelt and 74th", "area": "QN0301"}), channel="web")[
        0
    ]
    dispatch = dispatching.offer(report.incident, responder, actor=colleague)
    client.force_login(responder)
    assert client.get(f"/staff/incidents/{report.incident_id}/document/").status_code == 404  # offered only
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)
    assert client.get(f"/staff/incidents/{report.incident_id}/document/").status_code == 200
    dispatching.dispatch_move(dispatch, "safe", actor=responder)
    assert client.get(f"/staff/incidents/{report.incident_id}/document/").status_code == 404

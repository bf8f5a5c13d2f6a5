"""Every answer of the API under /api/ that is an error, whatever its cause (a body nested too deep, a
path that does not exist, a wrong method, a crash), is JSON in the documented shape, never an HTML page."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from vigil.accounts import actions as account_actions
from vigil.intake.models import Report
from vigil.lib.openapi import document

# About 2 KB: small enough to pass every size limit, deep enough to exhaust Python's recursion.
DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_IN_A_REPORT = '{"text": "ICE vans", "salute": {"size": ' + "[" * 1000 + "]" * 1000 + "}}"
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


def assert_documented_error(response, status: int) -> dict:
    """The Error schema of the OpenAPI document: an object with a string `error`, `fields` an object if any."""
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    schema = document()["components"]["schemas"]["Error"]
    assert isinstance(body, dict) and set(schema["required"]) <= set(body)
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body.get("fields", {}), dict)
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [DEEP_ARRAY, DEEP_IN_A_REPORT, DEEP_OBJECT])
def test_it_refuses_json_nested_too_deep_with_a_json_400(client, raw):
    assert len(raw) < 8 * 1024
    response = client.post("/api/v1/reports", data=raw, content_type="application/json")
    assert_documented_error(response, 400)
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_json_nested_too_deep_from_a_partner_with_a_json_400(client, org):
    token = account_actions.create_partner_token(org)
    response = client.post(
        "/api/v1/reports", data=DEEP_IN_A_REPORT, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert_documented_error(response, 400)


@pytest.mark.django_db
def test_it_still_takes_a_report_nested_as_deep_as_the_api_needs(client):
    body = {"text": "ICE vans at Roosevelt Ave", "location": {"description": "74th St"}, "salute": {"size": "6"}}
    response = client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201


@pytest.fixture
def alert_and_token(colleague):
    from vigil.alerts import actions as alert_actions
    from vigil.alerts.tests.conftest import make_incident

    incident = make_incident(colleague.organization, colleague)
    alert = alert_actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    return alert, account_actions.create_staff_token(colleague)


@pytest.mark.django_db
def test_it_refuses_json_nested_too_deep_on_the_alerts_send_api_with_a_json_400(client, alert_and_token):
    alert, token = alert_and_token
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data=DEEP_OBJECT,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert_documented_error(response, 400)
    alert.refresh_from_db()
    assert alert.state == "draft"


@pytest.mark.django_db
def test_it_answers_an_unknown_api_path_with_a_json_404():
    response = Client().get("/api/v1/nothing-here")
    assert_documented_error(response, 404)


def test_it_still_answers_an_unknown_page_with_an_html_404(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_it_answers_a_crash_under_the_api_with_a_json_500(monkeypatch):
    from vigil.intake import actions

    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(actions, "submit_report", crash)
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/reports", data='{"text": "ICE vans"}', content_type="application/json")
    body = assert_documented_error(response, 500)
    assert "a bug" not in json.dumps(body)  # nothing of the crash itself is shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/v1/reports", "POST"),
        ("put", "/api/v1/reports", "POST"),
        ("delete", f"/api/v1/reports/{uuid.uuid4()}", "GET"),
        ("post", "/api/v1/openapi.json", "GET"),
        ("patch", f"/api/v1/alerts/{uuid.uuid4()}", "GET"),
        ("get", f"/api/v1/alerts/{uuid.uuid4()}/send", "POST"),
    ],
)
def test_it_answers_a_wrong_method_with_a_json_405_that_says_what_is_allowed(client, colleague, method, path, allowed):
    token = account_actions.create_staff_token(colleague)
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_documented_error(response, 405)
    assert response["Allow"] == allowed


@pytest.mark.django_db
def test_it_refuses_json_nested_too_deep_on_the_alerts_send_api_whatever_the_content_type(alert_and_token):
    alert, token = alert_and_token
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/api/v1/alerts/{alert.pk}/send",
        data=DEEP_OBJECT,
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert_documented_error(response, 400)

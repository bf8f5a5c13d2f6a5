"""A refused request (403) is logged as one line: the view's name and the status, nothing a person sent."""

import logging

import pytest
from django.test import Client

MARKER = "a-secret-someone-typed"


def refusals(caplog):
    return [r for r in caplog.records if getattr(r, "status_code", None) == 403 or "403" in r.getMessage()]


@pytest.mark.django_db
def test_it_logs_a_permission_denied_as_one_line_without_traceback_or_path(client, colleague, owner, caplog):
    client.force_login(colleague)
    with caplog.at_level(logging.WARNING):
        response = client.get(f"/staff/admin/accounts/user/{owner.pk}/change/?q={MARKER}")
    assert response.status_code == 403
    (record,) = refusals(caplog)
    assert record.getMessage() == "Forbidden: view admin:accounts_user_change, status 403"
    assert record.exc_info is None and record.request is None
    assert str(owner.pk) not in caplog.text and MARKER not in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_it_logs_a_refused_webhook_signature_by_view_name(client, settings, caplog):
    settings.TWILIO_AUTH_TOKEN = "test-twilio-auth-token"
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/hooks/twilio/inbound",
            {"MessageSid": "SM" + "1" * 32, "From": "+17185550142", "Body": MARKER},
            HTTP_X_TWILIO_SIGNATURE="forged",
        )
    assert response.status_code == 403
    (record,) = refusals(caplog)
    assert record.getMessage() == "Forbidden: view twilio_inbound, status 403"
    assert MARKER not in caplog.text and "7185550142" not in caplog.text and "/hooks/" not in caplog.text


@pytest.mark.django_db
def test_it_logs_a_csrf_refusal_without_its_reason_or_path(caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING):
        response = client.post("/report/", {"text": MARKER})
    assert response.status_code == 403
    (record,) = refusals(caplog)
    assert record.getMessage() == "Forbidden: view report_form, status 403"
    assert MARKER not in caplog.text and "/report/" not in caplog.text and "CSRF" not in caplog.text

"""Canary personal data entered through every entry point must not be readable at rest."""

import hashlib
import json
import logging
import uuid

import pytest
from django.db import connection

from conftest import PASSWORD
from vigil.accounts import actions as account_actions
from vigil.privacy.tests.storage import places_holding
from vigil.work import actions as work_actions

SENTINEL = "203.0.113.77"


@pytest.fixture
def canary():
    tag = uuid.uuid4().hex[:10]
    return {
        "text": f"Canarytext{tag} Maria was taken by ICE at Roosevelt and 74th",
        "place": f"Canaryplace{tag} behind the bakery",
        "phone": "+1 718 555 01" + str(int(tag[:4], 16) % 90 + 10),
        "email": f"canary{tag}@example.org",
        "salute": f"Canarysalute{tag}",
    }


def form_key(client):
    page = client.get("/report/")
    return page.content.decode().split('name="form_key" value="')[1].split('"')[0]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_canary_personal_data_unreadable_everywhere(client, canary, org, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(
        "/report/",
        {
            "form_key": form_key(client),
            "text": canary["text"],
            "place_text": canary["place"],
            "contact": canary["phone"],
            "salute_uniform": canary["salute"],
        },
    )
    token = account_actions.create_partner_token(org)
    client.post(
        "/api/v1/reports",
        data=json.dumps(
            {
                "text": canary["text"] + " api",
                "contact": canary["email"],
                "location": {"description": canary["place"]},
                "salute": {"equipment": canary["salute"]},
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="c1",
    )
    work_actions.run_pending_now()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    from vigil.intake.models import Report

    assert Report.objects.count() == 2
    # Positive controls: the search does find what is stored in the clear on purpose.
    assert "database" in places_holding(Report.objects.first().receipt_code)
    assert "cache" in places_holding("addrsalt")
    for key, value in canary.items():
        assert places_holding(value, caplog.text) == [], key
        digits = value.replace(" ", "").replace("+", "")
        if key == "phone":
            assert places_holding(digits, caplog.text) == [], "phone digits"
    assert places_holding(token, caplog.text) == []


@pytest.mark.django_db(transaction=True)
def test_it_keeps_no_trace_of_a_client_address(client, colleague, caplog):
    caplog.set_level(logging.DEBUG)
    meta = {"REMOTE_ADDR": SENTINEL, "HTTP_X_FORWARDED_FOR": SENTINEL}
    for _ in range(7):  # past the lockout
        client.post("/accounts/login/", {"login": "colleague", "password": "wrong"}, **meta)
    client.post("/accounts/login/", {"login": "colleague", "password": PASSWORD}, **meta)
    client.post("/report/", {"form_key": form_key(client), "text": "ICE van at Roosevelt and 74th"}, **meta)
    client.post(
        "/api/v1/reports", data=json.dumps({"text": "ICE at 149th and 3rd"}), content_type="application/json", **meta
    )
    needles = [
        SENTINEL,
        hashlib.sha256(SENTINEL.encode()).hexdigest(),
        hashlib.md5(SENTINEL.encode()).hexdigest(),
        hashlib.sha1(SENTINEL.encode()).hexdigest(),
    ]
    for needle in needles:
        assert places_holding(needle, caplog.text) == [], needle

"""A partner's Idempotency-Key: up to 80 characters (the OpenAPI document's maxLength), kept whole and stored
on every engine; a longer key is refused rather than cut (two keys cut alike would meet as one report)."""

from __future__ import annotations

import json
import uuid

import pytest

from vigil.accounts import actions as account_actions
from vigil.intake.models import Report
from vigil.lib.openapi import document

URL = "/api/v1/reports"
BODY = json.dumps({"text": "ICE agents at Roosevelt Ave and 74th St, two vans"})


def documented_max_key() -> int:
    parameters = document()["paths"][URL]["post"]["parameters"]
    return next(p["schema"]["maxLength"] for p in parameters if p["name"] == "Idempotency-Key")


MAX_KEY = 80  # the OpenAPI document's maxLength: held to it below


def post(client, key, token=None, body=BODY):
    headers = {"HTTP_IDEMPOTENCY_KEY": key}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post(URL, data=body, content_type="application/json", **headers)


@pytest.fixture
def partner_token(org):
    return account_actions.create_partner_token(org)


@pytest.mark.django_db
@pytest.mark.parametrize("as_partner", [True, False])
def test_it_refuses_a_key_over_the_limit_with_a_json_400(client, partner_token, as_partner):
    response = post(client, "k" * (MAX_KEY + 1), token=partner_token if as_partner else None)
    assert response.status_code == 400
    assert response.json()["error"] and set(response.json()["fields"]) == {"Idempotency-Key"}
    assert Report.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["k\x00ey", "k\x1bey"])
def test_it_refuses_a_key_with_control_characters(client, partner_token, key):
    response = post(client, key, token=partner_token)
    assert response.status_code == 400 and Report.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("length", [60, 70, MAX_KEY])
def test_it_stores_a_partner_report_under_the_longest_key_and_finds_it_again(client, partner_token, length):
    key = "k" * length
    first = post(client, key, token=partner_token)
    assert first.status_code == 201
    again = post(client, key, token=partner_token)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    # Another key alike in its first 80 characters is another report: nothing is cut.
    assert post(client, key[:-1] + "j", token=partner_token).json()["id"] != first.json()["id"]


def test_it_has_room_in_the_column_for_the_longest_key_a_partner_may_send():
    """SQLite does not enforce a varchar's length and PostgreSQL does: checked here whatever the engine."""
    from vigil.intake import api

    assert api.MAX_IDEMPOTENCY_KEY == MAX_KEY == documented_max_key()
    longest_scoped = f"org:{uuid.uuid4()}:{'k' * MAX_KEY}"
    assert len(longest_scoped) <= Report._meta.get_field("idempotency_key").max_length

import json

import pytest

from vigil.accounts import actions as account_actions
from vigil.intake.models import Report

URL = "/api/v1/reports"


def post(client, body, token=None, key=None, raw=None):
    headers = {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    data = raw if raw is not None else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


@pytest.fixture
def partner_token(org):
    return account_actions.create_partner_token(org)


GOOD = {
    "text": "ICE agents at Roosevelt Ave and 74th St, two vans",
    "occurred_at": "2026-11-28T09:15:00-05:00",
    "location": {"description": "Roosevelt y la 74", "lat": 40.74685, "lon": -73.89143},
    "salute": {"size": "6", "vehicles": "2"},
}


@pytest.mark.django_db
def test_it_accepts_a_partner_report_and_names_its_incident(client, partner_token):
    body = dict(GOOD, occurred_at=None)
    response = post(client, body, token=partner_token, key="k-1")
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"id", "receipt", "language", "area", "incident", "people_detained"}
    assert data["language"] == "en"
    assert data["area"] == "QN0301"
    assert data["incident"] is not None


@pytest.mark.django_db
def test_it_hides_the_incident_from_anonymous_callers(client):
    response = post(client, dict(GOOD, occurred_at=None))
    assert response.status_code == 201
    assert response.json()["incident"] is None


@pytest.mark.django_db
def test_it_stores_one_report_per_idempotency_key(client, partner_token):
    first = post(client, dict(GOOD, occurred_at=None), token=partner_token, key="same")
    second = post(client, dict(GOOD, occurred_at=None), token=partner_token, key="same")
    assert first.json()["id"] == second.json()["id"]
    assert second.status_code == 200
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_it_reads_a_report_with_duplicate_candidates_for_its_partner_only(client, org, other_org, partner_token):
    a = post(client, dict(GOOD, occurred_at=None), token=partner_token, key="a").json()
    b = post(
        client, dict(GOOD, occurred_at=None, text="Two ICE vans at 74 St and Roosevelt"), token=partner_token, key="b"
    ).json()
    response = client.get(f"{URL}/{a['id']}", HTTP_AUTHORIZATION=f"Bearer {partner_token}")
    assert response.status_code == 200
    assert b["id"] in response.json()["duplicate_candidates"]
    stranger = account_actions.create_partner_token(other_org)
    assert client.get(f"{URL}/{a['id']}", HTTP_AUTHORIZATION=f"Bearer {stranger}").status_code == 404
    assert client.get(f"{URL}/{a['id']}").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw,status",
    [
        (b"{not json", 400),
        (b"\xff\xfe\x00", 400),
        (b"[1, 2]", 400),
        (json.dumps({"text": ""}).encode(), 400),
        (json.dumps({"text": "a" * 4001}).encode(), 400),
        (json.dumps({"text": "ok", "location": {"lat": "north", "lon": 1}}).encode(), 400),
        (json.dumps({"text": "ok", "location": {"lat": 41.5, "lon": -70.1}}).encode(), 400),
        (json.dumps({"text": "ok", "location": {"area": "XX0000"}}).encode(), 400),
        (json.dumps({"text": "ok", "occurred_at": "last tuesday"}).encode(), 400),
        (json.dumps({"text": "nul \u0000 byte"}).encode(), 400),
        (json.dumps({"text": "ok", "location": "Queens"}).encode(), 400),
        (json.dumps({"text": "ok", "channel": "pigeon"}).encode(), 400),
        (b"{" + b'"text": "' + b"a" * 70000 + b'"}', 413),
    ],
)
def test_it_refuses_malformed_requests_with_json_errors_and_stores_nothing(client, raw, status):
    response = post(client, None, raw=raw)
    assert response.status_code == status
    assert "error" in response.json()
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_bad_token(client):
    response = post(client, dict(GOOD, occurred_at=None), token="vgl_forged")
    assert response.status_code == 401
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_serves_its_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports" in doc["paths"]
    assert doc["openapi"].startswith("3.")


@pytest.mark.django_db
def test_it_refuses_a_partner_key_reused_for_a_different_report(client, partner_token):
    post(client, dict(GOOD, occurred_at=None), token=partner_token, key="reused")
    other = post(
        client, dict(GOOD, occurred_at=None, text="Different scene entirely"), token=partner_token, key="reused"
    )
    assert other.status_code == 409
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_it_never_hands_an_anonymous_caller_someone_elses_report_for_their_key(client):
    first = post(client, dict(GOOD, occurred_at=None), key="guessable")
    retry = post(client, dict(GOOD, occurred_at=None), key="guessable")
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    stranger = post(client, dict(GOOD, occurred_at=None, text="ICE at Fordham Road, one van"), key="guessable")
    assert stranger.status_code == 201
    assert stranger.json()["id"] != first.json()["id"]
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_it_takes_people_detained_and_gives_it_back(client, partner_token, other_org):
    created = post(client, dict(GOOD, occurred_at=None, people_detained="yes"), token=partner_token).json()
    assert created["people_detained"] == "yes"
    assert Report.objects.get().people_detained == "yes"
    read = client.get(f"{URL}/{created['id']}", HTTP_AUTHORIZATION=f"Bearer {partner_token}")
    assert read.json()["people_detained"] == "yes"
    outsider = account_actions.create_partner_token(other_org)
    assert client.get(f"{URL}/{created['id']}", HTTP_AUTHORIZATION=f"Bearer {outsider}").status_code == 404
    unanswered = post(client, dict(GOOD, occurred_at=None, text="ICE at 149th and 3rd"), token=partner_token).json()
    assert unanswered["people_detained"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["maybe", True, 2, ["yes"]])
def test_it_refuses_an_answer_to_people_detained_it_does_not_know(client, partner_token, value):
    response = post(client, dict(GOOD, occurred_at=None, people_detained=value), token=partner_token)
    assert response.status_code == 400
    assert "people_detained" in response.json()["fields"]
    assert Report.objects.count() == 0


def test_it_documents_people_detained_in_and_out(client):
    from pathlib import Path

    doc = client.get("/api/v1/openapi.json").json()
    ref = doc["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    answers = body["properties"]["people_detained"]["anyOf"]
    assert {"type": "string", "enum": ["yes", "no", "unknown"]} in answers and {"type": "null"} in answers
    out = doc["components"]["schemas"]["ReportOut"]
    assert "people_detained" in out["required"] and None in out["properties"]["people_detained"]["enum"]
    page = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()
    assert "`people_detained`" in page

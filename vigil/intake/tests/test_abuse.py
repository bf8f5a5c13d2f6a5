import base64
import json

import altcha
import pytest

from vigil.incidents.models import Incident
from vigil.intake import abuse
from vigil.intake.models import Report


def solve(challenge: dict) -> str:
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"], 0
    )
    return base64.b64encode(
        json.dumps(
            {
                "algorithm": challenge["algorithm"],
                "challenge": challenge["challenge"],
                "number": solution.number,
                "salt": challenge["salt"],
                "signature": challenge["signature"],
            }
        ).encode()
    ).decode()


def page(client):
    html = client.get("/report/").content.decode()
    key = html.split('name="form_key" value="')[1].split('"')[0]
    challenge = json.loads(html.split('id="altcha-challenge" type="application/json">')[1].split("</script>")[0])
    return key, challenge


@pytest.fixture(autouse=True)
def small_challenges(settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    settings.REPORT_RATE_LIMIT = (3, 600)


@pytest.mark.django_db
def test_it_triages_solved_reports_before_unsolved_ones(client, colleague):
    key, challenge = page(client)
    client.post(
        "/report/", {"form_key": key, "text": "ICE at 149th and 3rd", "area": "BX0102", "altcha": solve(challenge)}
    )
    key2, _ = page(client)
    client.post("/report/", {"form_key": key2, "text": "Agentes en Flushing Main Street", "area": "QN0707"})
    solved, unsolved = Report.objects.get(area="BX0102"), Report.objects.get(area="QN0707")
    assert solved.verified_submission and not unsolved.verified_submission
    client.force_login(colleague)
    rows = client.get("/staff/incidents/").content.decode()
    assert rows.index(str(solved.incident_id)) < rows.index(str(unsolved.incident_id))


@pytest.mark.django_db
def test_it_refuses_a_replayed_solution():
    challenge = abuse.new_challenge()
    payload = solve(challenge)
    assert abuse.solution_is_valid(payload)
    assert not abuse.solution_is_valid(payload)
    assert not abuse.solution_is_valid("bm90IGpzb24=")


@pytest.mark.django_db
def test_it_asks_for_the_challenge_past_the_limit_but_never_locks_a_reporter_out(client, monkeypatch):
    # One rate-limit window throughout: a window boundary in the middle would reset the count.
    monkeypatch.setattr(abuse, "_clock", lambda: 1_800_000_000.0)
    for i in range(3):
        key, _ = page(client)
        assert (
            client.post("/report/", {"form_key": key, "text": f"ICE van {i} at Roosevelt and 74th"}).status_code == 200
        )
    key, _ = page(client)
    asked = client.post("/report/", {"form_key": key, "text": "ICE van again at Roosevelt and 74th"})
    assert asked.status_code == 429
    assert Report.objects.count() == 3
    again = client.post("/report/", {"form_key": key, "text": "ICE van again at Roosevelt and 74th", "asked": "1"})
    assert again.status_code == 200
    assert Report.objects.count() == 4
    key, challenge = page(client)
    solved = client.post("/report/", {"form_key": key, "text": "Still there", "altcha": solve(challenge)})
    assert solved.status_code == 200


@pytest.mark.django_db
def test_it_never_limits_partner_tokens(client, org):
    from vigil.accounts.actions import create_partner_token

    token = create_partner_token(org)
    for i in range(6):
        response = client.post(
            "/api/v1/reports",
            data=json.dumps({"text": f"ICE at 149th and 3rd #{i}"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 201
    assert Incident.objects.filter(has_solved_submission=True).exists()


@pytest.mark.django_db
def test_it_gives_anonymous_api_callers_a_challenge_past_the_limit(client):
    statuses = [
        client.post(
            "/api/v1/reports", data=json.dumps({"text": f"ICE at 149th and 3rd #{i}"}), content_type="application/json"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    challenge = client.post("/api/v1/reports", data=json.dumps({"text": "x"}), content_type="application/json").json()
    body = {"text": "ICE at 149th and 3rd", "altcha": solve(challenge["challenge"])}
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201

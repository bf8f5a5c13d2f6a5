"""The report body declared once: what the document promises is what the code takes, and a body refused by
a domain rule says which rule."""

from __future__ import annotations

import json
import re
import sys

import pytest

from vigil.intake.bodies import BLANK, NON_BLANK, RULE_AREA, RULE_CONTACT, RULE_TIME
from vigil.intake.models import Report

URL = "/api/v1/reports"


def test_it_calls_blank_exactly_what_strip_removes():
    blank = re.compile(f"[{BLANK}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(blank.fullmatch(char)) == char.isspace(), hex(code)


@pytest.mark.parametrize("text", ["\x1c", "\u3000 \t", "\x85"])
def test_it_refuses_text_that_is_blank_and_the_document_says_so(client, text):
    assert not re.fullmatch(NON_BLANK, text)
    response = client.post(URL, data=json.dumps({"text": text}), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid report", "fields": {"text": "Please say what is happening."}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body,rule,field",
    [
        ({"location": {"lat": 41.5, "lon": -70.1}}, RULE_AREA, "location"),
        ({"occurred_at": "2001-01-01T00:00:00Z"}, RULE_TIME, "occurred_at"),
        ({"occurred_at": "2999-01-01t00:00:00z"}, RULE_TIME, "occurred_at"),
        ({"contact": "12"}, RULE_CONTACT, "contact"),
    ],
)
def test_it_names_the_domain_rule_that_refused_a_well_formed_body(client, body, rule, field):
    response = client.post(URL, data=json.dumps({"text": "ICE vans", **body}), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == rule
    assert set(response.json()["fields"]) == {field}
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_it_says_invalid_report_when_a_body_is_malformed_as_well(client):
    body = {"text": "ICE vans", "contact": "12", "people_detained": "maybe"}
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.json()["error"] == "invalid report"
    assert set(response.json()["fields"]) == {"contact", "people_detained"}


@pytest.mark.django_db
def test_it_takes_a_salute_count_written_as_json_schema_allows(client):
    body = {"text": "ICE vans at Roosevelt Ave", "salute": {"size": 6.0, "vehicles": 2}}
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert Report.objects.get().salute == {"size": "6", "vehicles": "2"}


@pytest.mark.django_db
def test_it_refuses_half_a_map_position_and_null_coordinates(client):
    for location in ({"lat": 40.7}, {"lat": None, "lon": -73.9}):
        response = client.post(
            URL, data=json.dumps({"text": "ICE vans", "location": location}), content_type="application/json"
        )
        assert response.json()["fields"] == {"location": "The map position could not be read."}


def test_it_documents_the_rules_a_schema_cannot_state():
    from vigil.lib.openapi import document

    answer = document()["paths"][URL]["post"]["responses"]["400"]
    assert set(answer["x-domain-rules"]) == {RULE_AREA, RULE_TIME, RULE_CONTACT}
    location = document()["components"]["schemas"]["Location"]
    assert location["dependentRequired"] == {"lat": ["lon"], "lon": ["lat"]}
    assert "QN0301" in location["properties"]["area"]["anyOf"][0]["enum"]

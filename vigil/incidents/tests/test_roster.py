from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from vigil.incidents.roster import on_call, parse_hours, rank_responders
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input

NY = ZoneInfo("America/New_York")


def test_it_reads_on_call_hours_including_overnight_shifts():
    slots = parse_hours("mon 18:00-23:00, fri 22:00-06:00")
    assert on_call(slots, datetime(2026, 11, 30, 19, 0, tzinfo=NY))  # a Monday evening
    assert not on_call(slots, datetime(2026, 11, 30, 9, 0, tzinfo=NY))
    assert on_call(slots, datetime(2026, 11, 27, 23, 30, tzinfo=NY))  # Friday night
    with pytest.raises(ValueError):
        parse_hours("someday 25:00-26:00")


@pytest.mark.django_db
def test_it_puts_on_call_responders_of_the_area_and_language_first(client, colleague, staff_factory, org):
    incident = intake_actions.submit_report(
        build_input({"text": "Agentes de ICE en Roosevelt y la 74", "area": "QN0301"}), channel="web"
    )[0].incident
    near = staff_factory("near", "responder", org)
    far = staff_factory("far", "responder", org)
    client.force_login(colleague)
    client.post(
        "/staff/incidents/roster/",
        {"user": near.pk, "areas": "QN0301", "languages": ["es"], "on_call": "", "active": "1"},
    )
    client.post(
        "/staff/incidents/roster/", {"user": far.pk, "areas": "SI", "languages": ["ru"], "on_call": "", "active": "1"}
    )
    from vigil.accounts.models import User

    ranked = rank_responders(incident, User.objects.filter(role="responder").select_related("responder"))
    assert [c.user.username for c in ranked] == ["near", "far"]
    assert ranked[0].covers_area and ranked[0].speaks == ["es"]


@pytest.mark.django_db
def test_it_refuses_unknown_area_codes_in_the_roster(client, colleague, staff_factory, org):
    person = staff_factory("someone", "responder", org)
    client.force_login(colleague)
    response = client.post("/staff/incidents/roster/", {"user": person.pk, "areas": "ZZ9999", "on_call": ""})
    assert response.status_code == 400

"""A report in a language the signed-in staff member does not read is flagged, with who on duty reads it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.accounts import actions as account_actions
from vigil.accounts.models import User
from vigil.incidents import actions
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input


def spanish_report():
    r = intake_actions.submit_report(
        build_input({"text": "Agentes de ICE en Roosevelt y la 74, dos camionetas", "area": "QN0301"}), channel="web"
    )[0]
    Report.objects.filter(pk=r.pk).update(language="es")
    return r


def flag_of(client, incident_id):
    page = client.get(f"/staff/incidents/{incident_id}/").content.decode()
    if 'class="flag"' not in page:
        return None
    start = page.index('class="flag"')
    return page[start : page.index("</p>", start)]


@pytest.mark.django_db
def test_it_flags_a_report_the_reader_cannot_read_with_who_on_duty_reads_it(client, org, colleague, staff_factory):
    r = spanish_report()
    account_actions.set_languages(colleague, ["en"], actor=colleague)
    recent = staff_factory("recent-dispatcher", "dispatcher", org)
    earlier = staff_factory("earlier-dispatcher", "dispatcher", org)
    on_call = staff_factory("on-call-observer", "responder", org)
    off_call = staff_factory("off-call-observer", "responder", org)
    for person in (recent, earlier, on_call, off_call):
        account_actions.set_languages(person, ["es"], actor=person)
    now = timezone.now()
    User.objects.filter(pk=recent.pk).update(last_login=now - timedelta(minutes=10))
    User.objects.filter(pk=earlier.pk).update(last_login=now - timedelta(minutes=45))
    actions.set_responder_profile(on_call, areas=[], languages=[], on_call=[], active=True, actor=colleague)
    weekday = (timezone.localtime(now).weekday() + 3) % 7  # a shift on another day only
    actions.set_responder_profile(
        off_call, areas=[], languages=["es"], on_call=[[weekday, "00:00", "23:59"]], active=True, actor=colleague
    )
    client.force_login(colleague)
    flag = flag_of(client, r.incident_id)
    assert "You do not read Spanish." in flag
    assert "recent-dispatcher" in flag and "on-call-observer" in flag
    assert "earlier-dispatcher" not in flag and "off-call-observer" not in flag


@pytest.mark.django_db
def test_it_does_not_flag_a_language_the_reader_reads(client, colleague):
    r = spanish_report()
    account_actions.set_languages(colleague, ["en", "es"], actor=colleague)
    client.force_login(colleague)
    assert flag_of(client, r.incident_id) is None


@pytest.mark.django_db
def test_it_says_when_nobody_on_duty_reads_it_and_names_no_one_elsewhere(
    client, colleague, owner, outsider, staff_factory, other_org
):
    r = spanish_report()
    foreign = staff_factory("foreign-dispatcher", "dispatcher", other_org)
    account_actions.set_languages(foreign, ["es"], actor=foreign)
    User.objects.filter(pk=foreign.pk).update(last_login=timezone.now())
    for person in (colleague, owner):
        client.force_login(person)
        flag = flag_of(client, r.incident_id)
        assert "Nobody on duty reads it." in flag and "foreign-dispatcher" not in flag
    client.force_login(outsider)  # public intake is the whole network's: their own colleague is named
    assert "foreign-dispatcher" in flag_of(client, r.incident_id)
    client.force_login(owner)
    assert "Say which languages you read" in client.get(f"/staff/incidents/{r.incident_id}/").content.decode()

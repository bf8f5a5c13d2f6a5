"""Counts, dates and times in the reader's locale (Babel); identifiers in ASCII digits, isolated left to right."""

import datetime

import pytest
from django.utils import timezone, translation

from vigil.templatetags.localeformat import count, short_datetime, short_time

WHEN = datetime.datetime(2026, 12, 5, 14, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "12,345"), ("es", "12.345"), ("bn", "১২,৩৪৫"), ("ar", "12,345"), ("zh-hant", "12,345"), ("ht", "12 345")],
)
def test_it_formats_counts_for_the_locale(language, expected):
    with translation.override(language):
        assert count(12345).replace("\u00a0", " ").replace("\u202f", " ") == expected


def test_it_formats_times_and_dates_for_the_locale_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"
    with timezone.override("America/New_York"):
        with translation.override("en"):
            assert short_time(WHEN).replace("\u202f", " ") == "9:30 AM"
            assert short_datetime(WHEN).replace("\u202f", " ") == "12/5/26, 9:30 AM"
        with translation.override("es"):
            assert short_time(WHEN) == "9:30"
        with translation.override("zh-hant"):
            assert short_time(WHEN) == "上午9:30"
        with translation.override("ar"):
            assert short_time(WHEN).endswith("ص")


def test_empty_values_stay_empty():
    assert count(None) is None and short_time(None) == "" and short_datetime(None) == ""


@pytest.mark.django_db
def test_the_subscriber_counts_page_shows_counts_in_the_readers_locale(client, owner):
    from vigil.alerts import actions

    for n in range(3):
        actions.subscribe(channel="sms", address=f"+1718555010{n}", language="bn", areas=["QN0301"], via="web")
    client.force_login(owner)
    html = client.get("/staff/alerts/subscribers/?lang=bn").content.decode()
    assert ": ৩ · " in html  # three waiting for confirmation, in Bengali digits


@pytest.mark.django_db
def test_the_alert_list_shows_the_sent_time_for_the_locale_and_the_reference_isolated(client, colleague):
    from vigil.alerts.models import Alert
    from vigil.alerts.tests.conftest import make_incident

    incident = make_incident(colleague.organization, colleague)
    client.force_login(colleague)
    client.post(f"/staff/alerts/new/?incident={incident.pk}", {"kind": "verified_activity"})
    alert = Alert.objects.get()
    Alert.objects.filter(pk=alert.pk).update(sent_at=WHEN)
    html = client.get("/staff/alerts/?lang=zh-hant").content.decode()
    with translation.override("zh-hant"):
        assert short_datetime(WHEN) in html
    assert f'<bdi dir="ltr">{alert.ref}</bdi>' in html
    assert "2026-12-05" not in html

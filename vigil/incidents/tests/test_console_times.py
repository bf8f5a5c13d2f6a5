"""Times on the incident console in the reader's locale (Babel, vigil/templatetags/localeformat.py): the
order, AM/PM words and digits of the language, in the site's time zone, never a fixed "H:i"."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from vigil.alerts.tests.conftest import make_incident
from vigil.incidents.models import Incident
from vigil.intake.models import Report
from vigil.templatetags.localeformat import elapsed, short_datetime, short_time, time_with_seconds

WHEN = datetime.datetime(2026, 12, 5, 19, 7, 5, tzinfo=datetime.UTC)  # 2:07:05 PM in New York


@pytest.fixture
def incident(colleague, settings):
    settings.TIME_ZONE = "America/New_York"
    incident = make_incident(colleague.organization, colleague)
    Incident.objects.filter(pk=incident.pk).update(first_report_at=WHEN, last_report_at=WHEN)
    Report.objects.filter(incident=incident).update(received_at=WHEN)
    return incident


@pytest.mark.django_db
def test_it_shows_the_incidents_times_in_bengali_digits_and_words(client, colleague, incident):
    client.force_login(colleague)
    html = client.get(f"/staff/incidents/{incident.pk}/?lang=bn").content.decode()
    with translation.override("bn"), timezone.override("America/New_York"):
        first, received = short_datetime(WHEN), short_time(WHEN)
    assert "২:০৭" in received and "PM" in received
    assert first in html and received in html
    shown = re.sub(r' datetime="[^"]*"', "", html)  # the machine-readable time of <time> stays ISO 8601
    assert "14:07" not in shown and "2026-12-05" not in shown


@pytest.mark.django_db
def test_it_shows_the_queues_time_since_in_arabic(client, colleague, incident):
    client.force_login(colleague)
    html = client.get("/staff/incidents/?lang=ar").content.decode()
    with translation.override("ar"):
        since = elapsed(WHEN)
    assert since and since in html


def test_it_formats_a_timelines_time_with_seconds_for_the_locale(settings):
    with timezone.override("America/New_York"):
        with translation.override("en"):
            assert time_with_seconds(WHEN).replace("\u202f", " ") == "2:07:05 PM"
        with translation.override("bn"):
            assert time_with_seconds(WHEN).startswith("২:০৭:০৫")


def test_it_says_the_time_since_in_the_locales_words_and_digits(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: WHEN + datetime.timedelta(minutes=5))
    with translation.override("en"):
        assert elapsed(WHEN) == "5 minutes"
    with translation.override("bn"):
        assert "৫" in elapsed(WHEN)
    assert elapsed(WHEN + datetime.timedelta(hours=1)) in ("0 seconds", "0 second")

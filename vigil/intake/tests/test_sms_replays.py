"""A message Twilio delivers again is one report: across midnight, after the day's key has aged, and after
a restart of the web processes, without keeping its id (or a hash of it under a key kept on disk)."""

import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache.backends import locmem
from django.utils import timezone
from twilio.request_validator import RequestValidator

from vigil.intake.models import ProviderMessage, Report

TOKEN = "test-twilio-auth-token"
URL = "/hooks/twilio/inbound"
SID = "SM" + "5" * 32
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "replays"}}


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"


def send(client, body="ICE agents at 149th and 3rd right now", sid=SID):
    params = {"MessageSid": sid, "From": "+17185550142", "To": "+12125550100", "Body": body}
    signature = RequestValidator(TOKEN).compute_signature("https://vigil.example.org" + URL, params)
    return client.post(URL, params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def clock(monkeypatch):
    """Moves Vigil's notion of now, and the memory cache's clock with it, by hand."""
    real = locmem.time.time

    class Clock:
        start = datetime(2026, 12, 1, 23, 59, 30, tzinfo=UTC)
        offset = timedelta(0)

        def set(self, moment: datetime):
            self.offset = moment - self.start
            monkeypatch.setattr(timezone, "now", lambda: moment)

    clock = Clock()
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: real() + clock.offset.total_seconds()))
    return clock


@pytest.mark.django_db
def test_it_stores_one_report_for_a_message_delivered_again_after_midnight(client, settings, clock):
    settings.CACHES = LOCMEM
    clock.set(datetime(2026, 12, 1, 23, 59, 30, tzinfo=UTC))
    first = send(client)
    clock.set(datetime(2026, 12, 2, 0, 0, 30, tzinfo=UTC))
    again = send(client)
    assert Report.objects.count() == 1
    assert Report.objects.get().receipt_code in again.content.decode()
    assert first.content == again.content


@pytest.mark.django_db
def test_it_stores_one_report_for_a_message_delivered_again_a_day_after_the_days_key_was_made(client, settings, clock):
    settings.CACHES = LOCMEM
    clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=UTC))
    send(client)
    clock.set(datetime(2026, 12, 2, 0, 10, tzinfo=UTC))
    send(client)
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_it_answers_a_handled_keyword_delivered_again_after_midnight_without_handling_it_twice(client, settings, clock):
    settings.CACHES = LOCMEM
    clock.set(datetime(2026, 12, 1, 23, 59, 30, tzinfo=UTC))
    send(client, body="STOP", sid="SM" + "6" * 32)
    handled = ProviderMessage.objects.count()
    clock.set(datetime(2026, 12, 2, 0, 0, 30, tzinfo=UTC))
    send(client, body="STOP", sid="SM" + "6" * 32)
    assert ProviderMessage.objects.count() == handled
    assert Report.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a tmpfs at /dev/shm")
def test_it_stores_one_report_for_a_message_delivered_again_after_the_web_process_restarts(client, settings):
    folder = Path("/dev/shm") / f"vigil-test-{uuid.uuid4().hex}"
    shared = {"BACKEND": "vigil.lib.memcache.MemoryDirectoryCache", "LOCATION": str(folder)}
    try:
        settings.CACHES = {"default": dict(shared)}
        send(client)
        settings.CACHES = {"default": dict(shared)}  # a new cache object: what a restarted process opens
        send(client)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_it_keeps_neither_the_message_id_nor_its_key(client, settings):
    settings.CACHES = LOCMEM
    send(client)
    report = Report.objects.get()
    assert SID not in (report.idempotency_key or "")
    assert not ProviderMessage.objects.filter(sid__contains="5555").exists()

"""Shared fixtures of the messaging tests: a registered test resolver and handlers, local providers, a
job drain."""

from __future__ import annotations

import secrets

import pytest
from django.utils import timezone

from vigil.messaging import registry
from vigil.messaging.models import Message
from vigil.messaging.tests.servers import FakeTwilio, SMTPSink, new_account_sid
from vigil.work.actions import run_pending_now
from vigil.work.models import Job

SMS_NUMBER = "+12125550100"
WHATSAPP_NUMBER = "+12125550199"
TEST_KIND = "tests.person"


@pytest.fixture
def people():
    """A registered test resolver: person id -> address, as an app's resolver would look it up."""
    book: dict[str, str] = {}
    saved = dict(registry.RESOLVERS)
    registry.register_resolver(TEST_KIND, lambda person_id: book.get(person_id))
    yield book
    registry.RESOLVERS.clear()
    registry.RESOLVERS.update(saved)


@pytest.fixture
def only_handlers():
    """Replace the registered inbound handlers (alerts' included) with the test's own, then restore them."""
    saved = dict(registry.HANDLERS)
    registry.HANDLERS.clear()
    yield registry
    registry.HANDLERS.clear()
    registry.HANDLERS.update(saved)


def fast_forward() -> None:
    """Make every waiting job and message due now (backoff, uncertain waits, lease checks)."""
    now = timezone.now()
    Job.objects.filter(state=Job.State.PENDING).update(run_after=now)
    Message.objects.filter(state__in=["queued", "uncertain"]).update(not_before=now)


def make_drain(capture_on_commit, skip_waits, default_rounds: int):
    """A runner of background work (and what it starts after commit) until nothing is due; with
    `forward`, `skip_waits` makes every wait due first. Shared by the apps that test sending."""

    def run(rounds: int = default_rounds, forward: bool = False) -> int:
        total = 0
        for _ in range(rounds):
            if forward:
                skip_waits()
            with capture_on_commit(execute=True):
                ran = run_pending_now()
            total += ran
            if not ran:
                break
        return total

    return run


@pytest.fixture
def drain(django_capture_on_commit_callbacks):
    return make_drain(django_capture_on_commit_callbacks, fast_forward, 30)


@pytest.fixture
def provider_settings(settings):
    settings.ALERTS_PROVIDER_TIMEOUT_SECONDS = 2.0
    settings.ALERTS_STATUS_CALLBACKS = True
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"
    settings.ALERTS_EMAIL_FROM = "vigil@vigil.example.org"
    settings.ALERTS_SMS_NUMBER = SMS_NUMBER
    settings.ALERTS_WHATSAPP_NUMBER = WHATSAPP_NUMBER
    return settings


@pytest.fixture
def twilio(provider_settings):
    settings = provider_settings
    sid, token = new_account_sid(), secrets.token_hex(16)
    fake = FakeTwilio(sid, token, opted_out=["+17185557999"])
    fake.client_timeout = settings.ALERTS_PROVIDER_TIMEOUT_SECONDS
    settings.TWILIO_ACCOUNT_SID = sid
    settings.TWILIO_AUTH_TOKEN = token
    settings.ALERTS_TWILIO_API_URL = fake.url
    settings.ALERTS_SMS_TRANSPORT = "twilio"
    settings.ALERTS_WHATSAPP_TRANSPORT = "twilio"
    with fake:
        yield fake


@pytest.fixture
def smtp(provider_settings):
    settings = provider_settings
    sink = SMTPSink()
    settings.ALERTS_EMAIL_TRANSPORT = "smtp"
    settings.ALERTS_SMTP_HOST = "127.0.0.1"
    settings.ALERTS_SMTP_PORT = sink.port
    with sink:
        yield sink

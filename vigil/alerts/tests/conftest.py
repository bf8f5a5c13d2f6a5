"""Shared fixtures of the alerts tests: verified incidents, subscribers, local providers, a job drain."""

from __future__ import annotations

import secrets

import pytest
from django.utils import timezone

from vigil.alerts import actions
from vigil.alerts.models import Subscriber
from vigil.messaging.models import Delivery
from vigil.messaging.tests.servers import FakeTwilio, SMTPSink, new_account_sid
from vigil.work.models import Job

SMS_NUMBER = "+12125550100"
WHATSAPP_NUMBER = "+12125550199"
CONTENT_SIDS = {
    kind: {lang: "HX" + secrets.token_hex(16) for lang in ("en", "es", "zh-hans")}
    for kind in (
        "verified_activity",
        "verified_activity_two_people",
        "all_clear",
        "correction",
        "retraction",
        "reminder",
    )
}


def make_incident(org, actor, *, area="QN0301", state="verified", text="ICE agents at Roosevelt and 74th"):
    """An incident from a partner report, moved along the state machine by the incidents' own actions."""
    from vigil.incidents import actions as incident_actions
    from vigil.intake import actions as intake_actions
    from vigil.intake.validation import build_input

    data = build_input({"text": text, "area": area})
    report = intake_actions.submit_report(data, channel="api", partner=org)[0]
    incident = report.incident
    path = {
        "reported": [],
        "verifying": ["verifying"],
        "verified": ["verifying", "verified"],
        "false_alarm": ["verifying", "verified", "false_alarm"],
        "closed": ["verifying", "verified", "closed"],
        "unconfirmed": ["verifying", "unconfirmed"],
    }[state]
    from conftest import verify_by_two_people

    for step in path:
        if step == "verified":
            incident = verify_by_two_people(incident, actor)
        elif not (step == "verifying" and "verified" in path):
            incident = incident_actions.transition(incident, step, actor=actor, reason="test")
    return incident


def make_subscriber(address, *, channel="sms", language="en", areas=("QN0301",)) -> Subscriber:
    """A confirmed subscriber, through the real actions (request, then the code)."""
    subscriber = actions.subscribe(
        channel=channel, address=address, language=language, areas=list(areas), via="keyword"
    )
    assert actions.confirm(subscriber, actions.confirmation_code(subscriber)) == "ok"
    subscriber.refresh_from_db()
    return subscriber


def fast_forward() -> None:
    """Make every waiting job and delivery due now (backoff, uncertain waits, leases)."""
    now = timezone.now()
    Job.objects.filter(state=Job.State.PENDING).update(run_after=now)
    Delivery.objects.filter(state__in=["queued", "uncertain"]).update(not_before=now)


def expire_claims() -> None:
    """Pretend the lease of every claim ran out (the worker holding it died)."""
    from datetime import timedelta

    Delivery.objects.filter(state="sending").update(claimed_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def drain(django_capture_on_commit_callbacks):
    from vigil.messaging.tests.conftest import make_drain

    return make_drain(django_capture_on_commit_callbacks, fast_forward, 60)


@pytest.fixture
def provider_settings(settings):
    settings.ALERTS_RATE_SMS = 0
    settings.ALERTS_RATE_WHATSAPP = 0
    settings.ALERTS_RATE_EMAIL = 0
    settings.ALERTS_PROVIDER_TIMEOUT_SECONDS = 2.0
    settings.ALERTS_STATUS_CALLBACKS = True
    settings.TWILIO_WEBHOOK_BASE_URL = "https://vigil.example.org"
    settings.ALERTS_PUBLIC_BASE_URL = "https://vigil.example.org"
    settings.ALERTS_EMAIL_FROM = "alerts@vigil.example.org"
    return settings


@pytest.fixture
def twilio(provider_settings):
    settings = provider_settings
    sid, token = new_account_sid(), secrets.token_hex(16)
    fake = FakeTwilio(sid, token, content_sids=[s for by in CONTENT_SIDS.values() for s in by.values()])
    fake.client_timeout = settings.ALERTS_PROVIDER_TIMEOUT_SECONDS
    settings.TWILIO_ACCOUNT_SID = sid
    settings.TWILIO_AUTH_TOKEN = token
    settings.ALERTS_TWILIO_API_URL = fake.url
    settings.ALERTS_SMS_TRANSPORT = "twilio"
    settings.ALERTS_WHATSAPP_TRANSPORT = "twilio"
    settings.ALERTS_SMS_NUMBER = SMS_NUMBER
    settings.ALERTS_WHATSAPP_NUMBER = WHATSAPP_NUMBER
    settings.ALERTS_WHATSAPP_CONTENT_SIDS = CONTENT_SIDS
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


@pytest.fixture
def second_dispatcher(org, staff_factory):
    from vigil.accounts.models import Role

    return staff_factory("second-dispatcher", Role.DISPATCHER, org)

"""Canary personal data entered through the alerts' entry points must not be readable at rest.

Subscriber phone numbers and e-mail addresses come in through the sign-up page and SMS/WhatsApp
keywords, are used by the fan-out (claims, outcomes, audit events, background jobs), and must then be
found nowhere in the clear: database files (main and WAL), cache, mail outbox, logs.
"""

import logging
import uuid

import pytest
from django.db import connection

from vigil.alerts import actions
from vigil.alerts.keywords import handle_inbound
from vigil.alerts.models import Subscriber
from vigil.messaging.models import Delivery
from vigil.privacy.tests.storage import places_holding
from vigil.work import actions as work_actions


@pytest.fixture
def canary():
    tag = uuid.uuid4().int
    return {
        "web_phone": f"+1 718 555 {tag % 9000 + 1000:04d}",
        "keyword_phone": f"+1 347 555 {(tag // 10_000) % 9000 + 1000:04d}",
        "whatsapp_phone": f"+1 929 555 {(tag // 10**8) % 9000 + 1000:04d}",
        "email": f"canary{uuid.uuid4().hex[:10]}@example.org",
    }


def digits(value: str) -> str:
    return value.replace(" ", "").replace("+", "")


@pytest.mark.django_db(transaction=True)
def test_it_keeps_subscriber_addresses_unreadable_everywhere(client, canary, owner, caplog, settings, tmp_path):
    from vigil.alerts.tests.conftest import make_incident

    caplog.set_level(logging.DEBUG)
    settings.ALERTS_CONSOLE_FILE = str(tmp_path / "outbox.log")  # the development transport, addresses masked
    client.post(
        "/alerts/",
        {"channel": "sms", "address": canary["web_phone"], "language": "es", "areas": ["QN0301"]},
    )
    client.post(
        "/alerts/",
        {"channel": "email", "address": canary["email"], "language": "fr", "areas": ["QN"]},
    )
    work_actions.run_pending_now()  # the confirmation codes go out
    for subscriber in Subscriber.objects.all():
        assert actions.confirm(subscriber, actions.confirmation_code(subscriber)) == "ok"

    keyword = digits(canary["keyword_phone"])
    reply = handle_inbound("+" + keyword, "ALTA QN0301", "sms")
    code = next(word for word in reply.split() if word.isdigit() and len(word) == 6)
    handle_inbound("+" + keyword, code, "sms")
    whatsapp = "+" + digits(canary["whatsapp_phone"])
    handle_inbound(whatsapp, "JOIN Queens", "whatsapp")
    handle_inbound(whatsapp, actions.confirmation_code(actions.phone_subscribers(whatsapp)["whatsapp"]), "whatsapp")
    assert Subscriber.objects.filter(state="active").count() == 4

    incident = make_incident(owner.organization, owner)
    alert = actions.compose_alert(actor=owner, kind="verified_activity", incident=incident)
    actions.send_alert(alert, actor=owner, confirm_unreviewed=True)
    for _ in range(5):
        work_actions.run_pending_now()
    assert Delivery.objects.filter(broadcast__alert=alert, state="sent").count() == 4
    handle_inbound(whatsapp, "STOP", "whatsapp")

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    # Positive control: the search finds what is stored in the clear on purpose.
    assert "database" in places_holding(alert.ref)
    for key, value in canary.items():
        assert places_holding(value, caplog.text) == [], key
        if key != "email":
            assert places_holding(digits(value), caplog.text) == [], key
            assert places_holding(digits(value)[1:], caplog.text) == [], key
    outbox = (tmp_path / "outbox.log").read_text()
    for key, value in canary.items():
        assert (digits(value) if key != "email" else value) not in outbox

"""An alert's whole path in a browser, through the one messaging layer: a neighbor signs up on a phone
in Spanish and gets the code by SMS; a dispatcher composes and sends a verified-activity alert; the
worker's rounds send it as a messaging broadcast, and the neighbor's phone gets it in Spanish.

Set SCREENSHOTS=docs/screenshots to keep the pictures. Skipped, saying so, where Chromium is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigil.alerts.models import Alert, Subscriber
from vigil.alerts.tests.conftest import make_incident
from vigil.incidents.tests.conftest import browser  # noqa: F401  (the fixture)
from vigil.incidents.tests.test_browser import CHROMIUM, PHONE, shot, sign_in
from vigil.messaging.models import Delivery, Message
from vigil.work.actions import run_pending_now

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]

NUMBER = "+17185550177"


def run_worker(rounds: int = 40) -> None:
    """What `manage.py worker` does, until nothing is due (the test is the only process)."""
    for _ in range(rounds):
        if not run_pending_now():
            return


def test_a_neighbor_signs_up_in_spanish_and_gets_a_sent_alert_by_sms(browser, live_server, colleague, settings):  # noqa: F811
    settings.ALERTS_RATE_SMS = 0
    context = browser.new_context(**PHONE, locale="es-US", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/alerts/?lang=es")
    page.check("input[name=channel][value=sms]")
    page.fill("#address", "(718) 555-0177")
    page.select_option("#language", "es")
    page.check("input[name=areas][value=QN]")
    shot(page, "alerts-1-subscribe-es")
    page.click("button[type=submit]")
    page.wait_for_selector("#code")

    run_worker()
    code_message = Message.objects.get(recipient_kind="alerts.confirmation")
    assert code_message.state == "sent"
    code = re.search(r"\b(\d{6})\b", code_message.text).group(1)
    assert "código" in code_message.text
    page.fill("#code", code)
    shot(page, "alerts-2-code-es")
    page.click("button[type=submit]")
    assert Subscriber.objects.get().state == "active"
    context.close()

    incident = make_incident(colleague.organization, colleague)
    desk = browser.new_context(**PHONE)
    dispatcher = desk.new_page()
    sign_in(dispatcher, live_server, colleague)
    dispatcher.goto(f"{live_server.url}/staff/alerts/new/?incident={incident.pk}")
    dispatcher.check("input[name=kind][value=verified_activity]")
    dispatcher.click("form[action$='/staff/alerts/new/'] button[type=submit]")
    dispatcher.wait_for_selector("form[action$='/send/']")
    if dispatcher.query_selector("input[name=confirm_unreviewed]"):
        dispatcher.check("input[name=confirm_unreviewed]")
    shot(dispatcher, "alerts-3-preview")
    dispatcher.click("form[action$='/send/'] button")
    alert = Alert.objects.get()
    assert alert.state == "sending" and alert.broadcast is not None

    run_worker()
    alert.refresh_from_db()
    assert alert.state == "done"
    delivery = Delivery.objects.get(broadcast=alert.broadcast)
    assert (delivery.state, delivery.language, delivery.channel) == ("sent", "es", "sms")
    assert alert.ref in alert.texts["es"]["sms"]
    dispatcher.goto(f"{live_server.url}/staff/alerts/{alert.pk}/")
    main = dispatcher.inner_text("main")
    assert "1 of 1 sent" in main
    shot(dispatcher, "alerts-4-sent")
    desk.close()

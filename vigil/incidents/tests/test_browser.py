"""The console on a phone (390x844): the queue's rows are large links, the incident page reads in words,
the text buttons are visible. Set SCREENSHOTS=docs/screenshots to keep the pictures the docs show.

Drives Debian's Chromium through Playwright; skipped, saying so, where Chromium is not installed.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from conftest import PASSWORD
from vigil.accounts import actions as account_actions
from vigil.incidents import actions, dispatching
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def shot(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, live_server, user):
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/**")
    secret = get_adapter().decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    # A code typed in the last seconds of its 30-second window may reach a loaded server in the next one,
    # where it is no longer accepted: wait for a fresh window instead.
    if time.time() % 30 > 24:
        time.sleep(30 - time.time() % 30 + 0.5)
    page.fill("input[name=code]", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")


def morning(colleague, staff_factory, org):
    """A Spanish report with a follow-up and a photo-less SMS, an incident in the Bronx, a responder."""
    first = intake_actions.submit_report(
        build_input({"text": "Agentes de ICE en Roosevelt y la 74, dos camionetas", "area": "QN0301"}),
        channel="web",
        form_language="es",
    )[0]
    Report.objects.filter(pk=first.pk).update(language="es")
    intake_actions.add_follow_up(Report.objects.get(pk=first.pk), "Se llevaron a un hombre en la camioneta")
    sms = intake_actions.submit_report(
        build_input({"text": "ICE vans parked on Roosevelt Ave near 74th St", "area": "QN0301"}), channel="sms"
    )[0]
    actions.split_report(Report.objects.get(pk=sms.pk), actor=colleague)  # a second incident next to it
    intake_actions.submit_report(build_input({"text": "Agents at 149th and 3rd", "area": "BX0101"}), channel="web")
    observer = staff_factory("observer-luz", "responder", org)
    account_actions.set_languages(observer, ["es", "en"], actor=observer)
    actions.set_responder_profile(observer, areas=["QN"], languages=["es"], on_call=[], active=True, actor=colleague)
    incident = Report.objects.get(pk=first.pk).incident
    dispatch = dispatching.offer(incident, observer, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=observer)
    actions.transition(incident, "verifying", actor=colleague, reason="Luz is on her way")
    actions.take_hold(incident, actor=colleague)
    return incident


def test_it_shows_the_queue_and_the_incident_in_words_on_a_phone(
    browser, live_server, owner, colleague, staff_factory, org
):
    incident = morning(colleague, staff_factory, org)
    account_actions.set_languages(owner, ["en"], actor=owner)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/staff/incidents/")
    row = page.locator("a.queue-row").first
    assert row.bounding_box()["height"] >= 44 and row.bounding_box()["width"] >= 300  # a thumb-sized target
    text = page.inner_text("main")
    assert "Jackson Heights, Queens" in text and "Mott Haven" in text and "QN0301" not in text
    assert "held by colleague" in text
    shot(page, "console-queue-390")
    page.locator("a.queue-row", has_text="held by colleague").click()
    page.wait_for_selector("#timeline")
    text = page.inner_text("main")
    assert "You do not read Spanish." in text and "observer-luz" in text
    assert "Report received by Web form, in Spanish" in text
    assert "State changed from Reported to Being verified" in text
    for code in ("dispatch_accepted", "QN0301", "verifying →"):
        assert code not in text
    button = page.locator("button.link", has_text="Break the hold")
    colour = button.evaluate("el => getComputedStyle(el).color")
    assert colour not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    shot(page, "console-incident-390")
    page.click("text=Merge into another incident nearby")
    page.wait_for_selector("form fieldset")
    assert "Place not known" not in page.inner_text("main") and "Mott Haven" not in page.inner_text("main")
    page.click("button:has-text('Preview')")  # nothing chosen: said in words, on the same page
    assert "Choose one of the incidents listed." in page.inner_text("main")
    page.locator("label.choice").first.click()
    page.click("button:has-text('Preview')")
    assert "will join the incident at Jackson Heights, Queens" in page.inner_text("main")
    shot(page, "console-merge-preview-390")
    page.click("button:has-text('Merge')")
    page.wait_for_selector("#timeline")
    assert "Another incident was merged into this one" in page.inner_text("main")
    incident.refresh_from_db()
    assert incident.state == "closed"
    context.close()

"""A person on a phone: report in Spanish without and with JavaScript; a dispatcher verifies the incident.

Drives Debian's Chromium through Playwright (no browser download). Skipped, saying so, where Chromium is
not installed; CI installs it. Set SCREENSHOTS=dir to keep screenshots of each step.
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from conftest import PASSWORD
from vigil.incidents.models import Incident
from vigil.intake.models import Report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


def shot(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def outside_requests(page, live_server):
    seen = []
    page.on(
        "request",
        lambda r: (
            seen.append(r.url) if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None
        ),
    )
    return seen


def fill_report(page, text):
    page.fill("#text", text)
    page.select_option("#area", "QN0301")
    page.fill("#place_text", "Roosevelt y la 74")
    page.check("input[name=people_detained][value=yes]")


def test_it_takes_a_spanish_report_on_a_phone_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="es-US", **PHONE)
    page = context.new_page()
    outside = outside_requests(page, live_server)
    page.goto(f"{live_server.url}/report/?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator(".quick-exit").is_visible()
    shot(page, "1-form-es-nojs")
    fill_report(page, "Hay agentes de ICE deteniendo gente en Roosevelt y la 74, tres camionetas")
    page.click("button[type=submit]")
    page.wait_for_selector("#receipt")
    shot(page, "2-receipt-es-nojs")
    report = Report.objects.get()
    assert page.inner_text("#receipt") == report.receipt_code
    assert report.language == "es" and not report.verified_submission
    assert outside == []
    context.close()


def test_it_takes_a_spanish_report_with_javascript_and_solves_the_challenge(browser, live_server):
    context = browser.new_context(locale="es-US", **PHONE)
    page = context.new_page()
    outside = outside_requests(page, live_server)
    page.goto(f"{live_server.url}/report/?lang=es")
    fill_report(page, "Agentes de inmigración en la esquina de Roosevelt y la 74 ahora mismo")
    deadline = time.monotonic() + 30  # (wait_for_function would need eval, which our CSP refuses)
    while not page.input_value("#altcha"):
        assert time.monotonic() < deadline, "the proof of work was not solved"
        time.sleep(0.2)
    page.click("button[type=submit]")
    page.wait_for_selector("#receipt")
    report = Report.objects.get()
    assert report.verified_submission
    assert outside == []
    context.close()


def test_it_lets_a_dispatcher_sign_in_see_the_incident_and_verify_it(browser, live_server, colleague):
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    from vigil.intake import actions
    from vigil.intake.validation import build_input

    actions.submit_report(
        build_input({"text": "Agentes de ICE en Roosevelt y la 74", "area": "QN0301"}),
        channel="web",
        form_language="es",
    )
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "colleague")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/**")
    secret = get_adapter().decrypt(Authenticator.objects.get(user=colleague, type="totp").data["secret"])
    if time.time() % 30 > 24:  # a code from the end of its window may arrive in the next one: wait it out
        time.sleep(30 - time.time() % 30 + 0.5)
    page.fill("input[name=code]", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/staff/incidents/")
    shot(page, "3-queue")
    page.click("a.queue-row")
    assert "Roosevelt y la 74" in page.inner_text("main")
    shot(page, "4-incident")
    page.fill("#propose-reason", "Three reports from the same corner, one with a photo")
    page.click("form.propose button")
    page.wait_for_selector("article.proposal")
    assert Incident.objects.get().state == "verifying"
    assert page.locator("article.proposal form[action$='/approve/']").count() == 0  # not for the proposer
    assert "one person alone is never enough" in page.inner_text("article.proposal")
    assert Incident.objects.get().state == "verifying"
    shot(page, "5-proposed")
    context.close()

"""Offline reading in a real browser: after reading the library, sending a report and a family intake (each
with its receipt) and looking up their status pages, the service worker's caches hold library pages and
static files only. Drives Debian's Chromium through Playwright; skipped, saying so, where it is absent."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from vigil.incidents.tests.conftest import CHROMIUM, browser  # noqa: F401  (the fixture)
from vigil.incidents.tests.test_browser import PHONE

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]

CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(request.url);
  }
  return urls;
}"""


def _wait_for_the_worker(page) -> None:
    deadline = time.monotonic() + 20
    while not page.evaluate("() => !!navigator.serviceWorker.controller"):
        assert time.monotonic() < deadline, "the library's service worker never took control"
        time.sleep(0.2)
        page.reload()


def test_the_workers_caches_hold_no_receipt_or_status_page_after_visiting_them(browser, live_server, org, settings):  # noqa: F811
    settings.ALTCHA_ENABLED = False
    settings.FAMILY_INTAKE_ORGANIZATION = org.slug
    call_command("load_rights", verbosity=0)
    base = live_server.url
    page = browser.new_context(locale="es-US", **PHONE).new_page()

    # The library, read once so that the worker installs and caches what it reads.
    page.goto(f"{base}/rights/?lang=es")
    _wait_for_the_worker(page)
    page.goto(f"{base}/rights/at-the-door/?lang=es")

    # A report and its receipt, then its status page.
    page.goto(f"{base}/report/?lang=es")
    page.fill("#text", "Agentes de inmigración en Roosevelt y la 74")
    page.select_option("#area", "QN0301")
    page.check("input[name=people_detained][value=yes]")
    page.click("main button[type=submit]")
    page.wait_for_selector("#receipt")
    page.goto(f"{base}/report/status/?lang=es")

    # A family intake and its receipt (case code and secret), then the family's status page.
    page.goto(f"{base}/family/?lang=es")
    page.fill("#person_name", "Rosa Ejemplo")
    page.select_option("#relationship", "sibling")
    page.select_option("#contact_language", "es")
    page.select_option("#channel", "sms")
    page.fill("#address", "(718) 555-0142")
    page.check("input[name=consents][value=updates]")
    page.click("main button[type=submit]")
    page.wait_for_selector("#code")
    page.goto(f"{base}/family/status/?lang=es")

    # Back to the library: the worker is at work again, after all of it.
    page.goto(f"{base}/rights/?lang=es")
    paths = [urlsplit(url).path for url in page.evaluate(CACHED_URLS)]
    assert "/rights/" in paths and "/rights/at-the-door/" in paths  # the worker did cache what was read
    assert all(path.startswith(("/rights/", "/static/")) for path in paths), paths
    assert not [p for p in paths if p.startswith(("/report", "/family", "/alerts"))]

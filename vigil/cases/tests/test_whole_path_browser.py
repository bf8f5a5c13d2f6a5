"""The families' whole path in a browser, in Spanish: a relative files a detained person on the public page, a
caseworker screens the case and does its locate task, refers it, the provider's staff accept after reading the
conflict check, and the family's status page says "a lawyer has been found". Screenshots of each step go to
docs/screenshots/cases/ when VIGIL_WRITE_SCREENSHOTS=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from vigil.cases.models import Case, CaseTask, Referral
from vigil.incidents.tests.conftest import browser  # noqa: F401  (the fixture)
from vigil.incidents.tests.test_browser import PHONE, sign_in

SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "cases"


def _shot(page, name: str) -> None:
    if os.environ.get("VIGIL_WRITE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _spanish(text: str) -> str:
    with translation.override("es"):
        return gettext(text)


def test_a_family_in_spanish_learns_a_lawyer_was_found(browser, live_server, caseworker, provider_a, staff_a, settings):  # noqa: F811
    settings.ALTCHA_ENABLED = False
    settings.FAMILY_INTAKE_ORGANIZATION = caseworker.organization.slug
    base = live_server.url

    # 1. The relative, on a phone, in Spanish.
    family = browser.new_context(**PHONE)
    page = family.new_page()
    page.goto(f"{base}/family/?lang=es")
    page.fill("#person_name", "Rosa Ejemplo")
    page.select_option("#relationship", "sibling")
    page.select_option("#contact_language", "es")
    page.select_option("#channel", "sms")
    page.fill("#address", "(718) 555-0142")
    page.check("input[name=consents][value=share_provider]")
    page.check("input[name=consents][value=updates]")
    _shot(page, "1-family-intake-es")
    page.click("main button[type=submit]")
    page.wait_for_selector("#code")
    code, secret = page.inner_text("#code"), page.inner_text("#secret")
    assert "Rosa" not in page.content()  # the page confirms nothing about the person
    _shot(page, "2-family-received-es")
    case = Case.objects.get()
    assert case.person_name == "Rosa Ejemplo" and case.state == "new"

    # 2. The caseworker screens the case, does its locate task and refers it.
    staff = browser.new_context(**PHONE)
    desk = staff.new_page()
    sign_in(desk, live_server, caseworker)
    desk.goto(f"{base}/staff/cases/?lang=es")
    desk.click(f"a[href='/staff/cases/{case.pk}/']")
    desk.click("button[name=to_state][value=screening]")
    desk.wait_for_load_state()
    locate = CaseTask.objects.get(case=case, kind="locate")
    desk.click(f"form[action='/staff/cases/tasks/{locate.pk}/done/'] button")
    desk.wait_for_load_state()
    desk.select_option("#provider", str(provider_a.pk))
    desk.click(f"form[action='/staff/cases/{case.pk}/refer/'] button")
    desk.wait_for_load_state()
    referral = Referral.objects.get(case=case)
    desk.click(f"form[action='/staff/cases/referrals/{referral.pk}/send/'] button")
    desk.wait_for_load_state()
    _shot(desk, "3-caseworker-referred-es")
    referral.refresh_from_db()
    locate.refresh_from_db()
    assert referral.state == "sent" and locate.done_at is not None

    # 3. The provider's staff read the conflict check and accept.
    provider = browser.new_context(**PHONE)
    office = provider.new_page()
    sign_in(office, live_server, staff_a)
    office.goto(f"{base}/staff/cases/provider/referrals/?lang=es")
    office.click(f"a[href='/staff/cases/{case.pk}/']")
    office.click("button[name=answer][value=accept]")
    office.wait_for_load_state()
    _shot(office, "4-provider-accepted-es")
    referral.refresh_from_db()
    assert referral.state == "accepted"

    # 4. The family checks the status page: a lawyer has been found, and nothing else.
    page.goto(f"{base}/family/status/?lang=es")
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.click("main button[type=submit]")
    page.wait_for_selector("#status")
    assert page.inner_text("#status") == _spanish("A lawyer has been found")
    assert "Rosa" not in page.content() and provider_a.name not in page.content()
    _shot(page, "5-family-status-es")
    for context in (family, staff, provider):
        context.close()


pytestmark = pytest.mark.django_db(transaction=True)

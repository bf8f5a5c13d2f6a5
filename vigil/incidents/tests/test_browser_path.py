"""The raid-morning path as three people on phones (390x844): a reporter in Spanish, a dispatcher, a
responder; and the path where no responder can reach the scene and two dispatchers verify.

Set SCREENSHOTS=docs/screenshots to keep the pictures that docs/raid-morning.md shows. Drives Debian's
Chromium through Playwright; skipped, saying so, where Chromium is not installed.
"""

from __future__ import annotations

import pytest

from vigil.incidents.models import Dispatch, Incident, VerificationProposal
from vigil.incidents.tests.test_browser import CHROMIUM, PHONE, shot, sign_in
from vigil.intake.models import Report

pytestmark = [
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


def phone(browser, **extra):
    context = browser.new_context(**PHONE, **extra)
    return context, context.new_page()


def post_from_page(page, path):
    """What an out-of-date page or a second tab would send: a form post with the page's CSRF token."""
    page.evaluate(
        """path => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = path;
            form.appendChild(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
            document.body.appendChild(form);
            form.submit();
        }""",
        path,
    )
    page.wait_for_load_state()


def report_in_spanish(browser, live_server) -> Report:
    context, page = phone(browser, java_script_enabled=False, locale="es-US")
    page.goto(f"{live_server.url}/report/?lang=es")
    page.fill("#text", "Agentes de ICE deteniendo gente en Roosevelt y la 74, tres camionetas")
    page.select_option("#area", "QN0301")
    page.fill("#place_text", "Roosevelt y la 74")
    page.check("input[name=people_detained][value=yes]")
    shot(page, "path-1-reporter-es")
    page.click("button[type=submit]")
    page.wait_for_selector("#receipt")
    shot(page, "path-2-receipt-es")
    context.close()
    return Report.objects.get()


def test_a_responder_on_the_scene_confirms_and_a_dispatcher_verifies(
    browser, live_server, colleague, staff_factory, org
):
    from vigil.incidents.models import ResponderProfile

    responder = staff_factory("observer-luz", "responder", org)
    ResponderProfile.objects.create(user=responder, languages=["es", "en"], areas=["QN"])
    report = report_in_spanish(browser, live_server)

    desk, dispatcher = phone(browser)
    sign_in(dispatcher, live_server, colleague)
    dispatcher.goto(f"{live_server.url}/staff/incidents/")
    shot(dispatcher, "path-3-queue")
    dispatcher.click("a.queue-row")
    assert "Roosevelt y la 74" in dispatcher.inner_text("main")
    dispatcher.select_option("#responder", str(responder.pk))
    dispatcher.click("form[action$='/offer/'] button")
    shot(dispatcher, "path-4-offered")

    street, field = phone(browser)
    sign_in(field, live_server, responder)
    field.goto(f"{live_server.url}/staff/incidents/responder/")
    card = field.inner_text("#cards")
    assert "Jackson Heights, Queens" in card and "Roosevelt" in card
    assert "tres camionetas" not in card  # the words come after accepting
    shot(field, "path-5-offer")
    field.click("button[name=to_state][value=accepted]")
    assert "tres camionetas" in field.inner_text("#cards")
    assert field.locator("a[href^='geo:']").count() == 1
    field.click("button[name=to_state][value=en_route]")
    field.click("button[name=to_state][value=on_scene]")
    field.fill("textarea[name=what_seen]", "Seis agentes con chalecos de ICE, dos camionetas sin placas")
    shot(field, "path-6-on-scene")
    field.click("button[name=sees][value=yes]")

    dispatcher.goto(f"{live_server.url}/staff/incidents/{report.incident_id}/")
    assert "Responder sees enforcement" in dispatcher.inner_text("#verification")
    dispatcher.fill("#verification textarea[name=reason]", "Luz on the scene: six agents in ICE vests")
    shot(dispatcher, "path-7-answer")
    dispatcher.click("#verification form[action$='/verify/'] button")
    dispatcher.wait_for_selector("#state")
    assert Incident.objects.get().state == "verified"
    assert "A responder on the scene confirmed it" in dispatcher.inner_text("#verification")
    shot(dispatcher, "path-8-verified")

    field.goto(f"{live_server.url}/staff/incidents/responder/")
    field.click("button.help")
    shot(field, "path-9-help")
    assert Dispatch.objects.get().help_requested_at is not None
    dispatcher.goto(f"{live_server.url}/staff/incidents/")
    assert "observer-luz" in dispatcher.inner_text(".help-calls")
    shot(dispatcher, "path-10-help-on-console")
    street.close()
    desk.close()


def test_two_dispatchers_verify_where_no_responder_can_reach_and_one_alone_is_refused(
    browser, live_server, colleague, staff_factory, org
):
    report = report_in_spanish(browser, live_server)
    second = staff_factory("second-dispatcher", "dispatcher", org)

    first_desk, first = phone(browser)
    sign_in(first, live_server, colleague)
    first.goto(f"{live_server.url}/staff/incidents/{report.incident_id}/")
    first.fill("#propose-reason", "Three reports from the same corner, one with a photo of the vans")
    first.click("form.propose button")
    first.wait_for_selector("article.proposal")
    assert first.locator("article.proposal form[action$='/approve/']").count() == 0  # no button for the proposer
    proposal = VerificationProposal.objects.get()
    post_from_page(first, f"/staff/incidents/proposals/{proposal.pk}/approve/")  # from an old tab, say
    assert "one person alone is never enough" in first.inner_text(".messages")
    assert Incident.objects.get().state == "verifying"
    shot(first, "path-11-alone-refused")

    second_desk, other = phone(browser)
    sign_in(other, live_server, second)
    other.goto(f"{live_server.url}/staff/incidents/")
    assert "proposed by colleague" in other.inner_text("#waiting")
    shot(other, "path-12-waiting")
    other.goto(f"{live_server.url}/staff/incidents/{report.incident_id}/")
    other.fill("#approve-note", "Photo shows ICE vests")
    other.click("article.proposal form[action$='/approve/'] button")
    other.wait_for_selector("#state")
    assert Incident.objects.get().state == "verified"
    assert "Two verifiers confirmed it" in other.inner_text("#verification")
    shot(other, "path-13-two-verified")
    first_desk.close()
    second_desk.close()

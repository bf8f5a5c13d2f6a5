"""On phones (390x844): a responder documents a detention in Spanish, the finding appears on the incident's
page in Spanish, and a monitor filters and exports the findings and sees no personal fact. Drives Debian's
Chromium through Playwright; skipped, saying so, where Chromium is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.accounts.models import Role
from vigil.incidents import dispatching
from vigil.incidents.tests.test_browser import CHROMIUM, PHONE, shot, sign_in
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input
from vigil.work.actions import run_pending_now

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.django_db(transaction=True),
]


def test_a_documented_detention_gives_a_finding_a_monitor_exports_without_personal_facts(
    browser, live_server, colleague, staff_factory, org
):
    incident = intake_actions.submit_report(
        build_input({"text": "Agentes en la entrada de la cárcel", "area": "QN0301"}), channel="api", partner=org
    )[0].incident
    responder = staff_factory("observer-ana", Role.RESPONDER, org)
    dispatch = dispatching.offer(incident, responder, actor=colleague)
    dispatching.dispatch_move(dispatch, "accepted", actor=responder)

    context = browser.new_context(**PHONE, locale="es-US")
    page = context.new_page()
    sign_in(page, live_server, responder)
    page.goto(f"{live_server.url}/staff/incidents/{incident.pk}/detentions/?lang=es")
    page.click("text=Añadir una persona detenida")
    page.select_option("#id_new-custody", "doc")
    page.select_option("#id_new-warrant", "ice_administrative")
    page.select_option("#id_new-request", "detention")
    page.select_option("#id_new-honored", "held_past_release")
    page.fill("#id_new-instant_arrest_date", "2025-06-01")
    page.select_option("#id_new-convictions", "listed")
    page.fill("#id_new-conviction1_sentence_date", "2022-03-04")
    page.fill("#id_new-conviction1_offence", "PL 160.15")
    page.select_option("#id_new-database_match", "no")
    shot(page, "rules-1-detention-es")
    page.click("form[action$='/detentions/new/'] button")
    page.wait_for_selector("#person-1")
    assert run_pending_now() >= 1  # the worker judges the incident
    page.reload()
    findings = page.inner_text("#findings")
    assert "Posible infracción, para revisión legal" in findings and "§ 9-131" in findings
    shot(page, "rules-2-finding-es")
    context.close()

    monitor = staff_factory("monitor-olga", Role.MONITOR, org)
    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, monitor)
    page.goto(f"{live_server.url}/staff/rules/findings/?lang=es")
    page.select_option("#rule", "doc-detainer-hold")
    page.select_option("#level", "possible_violation")
    page.click("form.filters button")
    main = page.inner_text("main")
    assert "2025-06-01" not in main and "PL 160.15" not in main and "cárcel" not in main
    assert "Admin. Code § 9-131" in main
    shot(page, "rules-3-monitor-es")
    with page.expect_download() as download:
        page.click("text=Exportar CSV")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    lines = exported.strip().splitlines()
    assert len(lines) == 2 and "doc-detainer-hold" in lines[1] and ",doc,ice_administrative," in lines[1]
    for personal in ("PL 160.15", "2022-03-04", "2025-06-01", "cárcel", "observer-ana"):
        assert personal not in exported
    context.close()

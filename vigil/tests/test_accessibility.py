"""Accessibility held by tests: axe-core on every public page and the console's main pages (incidents,
alerts, cases with a document, the proposals for every waiting case, the WhatsApp templates, a provider's referrals,
the rules' findings), in seven languages, on a phone in headless
Chromium.

axe-core 4.14 comes from the npm registry, pinned by package-lock.json and installed by `npm ci` (`make
install`, `.ci/run`): the version an outside check used. It is injected with Playwright's add_script_tag
from a same-origin address the test answers from the installed file, so the app's CSP (script-src 'self'
with a nonce) is neither loosened nor bypassed. Skipped, saying so, without Chromium or without axe-core.
"""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from vigil.incidents.tests.conftest import browser  # noqa: F401  (the fixture)
from vigil.incidents.tests.test_browser import CHROMIUM, PHONE, sign_in

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"  # answered by the test (page.route), never by the app
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "es", "ar", "ur", "bn", "zh-hant", "ht"]
# A color-contrast result axe leaves incomplete fails the test, except where the background could not be
# determined (an image, a gradient, overlapping or out-of-view elements): axe's own message keys.
UNDETERMINABLE_BACKGROUND = {
    "bgImage",
    "bgGradient",
    "imgNode",
    "bgOverlap",
    "elmPartiallyObscured",
    "elmPartiallyObscuring",
    "outsideViewport",
    "pseudoContent",
}

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci, run by make install)"),
    pytest.mark.django_db(transaction=True),
]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']});
  const nodes = (list) => list.map((r) => ({id: r.id, help: r.help, nodes: r.nodes.map((n) => ({
    target: n.target.join(' '), html: n.html.slice(0, 160),
    keys: n.any.concat(n.all, n.none).map((c) => (c.data && c.data.messageKey) || c.id)}))}));
  return {version: axe.version, violations: nodes(results.violations), incomplete: nodes(results.incomplete)};
}"""


class Audit:
    """One browser page per context, reused: each state is loaded, checked by axe, and its problems kept."""

    def __init__(self, context, base):
        self.base = base
        self.problems = []
        self.runs = 0
        self.version = None
        context.route(f"{base}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))

    def check(self, page, name):
        page.add_script_tag(url=f"{self.base}{AXE_PATH}")
        found = page.evaluate(RUN_AXE, TAGS)
        self.runs += 1
        self.version = found["version"]
        for rule in found["violations"]:
            for node in rule["nodes"]:
                self.problems.append(f"{name}: {rule['id']} ({rule['help']}) at {node['target']}: {node['html']}")
        for rule in found["incomplete"]:
            if rule["id"] != "color-contrast":
                continue
            for node in rule["nodes"]:
                if not set(node["keys"]) & UNDETERMINABLE_BACKGROUND:
                    self.problems.append(
                        f"{name}: color-contrast left incomplete ({', '.join(node['keys'])}) at {node['target']}: "
                        f"{node['html']}"
                    )


def submit_report(page, base, language):
    page.goto(f"{base}/report/?lang={language}")
    page.fill("#text", "Agents at the corner of Roosevelt and 74th, three vans")
    page.select_option("#area", "QN0301")
    page.click("main button[type=submit]")
    page.wait_for_selector("#receipt")


def public_states(page, audit, base, language):
    """Every public page state: home, report form (empty and sent with errors), receipt, status (form,
    found, not found), family intake (form, errors) and status form, alerts sign-up (form, errors, code step,
    subscribed), unsubscribe, error page."""
    from django.core.cache import cache

    from vigil.messaging.models import Message

    cache.clear()  # the sign-up's and the status page's rate limits count per address: one visitor here

    def visit(path, name):
        page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
        audit.check(page, f"{language} {name}")

    visit("/", "home")
    visit("/report/", "report form")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, f"{language} report form with errors")
    submit_report(page, base, language)
    audit.check(page, f"{language} receipt")
    code = page.inner_text("#receipt")
    secret = page.inner_text("#secret") if page.locator("#secret").count() else ""
    visit("/report/status/", "status form")
    page.fill("#code", code)
    if secret:
        page.fill("#secret", secret)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, f"{language} status found")
    page.goto(f"{base}/report/status/?lang={language}")
    page.fill("#code", "ZZZZ-ZZZZ")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, f"{language} status not found")

    visit("/family/", "family intake")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, f"{language} family intake with errors")
    visit("/family/status/", "family status form")

    visit("/alerts/?hoods=QN", "alerts sign-up, Queens' neighborhoods listed")
    visit("/alerts/", "alerts sign-up")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, f"{language} alerts sign-up with errors")
    page.check("input[name=channel][value=sms]")
    page.fill("#address", f"(718) 555-01{LANGUAGES.index(language):02d}")
    page.check("input[name=areas][value=QN]")
    page.click("main button[type=submit]")
    page.wait_for_selector("#code")
    audit.check(page, f"{language} alerts code step")
    run_worker()
    message = Message.objects.filter(recipient_kind="alerts.confirmation").order_by("-created_at").first()
    page.fill("#code", re.search(r"(?<!\d)(\d{6})(?!\d)", message.text).group(1))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    audit.check(page, f"{language} alerts subscribed")
    visit("/alerts/unsubscribe/", "alerts unsubscribe")
    visit("/no-such-page/", "error page (404)")


def staff_states(page, audit, base, language, incident):
    def visit(path, name):
        page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
        audit.check(page, f"{language} staff {name}")

    visit("/staff/", "home")
    visit("/staff/incidents/", "queue")
    visit(f"/staff/incidents/{incident.pk}/", "incident page")
    visit("/staff/alerts/", "alerts")
    visit(f"/staff/alerts/new/?incident={incident.pk}", "alert compose")


def case_states(page, audit, base, language, case):
    """The cases' pages and the monitors' findings, signed in as an administrator (who may open them all)."""

    def visit(path, name):
        page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
        audit.check(page, f"{language} staff {name}")

    visit("/staff/cases/", "case queue")
    assert page.locator("main li").count() >= 1  # the case is in the queue: a page with content was checked
    visit(f"/staff/cases/{case.pk}/", "case page")
    assert page.locator("#document-list li").count() == 1  # the documents section, with a document listed
    visit("/staff/cases/proposals/", "proposals for every waiting case")
    visit("/staff/messaging/templates/", "WhatsApp templates")
    visit("/staff/rules/findings/", "rules findings")
    assert page.locator("main table tr").count() >= 2  # a heading row and at least one finding


def cases_and_findings(org, incident):
    """A case with a referral sent to a provider, and a documented detention judged by the rules."""
    from django.core.management import call_command

    from conftest import make_staff
    from vigil.accounts.models import Role
    from vigil.cases import document_actions
    from vigil.cases.tests.conftest import make_provider, open_case, send
    from vigil.cases.tests.test_documents import PDF
    from vigil.incidents import detentions
    from vigil.rules.tests.test_findings import HELD

    caseworker = make_staff("caseworker-a11y", Role.CASEWORKER, org)
    provider = make_provider("a11y-legal")
    provider_staff = make_staff("provider-a11y", Role.PROVIDER_STAFF, provider.organization)
    case = open_case(caseworker, language="es", borough="QN")
    send(case, provider, caseworker)
    document_actions.add_document(case, data=PDF, name="hearing notice.pdf", kind="court_notice", actor=caseworker)
    open_case(caseworker, person_name="Second Example", language="es", borough="BK")  # waiting: proposed
    call_command("messaging_templates", "load", verbosity=0)
    detentions.record_detention(incident, HELD, actor=caseworker)
    run_worker()
    return case, provider_staff


def run_worker(rounds=40):
    from vigil.work.actions import run_pending_now

    for _ in range(rounds):
        if not run_pending_now():
            return


def test_every_page_has_no_axe_violations_in_seven_languages(browser, live_server, colleague, owner, settings):  # noqa: F811
    from vigil.alerts.tests.conftest import make_incident

    settings.ALTCHA_ENABLED = False
    settings.ALERTS_RATE_SMS = 0
    settings.FAMILY_INTAKE_ORGANIZATION = colleague.organization.slug
    started = time.monotonic()
    incident = make_incident(colleague.organization, colleague)
    case, provider_staff = cases_and_findings(colleague.organization, incident)
    base = live_server.url

    public = browser.new_context(**PHONE)
    audit = Audit(public, base)
    page = public.new_page()
    for language in LANGUAGES:
        public_states(page, audit, base, language)
    public.close()

    staff = browser.new_context(**PHONE)
    staff_audit = Audit(staff, base)
    page = staff.new_page()
    for language in LANGUAGES:
        page.goto(f"{base}/accounts/login/?lang={language}")
        staff_audit.check(page, f"{language} staff sign in")
    sign_in(page, live_server, colleague)
    for language in LANGUAGES:
        staff_states(page, staff_audit, base, language, incident)
    # The same context signed in again, as an administrator, then as a provider's staff member: the cases'
    # pages, the findings, and the referrals a provider answers.
    page.context.clear_cookies()
    sign_in(page, live_server, owner)
    for language in LANGUAGES:
        case_states(page, staff_audit, base, language, case)
    page.context.clear_cookies()
    sign_in(page, live_server, provider_staff)
    for language in LANGUAGES:
        page.goto(f"{base}/staff/cases/provider/referrals/?lang={language}")
        assert page.locator("main li").count() >= 1  # the referral sent to this provider
        staff_audit.check(page, f"{language} staff provider referrals")
    staff.close()

    runs = audit.runs + staff_audit.runs
    print(f"axe {audit.version}: {runs} runs in {time.monotonic() - started:.0f} s")
    assert audit.version.startswith("4.14")
    assert len(django_settings.LANGUAGES) == 12 and runs == len(LANGUAGES) * 29
    problems = audit.problems + staff_audit.problems
    assert problems == [], "\n".join(problems)


# What axe does not see, in the browser.

CONTRAST = """(el) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (node) => { for (let n = node; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const style = getComputedStyle(el);
  const ring = rgb(style.outlineColor).slice(0, 3), behind = background(el.parentElement);
  const [a, b] = [lum(ring), lum(behind)].sort((x, y) => y - x);
  return {what: el.outerHTML.slice(0, 80), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          ratio: (a + 0.05) / (b + 0.05)};
}"""


def test_every_focusable_element_shows_a_focus_ring_of_at_least_3_to_1(browser, live_server):  # noqa: F811
    context = browser.new_context(**PHONE)
    page = context.new_page()
    seen = 0
    for path in ("/?lang=en", "/report/?lang=ar", "/alerts/?lang=es", "/report/status/?lang=bn"):
        page.goto(f"{live_server.url}{path}")
        for _ in range(30):
            page.keyboard.press("Tab")
            focused = page.evaluate_handle("document.activeElement")
            if page.evaluate("(el) => el === document.body", focused):
                break
            ring = page.evaluate(CONTRAST, focused)
            assert ring["style"] != "none" and ring["width"] >= 2, (path, ring)
            assert ring["ratio"] >= 3, (path, ring)
            seen += 1
    assert seen >= 60
    context.close()


def test_a_form_sent_with_errors_moves_focus_to_its_summary_without_javascript(browser, live_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/report/?lang=ur")
    page.click("main button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.locator("#error-summary:focus").count() == 1
    page.click("#error-summary a[href='#text']")
    assert page.locator("#text:focus").count() == 1
    context.close()


SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, summary, label.button')]
  .filter((el) => el.offsetParent !== null && !el.closest('[hidden]'))
  .filter((el) => !(el.tagName === 'A' && el.parentElement.closest('p, li:not(.cards li), dd, td') && el.parentElement.textContent.trim() !== el.textContent.trim()))
  .map((el) => { const r = el.getBoundingClientRect(); return {what: el.outerHTML.slice(0, 90), w: r.width, h: r.height}; })
  .filter((t) => t.w < 24 || t.h < 24)"""


def test_every_touch_target_is_at_least_24_pixels(browser, live_server):  # noqa: F811
    """Links inside a sentence are exempt (WCAG 2.5.8); everything else a finger presses is 24 × 24 or more."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    for path in (
        "/?lang=en",
        "/report/?lang=ar",
        "/alerts/?lang=bn",
        "/report/status/?lang=zh-hant",
        "/accounts/login/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert page.evaluate(SMALL_TARGETS) == [], path
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_alerts_neighborhood_chooser_shows_whole_names_at_360_pixels(browser, live_server, language):  # noqa: F811
    context = browser.new_context(**PHONE)
    page = context.new_page()
    every_borough = "".join(f"&hoods={code}" for code in ("BK", "BX", "MN", "QN", "SI"))
    page.goto(f"{live_server.url}/alerts/?lang={language}{every_borough}")
    page.evaluate("() => document.querySelectorAll('.neighborhoods details').forEach((d) => { d.open = true; })")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.neighborhoods label')].filter((l) => {
             const r = l.getBoundingClientRect();
             return l.scrollWidth > l.clientWidth + 1 || r.left < 0 || r.right > window.innerWidth;
           }).map((l) => l.textContent.trim())"""
    )
    count = page.locator(".neighborhoods input[type=checkbox]").count()
    assert count > 250 and cut == []
    assert page.locator("#neighborhoods select").count() == 0
    context.close()


WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map((el) => el.outerHTML.slice(0, 90))"""


@pytest.mark.parametrize("language", ["en", "ar", "ur", "bn", "zh-hant"])
def test_every_public_page_reflows_at_320_pixels_without_sideways_scrolling(browser, live_server, language):  # noqa: F811
    """WCAG 1.4.10: at 320 CSS pixels nothing needs scrolling in two directions."""
    from django.core.management import call_command

    call_command("load_rights", verbosity=0)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ("/", "/report/", "/report/status/", "/alerts/", "/rights/", "/rights/at-the-door/", "/rights/card/"):
        page.goto(f"{live_server.url}{path}?lang={language}")
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= 320, (path, language, scroll, page.evaluate(WIDER_THAN_VIEWPORT)[:3])
    context.close()

"""The first-load weight of every public and library page, held to the budgets of issue 14: a library page at
most 20 KB, any other public page at most 25 KB (KB = 1,000 bytes), in English and Arabic.

A page's weight here is its HTML plus every file it links that a browser fetches on a first load: stylesheets,
scripts, images and the icons (all of them: a browser takes one, so this counts a little more than it), and the
library's service worker script where the page registers it. Decoded bytes, as served before compression.
`make bench-pages` measures the same in a browser, with the load times (docs/pages.md).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

KB = 1000
PUBLIC_BUDGET = 25 * KB
LIBRARY_BUDGET = 20 * KB
LANGUAGES = ["en", "ar"]


class Linked(HTMLParser):
    """The addresses a browser fetches with the page: stylesheets, icons, scripts, images."""

    def __init__(self):
        super().__init__()
        self.addresses = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").split()
        if tag == "link" and ({"stylesheet", "icon"} & set(rel)) and attrs.get("href"):
            self.addresses.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.addresses.append(attrs["src"])


def file_size(client, address: str) -> int:
    if address.startswith(django_settings.STATIC_URL):
        found = finders.find(address[len(django_settings.STATIC_URL) :])
        assert found, f"{address} is linked but is no static file"
        with open(found, "rb") as fh:
            return len(fh.read())
    response = client.get(address)
    assert response.status_code == 200, address
    return len(response.content)


def weight(client, response) -> dict:
    html = response.content.decode()
    parser = Linked()
    parser.feed(html)
    sizes = {"html": len(response.content)}
    for address in dict.fromkeys(parser.addresses):
        sizes[address] = file_size(client, address)
    if "rights/offline.js" in html:  # it registers the library's service worker, which the browser then fetches
        sizes["/rights/sw.js"] = file_size(client, "/rights/sw.js")
    return sizes


def public_responses(client, language):
    """Every public page that is not the library's, as a first visit reaches it."""
    q = f"?lang={language}"
    yield "home", client.get(f"/{q}")
    yield "report form", client.get(f"/report/{q}")
    form = client.get(f"/report/{q}").content.decode()
    form_key = re.search(r'name="form_key" value="([^"]*)"', form).group(1)
    receipt = client.post(
        f"/report/{q}", {"text": "Agents at Roosevelt and 74th", "area": "QN0301", "form_key": form_key}
    )
    yield "report received", receipt
    page = receipt.content.decode()
    code = re.search(r'id="receipt"[^>]*>(?:<bdi[^>]*>)?([^<]+)', page).group(1)
    secret = re.search(r'id="secret"[^>]*>(?:<bdi[^>]*>)?([^<]+)', page).group(1)
    yield "status form", client.get(f"/report/status/{q}")
    yield "status found", client.post(f"/report/status/{q}", {"code": code, "secret": secret})
    yield "alerts sign-up", client.get(f"/alerts/{q}")
    sent = client.post(
        f"/alerts/{q}",
        {"channel": "email", "address": f"{language}@example.org", "language": "en", "areas": ["QN0301"]},
    )
    assert sent.status_code == 302
    yield "alerts code step", client.get(sent["Location"])
    yield "alerts unsubscribe", client.get(f"/alerts/unsubscribe/{q}")
    yield "error page", client.get(f"/no-such-page/{q}")


def library_responses(client, language):
    from vigil.rights import library
    from vigil.rights.models import Revision

    q = f"?lang={language}"
    yield "library index", client.get(f"/rights/{q}")
    for slug in library.slugs(Revision.Kind.ARTICLE):
        yield f"article {slug}", client.get(f"/rights/{slug}/{q}")
    yield "red card", client.get(f"/rights/card/{q}")


@pytest.fixture
def public_site(db, settings):
    settings.DEMO = True  # drafts shown (the fuller pages) and the demo hotline on every page
    settings.HOTLINE_NUMBER = "+1 212-555-0100"
    settings.ALTCHA_ENABLED = False
    call_command("load_rights", verbosity=0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_keeps_every_public_page_within_25_kb(client, public_site, language):
    over, seen = [], 0
    for name, response in public_responses(client, language):
        assert response.status_code in (200, 404), (name, response.status_code)
        sizes = weight(client, response)
        seen += 1
        if sum(sizes.values()) > PUBLIC_BUDGET:
            over.append(f"{name}: {sum(sizes.values())} bytes {sizes}")
    assert seen == 9
    assert over == [], "\n".join(over)


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_keeps_every_library_page_within_20_kb(client, public_site, language):
    over, seen = [], 0
    for name, response in library_responses(client, language):
        assert response.status_code == 200, name
        sizes = weight(client, response)
        assert "/rights/sw.js" in sizes, name  # the library's pages register their service worker
        seen += 1
        if sum(sizes.values()) > LIBRARY_BUDGET:
            over.append(f"{name}: {sum(sizes.values())} bytes {sizes}")
    assert seen >= 3
    assert over == [], "\n".join(over)


def test_it_counts_the_html_and_every_linked_file(client, public_site):
    response = client.get("/report/")
    sizes = weight(client, response)
    css = len(open(finders.find("vigil/site.css"), "rb").read())
    assert sizes["html"] == len(response.content)
    assert sizes["/static/vigil/site.css"] == css and "/static/vigil/report.js" in sizes
    assert "/static/vigil/favicon.ico" in sizes and "/static/vigil/favicon.svg" in sizes

"""Every page has an icon: base.html links existing files, and /favicon.ico answers for the pages that
name none (the Django admin's)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_it_answers_favicon_ico_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/report/", "/alerts/", "/no-such-page/", "/staff/audit/"])
def test_it_links_icons_that_exist_from_every_page(client, owner, path):
    client.force_login(owner)
    html = client.get(path).content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert len(icons) == 2, path
    for href in icons:
        assert href.startswith(settings.STATIC_URL)
        assert finders.find(href[len(settings.STATIC_URL) :]), href


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)")
@pytest.mark.django_db(transaction=True)
def test_it_loads_public_staff_and_admin_pages_in_a_browser_without_a_404(live_server, owner):
    """Headless Chromium asks for nothing that is missing: not an icon, a stylesheet or a script."""
    import os

    from django.test import Client
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    signed_in = Client()
    signed_in.force_login(owner)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    missing = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            public = chromium.new_context()
            staff = chromium.new_context()
            staff.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
            for context, paths in (
                (public, ["/", "/report/", "/alerts/"]),
                (staff, ["/staff/audit/", "/staff/admin/"]),
            ):
                page = context.new_page()
                page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
                for path in paths:
                    assert page.goto(live_server.url + path).status == 200, path
                    for href in page.eval_on_selector_all("link[rel=icon]", "links => links.map(l => l.href)"):
                        assert page.request.get(href).status == 200, href
                assert page.request.get(live_server.url + "/favicon.ico").status == 200
        finally:
            chromium.close()
    assert missing == []

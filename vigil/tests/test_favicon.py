"""Every page has an icon: base.html links existing files, and /favicon.ico answers for the pages that
name none (the Django admin's)."""

import re

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

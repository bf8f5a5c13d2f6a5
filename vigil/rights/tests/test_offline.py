"""Offline reading: the service worker's scope and what it may cache; every library URL answers."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

NODE = shutil.which("node")


@pytest.fixture
def worker(client, db):
    call_command("load_rights", verbosity=0)
    response = client.get("/rights/sw.js")
    assert response.status_code == 200
    return response


def test_the_worker_is_served_for_the_library_scope_only(worker):
    assert worker["Service-Worker-Allowed"] == "/rights/"
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Cache-Control"] in ("no-cache", "no-store")


def test_the_registration_asks_for_the_library_scope_and_quick_exit_clears_caches():
    from django.contrib.staticfiles import finders

    script = open(finders.find("rights/offline.js"), encoding="utf-8").read()
    assert 'scope: "/rights/"' in script
    assert "caches.delete" in script and "unregister" in script and ".quick-exit" in script


CACHED = [
    "/rights/",
    "/rights/at-the-door/",
    "/rights/at-the-door/?lang=ur",
    "/rights/card/",
    "/rights/card/" + "a" * 64 + "/card.pdf",
    "/static/vigil/site.css",
    "/static/rights/offline.js",
]
NEVER = [
    "/report/",
    "/report/?lang=es",
    "/report/status/",
    "/report/status/?code=ABCD",
    "/alerts/",
    "/alerts/confirm/",
    "/alerts/unsubscribe/?token=x",
    "/rights/at-the-door/?code=1234",
    "/rights/?lang=es&secret=x",
    "/rights/sw.js",
    "/staff/rights/",
    "/",
    "https://example.org/rights/",
]


def _cacheable(source: str, url: str, method: str = "GET") -> bool:
    """Runs the worker's own `cacheable` in Node, with a stand-in for the worker's location."""
    program = (
        "const self = {location: {origin: 'http://127.0.0.1:8000'}, addEventListener() {}};\n"
        + source
        + f"\nconsole.log(cacheable({{method: {method!r}, url: new URL({url!r}, self.location.origin).href}}));"
    )
    out = subprocess.run([NODE, "-e", program], capture_output=True, text=True, check=True).stdout
    return out.strip() == "true"


@pytest.mark.skipif(NODE is None, reason="node is not installed: the worker's cache rule is checked by pattern only")
def test_the_worker_caches_the_library_and_never_the_report_form_receipts_status_or_sign_up(worker):
    source = worker.content.decode()
    for url in CACHED:
        assert _cacheable(source, url), url
    for url in NEVER:
        assert not _cacheable(source, url), url
    assert not _cacheable(source, "/rights/", method="POST")


def test_the_workers_patterns_cover_only_library_and_static_paths(worker):
    source = worker.content.decode()
    patterns = re.findall(r"const (PAGES|STATIC) = /(.*)/;", source)
    assert {name for name, _ in patterns} == {"PAGES", "STATIC"}
    for _name, pattern in patterns:
        assert pattern.startswith(r"^\/rights\/") or pattern.startswith(r"^\/static\/")


def test_the_csp_is_not_loosened_for_the_worker(client, worker, settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "worker-src" not in directives and directives["script-src"][0] == "'self'"


@pytest.mark.django_db
def test_every_library_url_answers(client, worker, settings):
    settings.DEMO = True
    for url in ["/rights/", "/rights/card/", reverse("rights_article", args=["if-detained"]), "/rights/sw.js"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/rights/no-such-article/").status_code == 404
    assert client.get("/rights/card/" + "0" * 64 + "/card.pdf").status_code == 404
    assert client.get("/rights/card/" + "0" * 64 + "/../../x").status_code == 404

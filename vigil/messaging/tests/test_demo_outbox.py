"""The demo outbox: in demo mode only, the demo organization's admins and dispatchers read what the
console channels "sent", newest first, codes included; nobody else, and nothing outside demo mode."""

from __future__ import annotations

import pytest

from vigil.accounts.models import Role
from vigil.messaging import actions
from vigil.messaging.tests.conftest import TEST_KIND


@pytest.fixture
def demo(settings, tmp_path, org):
    settings.DEMO = True
    settings.MESSAGING_DEMO_OUTBOX_FILE = str(tmp_path / "demo-outbox.jsonl")
    settings.MESSAGING_DEMO_ORGANIZATION = org.slug
    settings.ALERTS_SMS_TRANSPORT = "console"
    settings.ALERTS_EMAIL_TRANSPORT = "console"
    return settings


@pytest.mark.django_db
def test_it_shows_what_the_demo_channels_sent_newest_first_with_codes(client, demo, owner, colleague, people, drain):
    people["a"] = "+17185557201"
    people["b"] = "reader@example.org"
    actions.send(TEST_KIND, "a", "sms", "en", "Vigil code 482913: first message")
    drain()
    actions.send(TEST_KIND, "b", "email", "es", "Código 771204: segundo", subject="Asunto")
    drain()
    for user in (owner, colleague):
        client.force_login(user)
        response = client.get("/staff/demo/outbox/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "482913" in page and "771204" in page and "Asunto" in page
        assert page.index("771204") < page.index("482913")  # newest first
        assert "…01" in page and "…@example.org" in page
        assert "+17185557201" not in page and "reader@" not in page
        assert "/staff/demo/outbox/" in client.get("/staff/alerts/").content.decode()  # the link in the staff menu


@pytest.mark.django_db
def test_it_refuses_other_roles_other_organizations_and_anonymous_people(client, demo, outsider, staff_factory, org):
    client.force_login(outsider)  # an admin, of another organization
    assert client.get("/staff/demo/outbox/").status_code == 403
    for role in (Role.RESPONDER, Role.CASEWORKER, Role.MONITOR):
        client.force_login(staff_factory(f"someone-{role}", role, org))
        assert client.get("/staff/demo/outbox/").status_code == 403
    client.logout()
    assert client.get("/staff/demo/outbox/").status_code == 302


@pytest.mark.django_db
def test_it_has_no_page_and_writes_nothing_outside_demo_mode(client, demo, owner, people, drain, tmp_path):
    demo.DEMO = False
    people["a"] = "+17185557201"
    actions.send(TEST_KIND, "a", "sms", "en", "Vigil code 482913")
    drain()
    client.force_login(owner)
    assert client.get("/staff/demo/outbox/").status_code == 404
    assert not (tmp_path / "demo-outbox.jsonl").exists()
    assert "/staff/demo/outbox/" not in client.get("/staff/alerts/").content.decode()

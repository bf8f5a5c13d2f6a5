"""Staff pages: compose from an incident, preview in every language, approve, send, progress;
subscriber counts for admins; the address list only for an allowed organization, audited."""

from __future__ import annotations

import pytest

from vigil.accounts.models import AuditEvent, Role
from vigil.alerts import actions
from vigil.alerts.models import Alert
from vigil.alerts.tests.conftest import make_incident, make_subscriber
from vigil.messaging.models import Delivery


@pytest.fixture
def readers(db):
    make_subscriber("+17185556001", language="es")
    make_subscriber("+17185556002", language="ar")
    make_subscriber("reader@example.org", channel="email", language="zh-hant", areas=["QN"])


@pytest.mark.django_db
def test_it_composes_from_the_incident_link_previews_every_language_and_sends(client, colleague, readers, drain):
    incident = make_incident(colleague.organization, colleague)
    client.force_login(colleague)
    form = client.get(f"/staff/alerts/new/?incident={incident.pk}")
    assert form.status_code == 200 and "verified_activity" in form.content.decode()
    response = client.post(
        "/staff/alerts/new/", {"incident": str(incident.pk), "kind": "verified_activity", "event_time": "14:05"}
    )
    alert = Alert.objects.get()
    assert response["Location"] == f"/staff/alerts/{alert.pk}/"
    page = client.get(response["Location"]).content.decode()
    for language in ("Español", "العربية", "繁體中文", "Polski", "Kreyòl ayisyen"):
        assert language in page
    assert "UCS-2" in page and "GSM-7" in page  # segment counts, per encoding
    assert "2:05 PM" in page  # the time filled in, English format
    assert "unreviewed" in page and 'name="confirm_unreviewed"' in page
    assert 'dir="rtl"' in page
    assert 'style="' not in page
    assert 'nonce="' in page
    client.post(f"/staff/alerts/{alert.pk}/send/")  # without the confirmation: refused
    alert.refresh_from_db()
    assert alert.state == "draft"
    client.post(f"/staff/alerts/{alert.pk}/send/", {"confirm_unreviewed": "1"})
    alert.refresh_from_db()
    assert alert.state == "sending" and alert.recipients == 3
    drain()
    progress = client.get(f"/staff/alerts/{alert.pk}/progress/").content.decode()
    assert "3 of 3 sent" in progress


@pytest.mark.django_db
def test_it_composes_a_reminder_that_a_second_person_approves(client, colleague, second_dispatcher, outsider, readers):
    client.force_login(colleague)
    client.post("/staff/alerts/new/", {"kind": "reminder", "areas": ["QN"]})
    alert = Alert.objects.get()
    assert alert.needs_approval
    client.post(f"/staff/alerts/{alert.pk}/approve/")
    alert.refresh_from_db()
    assert not alert.approved  # not by its author
    client.force_login(outsider)
    assert client.post(f"/staff/alerts/{alert.pk}/approve/").status_code == 404
    alert.refresh_from_db()
    assert not alert.approved  # nor by someone of another organization
    client.force_login(second_dispatcher)
    client.post(f"/staff/alerts/{alert.pk}/approve/")
    client.post(f"/staff/alerts/{alert.pk}/send/", {"confirm_unreviewed": "1"})
    alert.refresh_from_db()
    assert alert.approved_by == second_dispatcher and alert.state == "sending"


@pytest.mark.django_db
def test_it_keeps_alerts_within_their_organization(client, colleague, outsider, staff_factory, org):
    alert = actions.compose_alert(actor=colleague, kind="reminder", target_areas=["QN"])
    client.force_login(outsider)
    assert client.get(f"/staff/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/staff/alerts/{alert.pk}/approve/").status_code == 404
    assert client.post(f"/staff/alerts/{alert.pk}/send/").status_code == 404
    assert str(alert.ref) not in client.get("/staff/alerts/").content.decode()
    responder = staff_factory("responder-a", Role.RESPONDER, org)
    client.force_login(responder)
    assert client.get(f"/staff/alerts/{alert.pk}/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == "draft" and not alert.approved


@pytest.mark.django_db
def test_it_will_not_compose_for_an_incident_the_user_cannot_see(client, colleague, outsider):
    incident = make_incident(colleague.organization, colleague)
    client.force_login(outsider)
    assert client.get(f"/staff/alerts/new/?incident={incident.pk}").status_code == 404
    assert (
        client.post("/staff/alerts/new/", {"incident": str(incident.pk), "kind": "verified_activity"}).status_code
        == 404
    )
    assert client.get("/staff/alerts/new/?incident=not-a-uuid").status_code == 404
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_it_shows_admins_counts_and_never_addresses(client, owner, outsider, colleague, readers):
    client.force_login(owner)
    page = client.get("/staff/alerts/subscribers/").content.decode()
    assert "Jackson Heights" in page and "zh-hant" in page
    assert "5556001" not in page and "reader@" not in page
    client.force_login(outsider)  # an admin elsewhere in the network sees the same totals, no addresses
    assert "5556001" not in client.get("/staff/alerts/subscribers/").content.decode()
    client.force_login(colleague)
    assert client.get("/staff/alerts/subscribers/").status_code == 403


@pytest.mark.django_db
def test_it_shows_addresses_only_to_admins_of_an_allowed_organization_and_audits_it(
    client, owner, outsider, colleague, readers, settings
):
    for user in (owner, outsider, colleague):
        client.force_login(user)
        assert client.get("/staff/alerts/subscribers/addresses/").status_code == 403
    assert not AuditEvent.objects.filter(action="alerts.addresses_viewed").exists()
    settings.ALERTS_ADDRESS_ORGANIZATIONS = [owner.organization.slug]
    client.force_login(outsider)
    assert client.get("/staff/alerts/subscribers/addresses/").status_code == 403
    client.force_login(owner)
    page = client.get("/staff/alerts/subscribers/addresses/").content.decode()
    assert "+17185556001" in page and "reader@example.org" in page
    event = AuditEvent.objects.get(action="alerts.addresses_viewed")
    assert event.actor == owner and event.detail == {"count": 3}


@pytest.mark.django_db
def test_it_lists_the_organizations_alerts_with_their_state(client, colleague, readers):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    actions.send_alert(alert, actor=colleague, confirm_unreviewed=True)
    client.force_login(colleague)
    page = client.get("/staff/alerts/").content.decode()
    assert alert.ref in page and "Sending" in page
    assert Delivery.objects.filter(broadcast__alert=alert).count() == 3

"""Subscribing on the public page: double opt-in, encrypted addresses, clear errors, unsubscribe links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.alerts import actions
from vigil.alerts.models import Subscriber
from vigil.alerts.tests.conftest import make_subscriber

PHONE = "+17185550123"


def post(client, **values):
    data = {"channel": "sms", "address": "(718) 555-0123", "language": "es", "areas": ["QN0301", "BK"], **values}
    return client.post("/alerts/", data)


def confirm_page(client, response):
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db
def test_it_shows_a_sign_up_form_that_needs_no_javascript(client):
    page = client.get("/alerts/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script" not in html
    assert "{#" not in html and "{%" not in html  # no template comment or tag shown as text
    assert 'method="post"' in html and 'name="areas"' in html and 'value="QN"' in html
    assert 'style="' not in html
    assert "default-src 'self'" in page["Content-Security-Policy"]


@pytest.mark.django_db
def test_it_lists_a_boroughs_neighborhoods_when_asked_keeping_those_already_listed(client):
    first = client.get("/alerts/?lang=en").content.decode()
    assert "value=QN0301>" not in first  # the first load stays light: a link per borough
    assert 'href="?lang=en&amp;hoods=QN#hoods-QN"' in first
    queens = client.get("/alerts/?lang=en&hoods=QN").content.decode()
    assert '<details open id="hoods-QN">' in queens and "value=QN0301>" in queens and "value=BK0101>" not in queens
    assert 'href="?lang=en&amp;hoods=BK&amp;hoods=QN#hoods-BK"' in queens


@pytest.mark.django_db
def test_it_lists_the_neighborhoods_of_a_borough_with_a_chosen_one_when_the_form_comes_back(client):
    response = post(client, address="not a number", areas=["QN0301"])
    html = response.content.decode()
    assert response.status_code == 400
    assert '<details open id="hoods-QN">' in html and "value=QN0301 checked>" in html


@pytest.mark.django_db
def test_it_subscribes_by_sms_with_a_code_sent_to_the_number(client, twilio, drain):
    response = post(client)
    location = confirm_page(client, response)
    drain()
    sent = twilio.created_to(PHONE)
    assert len(sent) == 1
    code = re.search(r"\b(\d{6})\b", sent[0]["body"]).group(1)
    assert "código" in sent[0]["body"]  # in the chosen language
    subscriber = Subscriber.objects.get()
    assert subscriber.state == "pending"
    token = location.split("t=")[1]
    page = client.post("/alerts/confirm/", {"t": token, "code": code})
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == "active"
    assert subscriber.area_codes() == ["BK", "QN0301"]
    assert subscriber.inactive_since is None


@pytest.mark.django_db
def test_it_sends_the_code_through_messaging_and_never_a_code_a_newer_one_replaced(client, twilio, drain):
    from vigil.messaging.models import Message

    post(client)
    post(client, areas=["QN0301"])  # asked again before the first code went out
    assert Message.objects.filter(recipient_kind=actions.CONFIRMATION).count() == 2
    drain()
    sent = twilio.created_to(PHONE)
    assert len(sent) == 1
    subscriber = Subscriber.objects.get()
    assert actions.confirmation_code(subscriber) in sent[0]["body"]
    first = Message.objects.filter(recipient_kind=actions.CONFIRMATION).order_by("created_at").first()
    assert (first.state, first.error_code) == ("withdrawn", "no_recipient")


@pytest.mark.django_db
def test_it_subscribes_by_email_with_a_code_and_a_link_back(client, smtp, drain):
    response = post(client, channel="email", address="Reader@Example.org", language="fr")
    confirm_page(client, response)
    drain()
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["rcpt"] == ["Reader@example.org"]  # the local part as written; the domain lower-cased
    body = message["data"].decode()
    code = re.search(r"\b(\d{6})\b", message["subject"]).group(1)
    assert "https://vigil.example.org/alerts/confirm/?t=" in body
    token = re.search(r"confirm/\?t=([^\s]+)", body).group(1)
    client.post("/alerts/confirm/", {"t": token, "code": code})
    assert Subscriber.objects.get().state == "active"


@pytest.mark.django_db
def test_it_asks_whatsapp_subscribers_to_send_the_code_from_that_number(client, twilio, drain):
    response = post(client, channel="whatsapp")
    page = client.get(confirm_page(client, response))
    drain()
    assert twilio.messages == []  # nothing goes out to a WhatsApp number before the person writes first
    subscriber = Subscriber.objects.get()
    assert actions.confirmation_code(subscriber) in page.content.decode()


@pytest.mark.django_db
def test_it_stores_the_address_encrypted_and_finds_it_by_its_normalized_form(client, drain):
    post(client)
    subscriber = Subscriber.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, address_index FROM alerts_subscriber")
        stored, index = cursor.fetchone()
    assert b"5550123" not in bytes(stored)
    assert "5550123" not in index
    assert actions.find_subscriber("sms", "+17185550123") == subscriber
    assert actions.find_subscriber("sms", actions.normalize_address("sms", "718.555.0123")) == subscriber


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["12345", "+1 555", "call me", "+999 123 456 789", "555-0123-0123-9999"])
def test_it_refuses_a_malformed_phone_number_with_a_clear_error(client, address):
    page = post(client, address=address)
    assert page.status_code == 400
    assert "could not read that phone number" in page.content.decode()
    assert address not in page.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_it_refuses_unknown_areas_languages_and_channels(client):
    assert post(client, areas=["XX9999"]).status_code == 400
    assert post(client, areas=[]).status_code == 400
    assert post(client, language="tlh").status_code == 400
    assert post(client, channel="pigeon").status_code == 400
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_it_answers_the_same_whether_or_not_the_address_is_already_subscribed(client, drain):
    make_subscriber(PHONE, areas=["BK"])
    known = post(client)
    unknown = post(client, address="(718) 555-0124")
    assert known.status_code == unknown.status_code == 302
    assert Subscriber.objects.get(state="active").area_codes() == ["BK"]  # unchanged until the code


@pytest.mark.django_db
def test_it_changes_an_active_subscription_only_with_the_code(client):
    existing = make_subscriber(PHONE, areas=["BK"], language="en")
    post(client, areas=["SI"], language="pl")
    existing.refresh_from_db()
    assert (existing.area_codes(), existing.language) == (["BK"], "en")
    assert actions.confirm(existing, actions.confirmation_code(existing)) == "ok"
    existing.refresh_from_db()
    assert (existing.area_codes(), existing.language, existing.state) == (["SI"], "pl", "active")


@pytest.mark.django_db
def test_it_refuses_a_wrong_code_and_locks_after_five(client):
    location = confirm_page(client, post(client))
    token = location.split("t=")[1]
    subscriber = Subscriber.objects.get()
    good = actions.confirmation_code(subscriber)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        page = client.post("/alerts/confirm/", {"t": token, "code": wrong})
        assert page.status_code == 400
    page = client.post("/alerts/confirm/", {"t": token, "code": good})
    assert "Too many wrong codes" in page.content.decode()
    assert Subscriber.objects.get().state == "pending"


@pytest.mark.django_db
def test_it_refuses_an_expired_code(client):
    location = confirm_page(client, post(client))
    subscriber = Subscriber.objects.get()
    Subscriber.objects.update(confirm_expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post(
        "/alerts/confirm/", {"t": location.split("t=")[1], "code": actions.confirmation_code(subscriber)}
    )
    assert "expired" in page.content.decode()


@pytest.mark.django_db
def test_it_sends_at_most_three_codes_a_day_to_one_address(client):
    for _ in range(3):
        assert post(client).status_code == 302
    page = post(client)
    assert page.status_code == 429
    assert "Too many codes" in page.content.decode()


@pytest.mark.django_db
def test_it_limits_sign_ups_from_one_network(client, settings):
    settings.ALERTS_SUBSCRIBE_RATE = 2
    assert post(client, address="(718) 555-0131").status_code == 302
    assert post(client, address="(718) 555-0132").status_code == 302
    assert post(client, address="(718) 555-0133").status_code == 429


@pytest.mark.django_db
def test_it_stores_nothing_for_the_honeypot(client):
    client.post("/alerts/", {"channel": "sms", "address": PHONE, "language": "en", "areas": ["BK"], "website": "x"})
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_it_unsubscribes_with_the_link_of_an_email_and_by_one_click(client):
    subscriber = make_subscriber("reader@example.org", channel="email")
    token = actions.unsubscribe_token(subscriber.pk)
    page = client.get(f"/alerts/unsubscribe/?t={token}")
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == "active"  # a GET (a link scanner) changes nothing
    response = client.post(f"/alerts/unsubscribe/?t={token}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == "unsubscribed"
    assert subscriber.inactive_since is not None
    assert AuditEvent.objects.filter(action="alerts.unsubscribed", object_id=audit.key_of(subscriber)).exists()


@pytest.mark.django_db
def test_it_answers_a_forged_unsubscribe_token_the_same_way_and_changes_nothing(client):
    subscriber = make_subscriber("reader@example.org", channel="email")
    response = client.post("/alerts/unsubscribe/?t=forged")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == "active"


@pytest.mark.django_db
def test_it_audits_subscriptions_without_any_address(client):
    post(client)
    for event in AuditEvent.objects.filter(action__startswith="alerts."):
        assert "5550123" not in str(event.detail)


@pytest.mark.django_db
def test_it_still_finds_subscribers_after_the_keys_are_rotated(settings):
    import base64

    from django.core.management import call_command

    make_subscriber(PHONE)
    make_subscriber("reader@example.org", channel="email")
    new = base64.urlsafe_b64encode(b"r" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{settings.FIELD_ENCRYPTION_KEYS},2:{new}"
    settings.BLIND_INDEX_KEYS = f"{settings.BLIND_INDEX_KEYS},2:{new}"
    call_command("rotate_keys")
    settings.FIELD_ENCRYPTION_KEYS = f"2:{new}"
    settings.BLIND_INDEX_KEYS = f"2:{new}"
    found = actions.find_subscriber("sms", actions.normalize_address("sms", "718 555 0123"))
    assert found is not None and found.address == PHONE
    assert actions.find_subscriber("email", "reader@example.org").address == "reader@example.org"


@pytest.mark.django_db
def test_it_mails_the_address_as_written_and_finds_it_in_any_case(client):
    from vigil.lib.normalize import legacy_email_key

    subscriber = actions.subscribe(
        channel="email", address="Straße@Example.org", language="en", areas=["BK"], via="keyword"
    )
    assert subscriber.address == "Straße@example.org"  # never strasse@: another mailbox
    assert actions.find_subscriber("email", actions.normalize_address("email", "STRASSE@example.org")) is None
    assert actions.find_subscriber("email", actions.normalize_address("email", "straße@EXAMPLE.org")) == subscriber
    again = actions.subscribe(channel="email", address="straße@example.org", language="en", areas=["BK"], via="keyword")
    assert again.pk == subscriber.pk and Subscriber.objects.count() == 1
    assert legacy_email_key("Straße@example.org") == "strasse@example.org"


@pytest.mark.django_db
def test_it_still_finds_and_unsubscribes_someone_stored_under_the_key_of_before():
    from vigil.lib import crypto

    subscriber = make_subscriber("reader@example.org", channel="email")
    # Before email-validator the whole address was case-folded for the index: the same as today for this
    # one, so store it under a legacy-only key to prove the older key is still looked up.
    Subscriber.objects.filter(pk=subscriber.pk).update(
        address_index=crypto.blind_index("reader@example.org".casefold(), purpose="alerts.subscriber.address")
    )
    found = actions.find_subscriber("email", actions.normalize_address("email", "Reader@example.org"))
    assert found == subscriber
    assert actions.unsubscribe(found, via="keyword")

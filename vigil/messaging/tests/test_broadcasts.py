"""Broadcasts: one text to many recipients, for any app that registers a programme (no alerts here).
Recipients named by id and resolved a batch at a time, sent once, stopped when the programme says so,
a dead worker's claims settled in the provider's log before any resend, status reports taken."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.messaging import actions, fanout, registry
from vigil.messaging.channels import Envelope, get_transport
from vigil.messaging.models import Delivery

KIND = "tests.member"
PROGRAMME = "tests.campaign"


class Campaign:
    """A test app's programme: one text per language, and a switch to stop it."""

    stopped: str | None = None
    send_until = None

    def __init__(self, broadcast):
        self.broadcast = broadcast

    def stop_reason(self, now):
        return Campaign.stopped

    def audit_context(self):
        return {"object_type": "tests.campaign", "object_id": str(self.broadcast.pk)}

    def envelope(self, delivery, address, status_callback):
        text = {"es": "Reunión hoy", "en": "Meeting today"}[delivery.language]
        return Envelope(
            delivery_id=delivery.pk,
            channel=delivery.channel,
            to=address,
            text=f"{text} [{self.broadcast.tag}]",
            tag=self.broadcast.tag,
            status_callback=status_callback,
        )


@pytest.fixture
def members():
    """A registered programme and a many-resolver over a test address book (id -> address)."""
    book: dict[uuid.UUID, str] = {}
    lookups: list[int] = []
    saved = dict(registry.RESOLVERS), dict(registry.MANY_RESOLVERS), dict(registry.PROGRAMMES)

    def many(ids):
        lookups.append(len(ids))
        return {i: book[i] for i in ids if i in book}

    registry.register_resolver(KIND, lambda i: book.get(uuid.UUID(i)), many=many)
    registry.register_programme(PROGRAMME, Campaign)
    Campaign.stopped = None
    yield book, lookups
    for target, copy in zip((registry.RESOLVERS, registry.MANY_RESOLVERS, registry.PROGRAMMES), saved, strict=True):
        target.clear()
        target.update(copy)


def start(book, numbers, language="es"):
    broadcast = actions.start_broadcast(programme=PROGRAMME, recipient_kind=KIND, tag="CAMP1")
    rows = []
    for number in numbers:
        member = uuid.uuid4()
        book[member] = number
        rows.append(Delivery(broadcast=broadcast, recipient_id=member, channel="sms", language=language))
    Delivery.objects.bulk_create(rows)
    return broadcast


@pytest.mark.django_db
def test_it_sends_each_delivery_once_resolving_a_batch_in_one_lookup(members, twilio):
    book, lookups = members
    numbers = [f"+171855580{i:02d}" for i in range(5)]
    broadcast = start(book, numbers)
    fanout.transmit(broadcast.pk, ["sms"])
    assert sorted(m["to"] for m in twilio.messages) == numbers
    assert {m["body"] for m in twilio.messages} == {"Reunión hoy [CAMP1]"}
    assert set(broadcast.deliveries.values_list("state", flat=True)) == {"sent"}
    assert lookups == [5]
    fanout.transmit(broadcast.pk, ["sms"])
    assert len(twilio.messages) == 5, "sent twice"


@pytest.mark.django_db
def test_it_copies_no_address_into_a_delivery(members, twilio):
    book, _ = members
    broadcast = start(book, ["+17185558101"])
    fanout.transmit(broadcast.pk, ["sms"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM messaging_delivery")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "7185558101" not in row


@pytest.mark.django_db
def test_it_withdraws_deliveries_to_someone_gone_or_opted_out(members, twilio):
    book, _ = members
    broadcast = start(book, ["+17185558201", "+17185558202", "+17185558203"])
    gone, opted, stays = broadcast.deliveries.order_by("id")
    del book[gone.recipient_id]
    actions.opt_out("+17185558202", "sms", via="keyword")
    fanout.transmit(broadcast.pk, ["sms"])
    states = dict(broadcast.deliveries.values_list("id", "error_code"))
    assert states[gone.pk] == "no_recipient" and states[opted.pk] == "opted_out"
    assert [m["to"] for m in twilio.messages] == ["+17185558203"]


@pytest.mark.django_db
def test_it_sends_nothing_new_once_the_programme_stops_it_and_drops_what_is_queued(members, twilio):
    book, _ = members
    broadcast = start(book, ["+17185558301", "+17185558302"])
    Campaign.stopped = "expired"
    assert actions.claim_batch(broadcast.pk, "sms", 10) is None
    dropped = actions.drop_queued(broadcast, "expired", audit_context=Campaign(broadcast).audit_context())
    assert dropped == 2 and set(broadcast.deliveries.values_list("state", flat=True)) == {"expired"}
    assert twilio.messages == []
    event = AuditEvent.objects.get(action="messaging.deliveries_dropped")
    assert event.object_id == audit.object_key("tests.campaign", broadcast.pk) and event.detail["count"] == 2


@pytest.mark.django_db
def test_it_settles_a_dead_workers_claim_in_the_providers_log_before_any_resend(members, twilio):
    book, _ = members
    broadcast = start(book, ["+17185558401", "+17185558402"])
    batch = actions.claim_batch(broadcast.pk, "sms", 10)  # a worker claims, sends the first, and dies
    first = batch.rows[0]
    transport = get_transport("sms")
    transport.send(Campaign(broadcast).envelope(first, book[first.recipient_id], ""))
    transport.close()
    Delivery.objects.filter(state="sending").update(claimed_at=timezone.now() - timedelta(hours=1))
    assert actions.settle_stale_claims(broadcast, timezone.now(), audit_context={"object_type": "tests.campaign"}) == 2
    fanout.transmit(broadcast.pk, ["sms"])
    assert sorted(broadcast.deliveries.values_list("resolution", flat=True)) == ["found", "not_found"]
    assert len(twilio.messages) == 2


@pytest.mark.django_db
def test_it_takes_a_status_report_for_a_delivery_and_moves_it_forward_only(members, twilio):
    book, _ = members
    broadcast = start(book, ["+17185558501"])
    fanout.transmit(broadcast.pk, ["sms"])
    delivery = broadcast.deliveries.get()
    assert actions.record_provider_status(delivery.provider_id, "delivered")
    assert actions.record_provider_status(delivery.provider_id, "sent")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.provider_status) == ("delivered", "sent")
    assert not actions.record_provider_status("SM" + "9" * 32, "delivered")

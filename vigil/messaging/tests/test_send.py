"""Single messages: created in the caller's transaction, addressed through a registered resolver at send
time, sent once by the worker, every attempt a row; retries, uncertain sends settled before any resend,
a dead worker's claim, opt-outs, and the provider's status reports."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from twilio.request_validator import RequestValidator

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.messaging import actions, outbox, registry
from vigil.messaging.channels import get_transport
from vigil.messaging.models import Attempt, Message, OptOut
from vigil.messaging.tests.conftest import TEST_KIND
from vigil.work.models import Job

NUMBER = "+17185557001"


def attempts(message) -> list[tuple[str, str]]:
    return list(Attempt.objects.filter(message=message).values_list("outcome", "error_code"))


@pytest.mark.django_db
def test_it_sends_a_single_message_once_to_the_address_its_resolver_gives(people, twilio, drain):
    people["p1"] = NUMBER
    message = actions.send(TEST_KIND, "p1", "sms", "es", "Hola: una oferta espera en Vigil.")
    drain()
    drain(forward=True)
    message.refresh_from_db()
    assert [m["body"] for m in twilio.created_to(NUMBER)] == ["Hola: una oferta espera en Vigil."]
    assert message.state == "sent" and message.provider_id == twilio.messages[0]["sid"]
    assert attempts(message) == [("accepted", "")]
    sent = twilio.created_to(NUMBER)[0]["params"]
    assert sent["StatusCallback"] == "https://vigil.example.org/hooks/twilio/status"
    assert AuditEvent.objects.filter(action="messaging.queued", object_id=audit.key_of(message)).exists()


@pytest.mark.django_db
def test_it_copies_no_address_into_messaging_and_seals_the_text(people, twilio, drain):
    people["p2"] = NUMBER
    message = actions.send(TEST_KIND, "p2", "sms", "en", "Secret words here")
    drain()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM messaging_message")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "7185557001" not in row and "Secret words" not in row
    assert message.recipient_id == "p2"


@pytest.mark.django_db
def test_it_creates_the_message_in_the_callers_transaction(people):
    people["p3"] = NUMBER
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.send(TEST_KIND, "p3", "sms", "en", "never")
        raise RuntimeError("the caller's work failed")
    assert Message.objects.count() == 0 and Job.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_an_unregistered_kind_an_empty_text_and_a_tag_not_in_the_text(people):
    with pytest.raises(LookupError):
        actions.send("nobody.registered", "1", "sms", "en", "text")
    with pytest.raises(actions.MessageRefused) as empty:
        actions.send(TEST_KIND, "1", "sms", "en", "  ")
    with pytest.raises(actions.MessageRefused) as tag:
        actions.send(TEST_KIND, "1", "sms", "en", "text", tag="ABC12")
    with pytest.raises(actions.MessageRefused) as channel:
        actions.send(TEST_KIND, "1", "pigeon", "en", "text")
    assert (empty.value.code, tag.value.code, channel.value.code) == ("empty", "tag", "channel")
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_it_withdraws_a_message_whose_recipient_is_gone_or_unreadable(people, twilio, drain):
    def unreadable(person_id):
        raise ValueError("not an id of ours")

    registry.register_resolver("tests.unreadable", unreadable)
    gone = actions.send(TEST_KIND, "nobody", "sms", "en", "hello")
    bad = actions.send("tests.unreadable", "x", "sms", "en", "hello")
    drain(forward=True)
    for message in (gone, bad):
        message.refresh_from_db()
        assert (message.state, message.error_code) == ("withdrawn", "no_recipient")
        assert attempts(message) == [("withdrawn", "no_recipient")]
    assert twilio.requests == []


@pytest.mark.django_db
def test_it_retries_a_throttled_message_with_backoff_and_sends_it_once(people, twilio, drain):
    people["p4"] = NUMBER
    twilio.queue("429")
    message = actions.send(TEST_KIND, "p4", "sms", "en", "try again")
    drain()
    message.refresh_from_db()
    assert message.state == "queued" and message.not_before > timezone.now()
    drain(forward=True)
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 2
    assert attempts(message) == [("temporary", "twilio_20429"), ("accepted", "")]
    assert len(twilio.created_to(NUMBER)) == 1


@pytest.mark.django_db
def test_it_gives_up_after_the_last_attempt(people, twilio, drain, settings):
    settings.ALERTS_MAX_ATTEMPTS = 2
    people["p5"] = NUMBER
    twilio.queue("429", "429", "429")
    message = actions.send(TEST_KIND, "p5", "sms", "en", "give up")
    drain(forward=True)
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 2)
    assert twilio.created_to(NUMBER) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("behaviour", "resolution", "copies"), [("500_after_create", "found", 1), ("500", "not_found", 1)]
)
def test_it_settles_an_uncertain_send_before_any_resend(people, twilio, drain, behaviour, resolution, copies):
    people["p6"] = NUMBER
    twilio.queue(behaviour)
    message = actions.send(TEST_KIND, "p6", "sms", "en", "Are you there?")
    drain()
    message.refresh_from_db()
    assert (message.state, message.was_uncertain) == ("uncertain", True)
    drain(forward=True)
    message.refresh_from_db()
    assert (message.state, message.resolution) == ("sent", resolution)
    assert len(twilio.created_to(NUMBER)) == copies
    assert attempts(message)[0] == ("uncertain", "twilio_20500")
    assert attempts(message)[-1][0] == ("found" if resolution == "found" else "accepted")


@pytest.mark.django_db
def test_it_marks_a_dead_workers_claim_uncertain_and_finds_the_message_it_sent(people, twilio, drain):
    """The worker claimed the message, Twilio took it, and the worker died before recording anything."""
    people["p7"] = NUMBER
    message = actions.send(TEST_KIND, "p7", "sms", "en", "Sent before the crash")
    Job.objects.all().delete()  # the job ran in the dead worker
    token = actions.claim(message.pk)
    transport = get_transport("sms")
    accepted = transport.send(outbox.envelope(Message.objects.get(pk=message.pk), NUMBER))
    transport.close()
    assert token
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    drain(forward=True)
    message.refresh_from_db()
    assert (message.state, message.resolution, message.provider_id) == ("sent", "found", accepted.provider_id)
    assert len(twilio.created_to(NUMBER)) == 1
    assert AuditEvent.objects.filter(action="messaging.uncertain").count() == 1


@pytest.mark.django_db
def test_it_resends_an_uncertain_email_with_the_same_message_id(people, smtp, drain, settings):
    settings.ALERTS_PROVIDER_TIMEOUT_SECONDS = 1.0
    smtp.slow_seconds = 2.0
    people["p8"] = "someone@example.org"
    smtp.queue("slow")
    message = actions.send(TEST_KIND, "p8", "email", "en", "Body", subject="Subject")
    drain()
    message.refresh_from_db()
    assert message.state == "uncertain"
    time.sleep(1.5)  # the slow server has accepted the first copy by now
    drain(forward=True)
    message.refresh_from_db()
    assert (message.state, message.resolution) == ("sent", "resent")
    assert smtp.message_ids() == [message.provider_id, message.provider_id]


@pytest.mark.django_db
def test_it_refuses_to_send_to_an_opted_out_address(people, twilio, drain):
    people["p9"] = NUMBER
    actions.opt_out(NUMBER, "whatsapp", via="keyword")
    message = actions.send(TEST_KIND, "p9", "whatsapp", "en", "not for you")
    other = actions.send(TEST_KIND, "p9", "sms", "en", "but this")  # another channel: not opted out
    drain()
    message.refresh_from_db()
    other.refresh_from_db()
    assert (message.state, message.error_code) == ("withdrawn", "opted_out")
    assert (other.state, other.error_code) == ("sent", "")
    assert len(twilio.created_to(NUMBER)) == 1


@pytest.mark.django_db
def test_it_opts_the_address_out_everywhere_when_twilio_says_it_unsubscribed(people, twilio, drain, only_handlers):
    told = []
    only_handlers.register_handler("tests.app", lambda inbound: None, order=1, stop=lambda *a: told.append(a))
    people["p10"] = "+17185557999"  # the fake Twilio answers 21610 for this number
    message = actions.send(TEST_KIND, "p10", "sms", "en", "first")
    drain()
    message.refresh_from_db()
    assert (message.state, message.error_code) == ("failed", "twilio_21610")
    assert actions.is_opted_out("+17185557999", "sms")
    assert OptOut.objects.get().via == "carrier"
    assert told == [("+17185557999", "sms", "", "carrier")]


def callback(client, settings, params, signature=None):
    url = "https://vigil.example.org/hooks/twilio/status"
    signature = signature or RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    return client.post("/hooks/twilio/status", params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.django_db
def test_it_takes_status_reports_with_a_valid_signature_only_and_moves_forward_only(
    client, people, twilio, drain, settings
):
    people["p11"] = NUMBER
    message = actions.send(TEST_KIND, "p11", "sms", "en", "status")
    drain()
    message.refresh_from_db()
    forged = callback(client, settings, {"MessageSid": message.provider_id, "MessageStatus": "failed"}, "bad")
    assert forged.status_code == 403
    ok = callback(client, settings, {"MessageSid": message.provider_id, "MessageStatus": "delivered"})
    callback(client, settings, {"MessageSid": message.provider_id, "MessageStatus": "sent"})  # late, out of order
    message.refresh_from_db()
    assert ok.status_code == 204 and (message.state, message.provider_status) == ("delivered", "sent")
    missing = client.post("/hooks/twilio/status", {}, HTTP_X_TWILIO_SIGNATURE="x")
    assert missing.status_code == 403


@pytest.mark.django_db
def test_it_records_an_opt_out_from_an_undelivered_report(client, people, twilio, drain, settings):
    people["p12"] = NUMBER
    message = actions.send(TEST_KIND, "p12", "sms", "en", "status")
    drain()
    message.refresh_from_db()
    params = {"MessageSid": message.provider_id, "MessageStatus": "undelivered", "ErrorCode": "21610"}
    assert callback(client, settings, params).status_code == 204
    message.refresh_from_db()
    assert (message.state, message.error_code) == ("failed", "twilio_21610")
    assert actions.is_opted_out(NUMBER, "sms")


@pytest.mark.django_db
def test_it_still_takes_reports_at_the_address_alerts_gave_twilio_before(client, people, twilio, drain, settings):
    people["p13"] = NUMBER
    message = actions.send(TEST_KIND, "p13", "sms", "en", "status")
    drain()
    message.refresh_from_db()
    params = {"MessageSid": message.provider_id, "MessageStatus": "delivered"}
    url = "https://vigil.example.org/hooks/twilio/alert-status"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    response = client.post("/hooks/twilio/alert-status", params, HTTP_X_TWILIO_SIGNATURE=signature)
    message.refresh_from_db()
    assert response.status_code == 204 and message.state == "delivered"

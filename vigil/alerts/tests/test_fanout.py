"""The fan-out: who gets an alert and in which order, expiry, retries, provider failures, callbacks."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from twilio.request_validator import RequestValidator

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.alerts import actions, programme, targeting
from vigil.alerts.models import Subscriber
from vigil.alerts.tests.conftest import CONTENT_SIDS, WHATSAPP_NUMBER, expire_claims, make_incident, make_subscriber
from vigil.geo.areas import get_area, nearby_neighborhoods
from vigil.messaging import actions as messaging_actions
from vigil.messaging import fanout
from vigil.messaging.channels import get_transport
from vigil.messaging.channels.console.transport import mask
from vigil.messaging.models import Delivery


def sent_alert(actor, **kw):
    incident = make_incident(actor.organization, actor, **kw)
    alert = actions.compose_alert(actor=actor, kind="verified_activity", incident=incident)
    actions.send_alert(alert, actor=actor, confirm_unreviewed=True)
    alert.refresh_from_db()
    return alert


def far_neighborhood_in_queens():
    near = set(nearby_neighborhoods("QN0301", 300)) | {"QN0301"}
    return next(code for code in ("QN1401", "QN1206", "QN0101", "QN1301") if code not in near and get_area(code))


# ---- who, in which order --------------------------------------------------------------------


@pytest.mark.django_db
def test_it_alerts_the_neighborhood_the_ones_within_300_m_and_the_borough(colleague):
    near = nearby_neighborhoods("QN0301", 300)
    assert near, "QN0301 has neighbors within 300 m"
    here = make_subscriber("+17185554001", areas=["QN0301"])
    next_door = make_subscriber("+17185554002", areas=[near[0]])
    borough = make_subscriber("+17185554003", areas=["QN"])
    elsewhere = make_subscriber("+17185554004", areas=[far_neighborhood_in_queens()])
    other_borough = make_subscriber("+17185554005", areas=["BK"])
    alert = sent_alert(colleague)
    got = set(Delivery.objects.filter(broadcast__alert=alert).values_list("recipient_id", flat=True))
    assert got == {here.pk, next_door.pk, borough.pk}
    assert elsewhere.pk not in got and other_borough.pk not in got


@pytest.mark.django_db
def test_it_uses_the_neighborhoods_own_borough_code(colleague):
    """An incident in a Queens neighborhood reaches Queens subscribers, not those of a borough next door."""
    targets = dict(targeting.incident_targets("QN0301"))
    assert targets["QN"] == targeting.BOROUGH_PRIORITY
    assert not {"BK", "MN", "BX", "SI"} & set(targets)


@pytest.mark.django_db
def test_it_creates_one_delivery_per_person_however_many_areas_match(colleague):
    both = make_subscriber("+17185554011", areas=["QN0301", "QN"])
    alert = sent_alert(colleague)
    delivery = Delivery.objects.get(broadcast__alert=alert, recipient_id=both.pk)
    assert delivery.priority == 0  # the nearest of the matching areas
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(broadcast=alert.broadcast, recipient_id=both.pk, channel="sms", language="en")
    assert targeting.create_deliveries(alert) == 0  # running the selection again adds nobody


@pytest.mark.django_db
def test_it_sends_the_nearest_first(colleague):
    near = nearby_neighborhoods("QN0301", 300)
    borough = make_subscriber("+17185554021", areas=["QN"])
    next_door = make_subscriber("+17185554022", areas=[near[0]])
    here = make_subscriber("+17185554023", areas=["QN0301"])
    alert = sent_alert(colleague)
    batch = messaging_actions.claim_batch(alert.broadcast_id, "sms", 10)
    assert [d.recipient_id for d in batch.rows] == [here.pk, next_door.pk, borough.pk]


@pytest.mark.django_db
def test_it_reaches_every_neighborhood_of_a_borough_chosen_for_a_reminder(colleague, second_dispatcher):
    hood = make_subscriber("+17185554031", areas=[far_neighborhood_in_queens()])
    make_subscriber("+17185554032", areas=["BK"])
    reminder = actions.compose_alert(actor=colleague, kind="reminder", target_areas=["QN"])
    actions.approve_alert(reminder, actor=second_dispatcher)
    assert actions.send_alert(reminder, actor=colleague, confirm_unreviewed=True) == 1
    assert Delivery.objects.get(broadcast__alert=reminder).recipient_id == hood.pk


# ---- sending through the providers ----------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_each_channel_through_its_provider_in_the_readers_language(colleague, twilio, smtp, drain):
    make_subscriber("+17185554041", language="es")
    make_subscriber("reader@example.org", channel="email", language="zh-hans")
    make_subscriber("+17185554042", channel="whatsapp", language="en")
    alert = sent_alert(colleague)
    drain()
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    sms = twilio.created_to("+17185554041")[0]
    assert sms["body"] == alert.texts["es"]["sms"] and alert.ref in sms["body"]
    assert sms["params"]["From"] == "+12125550100"
    assert sms["params"]["StatusCallback"] == "https://vigil.example.org/hooks/twilio/status"
    whatsapp = twilio.created_to("whatsapp:+17185554042")[0]
    assert whatsapp["params"]["From"] == "whatsapp:" + WHATSAPP_NUMBER
    assert whatsapp["params"]["ContentSid"] == CONTENT_SIDS[alert.texts["en"]["key"]]["en"]
    assert "Body" not in whatsapp["params"]
    assert json.loads(whatsapp["params"]["ContentVariables"])["1"] == alert.ref
    assert twilio.violations == []
    email = smtp.messages[0]
    assert email["subject"] == alert.texts["zh-hans"]["subject"]
    delivery = Delivery.objects.get(channel="email")
    assert email["message_id"] == delivery.provider_id == programme.message_id(alert, delivery.pk)
    assert email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    alert.refresh_from_db()
    assert alert.state == "done"


@pytest.mark.django_db
def test_it_never_sends_free_form_whatsapp_and_sends_by_sms_where_no_template_is_registered(colleague, twilio, drain):
    make_subscriber("+17185554051", channel="whatsapp", language="ko")
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state) == ("sms", "sent")
    assert twilio.created_to("whatsapp:+17185554051") == []
    assert len(twilio.created_to("+17185554051")) == 1 and twilio.violations == []


@pytest.mark.django_db
def test_it_refuses_wrong_credentials_at_the_local_twilio_and_retries_later(colleague, twilio, drain, settings):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    make_subscriber("+17185554061")
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.error_code, delivery.attempts) == ("queued", "twilio_20003", 1)
    assert delivery.not_before > timezone.now()


# ---- temporary and permanent errors, and uncertainty ---------------------------------------


@pytest.mark.django_db
def test_it_retries_a_throttled_message_with_backoff_and_sends_it_once(colleague, twilio, drain):
    make_subscriber("+17185554071")
    twilio.queue("429", "429")
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    first_wait = delivery.not_before - timezone.now()
    assert delivery.state == "queued" and first_wait > timedelta(seconds=5)
    drain(forward=True)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert len(twilio.messages) == 1


@pytest.mark.django_db
def test_it_records_a_permanent_failure_and_unsubscribes_someone_who_opted_out_at_the_carrier(colleague, twilio, drain):
    person = make_subscriber("+17185554081")
    twilio.opted_out.add("+17185554081")
    alert = sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.error_code) == ("failed", "twilio_21610")
    person.refresh_from_db()
    assert person.state == "unsubscribed"
    assert AuditEvent.objects.filter(action="messaging.delivery_outcomes", object_id=audit.key_of(alert)).exists()
    # Opted out everywhere: every app's messages to this number are refused from now on.
    assert messaging_actions.is_opted_out("+17185554081", "sms")


@pytest.mark.django_db
def test_it_gives_up_after_the_last_attempt(colleague, twilio, drain, settings):
    settings.ALERTS_MAX_ATTEMPTS = 2
    make_subscriber("+17185554091")
    twilio.queue("429", "429", "429")
    sent_alert(colleague)
    drain(forward=True)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert fanout_progress(delivery.broadcast.alert)["errors"] == {"twilio_20429": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "behaviour,resolution",
    [("timeout", "found"), ("drop", "found"), ("500_after_create", "found"), ("500", "not_found")],
)
def test_it_settles_an_uncertain_sms_before_any_resend(colleague, twilio, drain, behaviour, resolution):
    make_subscriber("+17185554101")
    twilio.queue(behaviour)
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    assert delivery.state == "uncertain" and delivery.was_uncertain
    drain(forward=True)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.resolution) == ("sent", resolution)
    assert len(twilio.created_to("+17185554101")) == 1, "sent twice"
    assert delivery.provider_id == twilio.created_to("+17185554101")[0]["sid"]


@pytest.mark.django_db
def test_it_marks_claims_of_a_dead_worker_uncertain_and_counts_them(colleague, twilio, drain):
    for i in range(3):
        make_subscriber(f"+1718555411{i}")
    alert = sent_alert(colleague)
    batch = messaging_actions.claim_batch(alert.broadcast_id, "sms", 10)  # a worker claims, sends one, and dies
    first = batch.rows[0]
    transport = get_transport("sms")
    transport.send(
        programme.AlertProgramme(alert.broadcast).envelope(
            first, Subscriber.objects.get(pk=first.recipient_id).address, ""
        )
    )
    transport.close()
    expire_claims()
    drain(forward=True)
    deliveries = Delivery.objects.filter(broadcast__alert=alert)
    assert set(deliveries.values_list("state", flat=True)) == {"sent"}
    assert Counter(deliveries.values_list("resolution", flat=True)) == {"found": 1, "not_found": 2}
    assert len(twilio.messages) == 3
    assert AuditEvent.objects.get(action="messaging.deliveries_uncertain").detail["count"] == 3
    progress = fanout_progress(alert)
    assert progress["was_uncertain"] == 3 and progress["resolutions"] == {"found": 1, "not_found": 2}


def fanout_progress(alert):
    from vigil.alerts import progress

    return progress.for_alert(alert)


@pytest.mark.django_db
def test_it_retries_an_email_refused_for_now_and_fails_one_refused_for_good(colleague, smtp, drain):
    make_subscriber("later@example.org", channel="email")
    make_subscriber("nobody@example.org", channel="email")
    smtp.queue("451", "550")
    sent_alert(colleague)
    drain(forward=True)
    sent = Delivery.objects.get(state="sent")
    failed = Delivery.objects.get(state="failed")
    assert sent.attempts == 2  # refused once for now, then taken
    assert failed.error_code == "smtp_550"
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_it_resends_an_uncertain_email_with_the_same_message_id_and_counts_it(colleague, smtp, drain, settings):
    settings.ALERTS_PROVIDER_TIMEOUT_SECONDS = 1.0
    smtp.slow_seconds = 2.0
    make_subscriber("slow@example.org", channel="email")
    smtp.queue("slow")
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    assert delivery.state == "uncertain"
    time.sleep(1.5)  # the slow server has accepted the first copy by now
    drain(forward=True)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.resolution, delivery.was_uncertain) == ("sent", "resent", True)
    ids = smtp.message_ids()
    assert ids == [delivery.provider_id, delivery.provider_id]


# ---- expiry, rates, progress ---------------------------------------------------------------


@pytest.mark.django_db
def test_it_drops_and_counts_deliveries_not_sent_before_the_alert_expires(colleague, twilio, drain):
    for i in range(3):
        make_subscriber(f"+1718555412{i}")
    alert = sent_alert(colleague)
    alert.expires_at = timezone.now() - timedelta(seconds=1)
    alert.save(update_fields=["expires_at"])
    drain(forward=True)
    assert set(Delivery.objects.values_list("state", flat=True)) == {"expired"}
    assert twilio.messages == []
    event = AuditEvent.objects.get(action="messaging.deliveries_dropped")
    assert (event.detail["outcome"], event.detail["count"]) == ("expired", 3)
    alert.refresh_from_db()
    assert alert.state == "done"


@pytest.mark.django_db
def test_it_expires_after_two_hours_by_default(colleague):
    alert = sent_alert(colleague)
    assert alert.expires_at - alert.sent_at == timedelta(hours=2)


@pytest.mark.django_db
def test_it_holds_each_channel_to_its_rate():
    limiter = fanout.RateLimiter("sms", 20)
    start = time.monotonic()
    for _ in range(21):
        limiter.wait()
    assert time.monotonic() - start >= 0.95


@pytest.mark.django_db
def test_it_sizes_batches_to_finish_well_within_the_lease(settings):
    settings.ALERTS_RATE_SMS = 1
    settings.ALERTS_CLAIM_LEASE_SECONDS = 60
    assert fanout.batch_size("sms") == 20
    settings.ALERTS_RATE_SMS = 0
    assert fanout.batch_size("sms") == 500


@pytest.mark.django_db
def test_it_shows_progress_and_the_time_left_at_the_channels_rate(client, colleague, settings):
    settings.ALERTS_RATE_SMS = 2
    for i in range(6):
        make_subscriber(f"+1718555413{i}")
    alert = sent_alert(colleague)
    progress = fanout_progress(alert)
    assert progress["open"] == 6 and progress["channels"][0]["eta_seconds"] == 3
    client.force_login(colleague)
    page = client.get(f"/staff/alerts/{alert.pk}/progress/").content.decode()
    assert "0 of 6 sent" in page and "about 3 s left" in page


# ---- provider status callbacks --------------------------------------------------------------


def callback(client, settings, params, *, signature=None):
    url = "https://vigil.example.org/hooks/twilio/status"
    signature = signature or RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    return client.post("/hooks/twilio/status", params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.django_db
def test_it_takes_delivery_reports_with_a_valid_signature_only(client, colleague, twilio, drain, settings):
    make_subscriber("+17185554141")
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    forged = callback(
        client, settings, {"MessageSid": delivery.provider_id, "MessageStatus": "failed"}, signature="bad"
    )
    assert forged.status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == "sent"
    assert (
        callback(client, settings, {"MessageSid": delivery.provider_id, "MessageStatus": "delivered"}).status_code
        == 204
    )
    callback(client, settings, {"MessageSid": delivery.provider_id, "MessageStatus": "sent"})  # late, out of order
    delivery.refresh_from_db()
    assert (delivery.state, delivery.provider_status) == ("delivered", "sent")


@pytest.mark.django_db
def test_it_records_an_undelivered_report_and_an_opt_out(client, colleague, twilio, drain, settings):
    person = make_subscriber("+17185554151")
    sent_alert(colleague)
    drain()
    delivery = Delivery.objects.get()
    params = {"MessageSid": delivery.provider_id, "MessageStatus": "undelivered", "ErrorCode": "21610"}
    callback(client, settings, params)
    delivery.refresh_from_db()
    person.refresh_from_db()
    assert (delivery.state, delivery.error_code, person.state) == ("failed", "twilio_21610", "unsubscribed")
    assert messaging_actions.is_opted_out("+17185554151", "sms")
    assert callback(client, settings, {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}).status_code == 204


# ---- unsubscribing while an alert goes out; the console transport ---------------------------


@pytest.mark.django_db
def test_it_withdraws_queued_messages_of_someone_who_unsubscribes_mid_alert(colleague, twilio, drain):
    leaving = make_subscriber("+17185554161")
    make_subscriber("+17185554162")
    sent_alert(colleague)
    actions.unsubscribe(leaving, via="keyword")
    drain()
    assert Delivery.objects.get(recipient_id=leaving.pk).state == "withdrawn"
    assert twilio.created_to("+17185554161") == []
    assert len(twilio.messages) == 1


@pytest.mark.django_db
def test_it_never_shows_a_whole_address_in_the_console_transport(colleague, drain, settings, tmp_path):
    settings.ALERTS_CONSOLE_FILE = str(tmp_path / "outbox.log")
    make_subscriber("+17185554171")
    make_subscriber("someone@example.org", channel="email")
    alert = sent_alert(colleague)
    drain()
    written = (tmp_path / "outbox.log").read_text()
    assert alert.ref in written and "…71" in written and "…@example.org" in written
    assert "5554171" not in written and "someone@" not in written
    assert mask("+17185554171") == "…71"
    assert Subscriber.objects.count() == 2


@pytest.mark.django_db
def test_it_logs_no_number_when_it_searches_twilios_log(colleague, twilio, drain, caplog):
    caplog.set_level(logging.DEBUG)
    make_subscriber("+17185554181")
    twilio.queue("timeout")
    sent_alert(colleague)
    drain()
    drain(forward=True)
    assert Delivery.objects.get().resolution == "found"
    assert "7185554181" not in caplog.text

"""Sending an alert's deliveries: claim a batch, send each message, record the outcomes.

This runs after the background job that planned it has committed (see jobs.pump), never inside a
transaction that spans network calls: SQLite would hold its write lock for the whole batch, and a
crash would roll back the record of messages the provider already took. Instead each step commits on
its own, in this order, which is what makes "nothing skipped, nothing doubled" hold:

1. claim: the batch's rows become `sending` with a claim token and time (committed);
2. send: one provider call per row, at the channel's rate; never started once half the claim's lease
   has passed (so a slow provider cannot outlive the lease and race a second worker);
3. record: outcomes are written every ALERTS_RECORD_EVERY messages, only where the claim still holds.

A worker that dies between 1 and 3 leaves rows `sending`; when the lease runs out the next pump marks
them `uncertain`, and the next batch resolves each one before anything else: found in the provider's
log (by recipient and the alert's reference in the text) means sent, not found means send now, and a
provider without a log (SMTP) gets the same message again with the same Message-ID. All are counted.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from email.utils import make_msgid

from django.core.cache import cache
from django.db import close_old_connections, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from vigil.alerts import actions, texts
from vigil.alerts.conf import conf
from vigil.alerts.models import Alert, Channel, Delivery, Subscriber
from vigil.messaging import actions as messaging_actions
from vigil.messaging import faults
from vigil.messaging.channels import ACCEPTED, PERMANENT, TEMPORARY, get_transport
from vigil.messaging.channels import Envelope as Message
from vigil.messaging.outbox import retry_delay, settle_uncertain, status_callback_url

logger = logging.getLogger(__name__)


class RateLimiter:
    """At most `rate` messages a second for a channel, across processes when the cache is shared
    (Redis); in-process pacing spreads them within the second. Rate 0: no limit."""

    def __init__(self, channel: str, rate: float):
        self.channel = channel
        self.rate = float(rate)
        self.next_at = 0.0

    def wait(self) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + 1.0 / self.rate
        window = max(1.0, 1.0 / self.rate)
        capacity = max(1, int(self.rate * window))
        while True:
            clock = time.time()
            slot = int(clock // window)
            key = f"vigil:alerts:rate:{self.channel}:{slot}"
            cache.add(key, 0, int(window) + 5)
            try:
                used = cache.incr(key)
            except ValueError:
                cache.set(key, 1, int(window) + 5)
                used = 1
            if used <= capacity:
                return
            time.sleep(max(0.001, (slot + 1) * window - clock))


def batch_size(channel: str) -> int:
    """Small enough that a batch is sent well within half the lease at the channel's rate."""
    rate = conf.rate(channel)
    size = conf.BATCH_SIZE
    if rate > 0:
        size = min(size, max(1, int(rate * conf.CLAIM_LEASE_SECONDS / 3)))
    return max(1, size)


def _email_domain() -> str:
    return conf.email_from().rpartition("@")[2].strip(" >") or "localhost"


def message_id(alert: Alert, delivery_id: int) -> str:
    """Stable per delivery: a resend after an uncertain outcome carries the very same Message-ID."""
    return f"<vigil.{alert.ref}.{delivery_id}@{_email_domain()}>"


def public_url(path: str) -> str:
    return conf.public_base_url() + path


def build_message(alert: Alert, delivery: Delivery, subscriber: Subscriber, *, callback: str = "") -> Message:
    rendered = alert.texts.get(delivery.language) or alert.texts["en"]
    message = Message(
        delivery_id=delivery.pk,
        channel=delivery.channel,
        to=subscriber.address,
        text=rendered["sms"],
        tag=alert.ref,
        language=rendered.get("pack", delivery.language),
        status_callback=callback,
    )
    if alert.expires_at is not None:
        message.validity_seconds = max(1, int((alert.expires_at - timezone.now()).total_seconds()))
    if delivery.channel == Channel.EMAIL:
        url = public_url(reverse("alerts_unsubscribe") + "?t=" + actions.unsubscribe_token(subscriber.pk))
        footer = rendered.get("email_footer", "").format(url=url)
        message.text = f"{rendered['text']}\n\n--\n{footer}"
        message.subject = rendered["subject"]
        message.message_id = message_id(alert, delivery.pk)
        message.unsubscribe_url = url
    elif delivery.channel == Channel.WHATSAPP:
        sids = conf.whatsapp_content_sids().get(rendered.get("key", alert.kind), {})
        message.content_sid = sids.get(rendered.get("pack", delivery.language), "")
        message.content_variables = dict(rendered.get("vars", {}))
        message.text = rendered["text"]
    return message


def _after_send(delivery: Delivery, result, resolution: str | None) -> actions.Outcome:
    now = timezone.now()
    if result.outcome == ACCEPTED:
        return actions.Outcome(
            delivery.pk, Delivery.State.SENT, result.provider_id, now, resolution=resolution, attempted=True
        )
    if result.outcome == PERMANENT:
        return actions.Outcome(
            delivery.pk,
            Delivery.State.FAILED,
            error_code=result.code,
            resolution=resolution,
            attempted=True,
            opted_out_subscriber=delivery.subscriber if result.opted_out else None,
        )
    if result.outcome == TEMPORARY:
        if delivery.attempts + 1 >= conf.MAX_ATTEMPTS:
            return actions.Outcome(
                delivery.pk, Delivery.State.FAILED, error_code=result.code, resolution=resolution, attempted=True
            )
        return actions.Outcome(
            delivery.pk,
            Delivery.State.QUEUED,
            error_code=result.code,
            resolution=resolution,
            not_before=now + retry_delay(delivery.attempts + 1),
            attempted=True,
        )
    return actions.Outcome(
        delivery.pk,
        Delivery.State.UNCERTAIN,
        error_code=result.code,
        resolution="",
        uncertain=True,
        not_before=now + timedelta(seconds=actions.UNCERTAIN_WAIT_SECONDS),
        attempted=True,
    )


def _stopped(delivery: Delivery, reason: str, resolution: str | None) -> actions.Outcome:
    state = Delivery.State.EXPIRED if reason == "expired" else Delivery.State.WITHDRAWN
    return actions.Outcome(delivery.pk, state, error_code=reason, resolution=resolution)


def send_batch(batch: actions.Batch, transport, limiter: RateLimiter) -> None:
    """Resolve or send every claimed row of the batch, recording outcomes as they accumulate."""
    started = time.monotonic()
    half_lease = conf.CLAIM_LEASE_SECONDS / 2
    record_every = max(1, conf.RECORD_EVERY)
    callback = status_callback_url()
    outcomes: list[actions.Outcome] = []
    try:
        _send_rows(batch, transport, limiter, outcomes, started, half_lease, record_every, callback)
    finally:
        # Whatever happened, what is known is written; rows never reached stay claimed and the lease
        # turns them uncertain.
        actions.record_outcomes(batch, outcomes)


def _send_rows(batch, transport, limiter, outcomes, started, half_lease, record_every, callback) -> None:
    alert = batch.alert
    last_record = time.monotonic()
    accepted_once = False
    # Every app sees an opt-out (STOP, a carrier's "unsubscribed"): one lookup for the whole batch.
    opted_out = messaging_actions.opted_out_addresses(
        [delivery.subscriber.address for delivery in batch.rows], batch.rows[0].channel if batch.rows else ""
    )
    for delivery in batch.rows:
        needs_resolution = delivery.was_uncertain and delivery.resolution == ""
        if time.monotonic() - started > half_lease:
            # Too late to start another call under this claim: give the row back untouched.
            back = Delivery.State.UNCERTAIN if needs_resolution else Delivery.State.QUEUED
            outcomes.append(actions.Outcome(delivery.pk, back))
            continue
        subscriber = delivery.subscriber
        message = build_message(alert, delivery, subscriber, callback=callback)
        resolution = None
        if needs_resolution:
            settled = settle_uncertain(transport, message, delivery.claimed_at)
            if settled.decision == "later":
                outcomes.append(
                    actions.Outcome(
                        delivery.pk,
                        Delivery.State.UNCERTAIN,
                        resolution="",
                        uncertain=True,
                        not_before=timezone.now() + timedelta(seconds=actions.UNCERTAIN_WAIT_SECONDS),
                    )
                )
                continue
            if settled.decision == "found":
                outcomes.append(
                    actions.Outcome(
                        delivery.pk, Delivery.State.SENT, settled.provider_id, timezone.now(), resolution="found"
                    )
                )
                continue
            resolution = settled.resolution
        reason = batch.reason
        if reason is None and alert.expires_at is not None and timezone.now() >= alert.expires_at:
            reason = "expired"
        if reason is None and subscriber.state != Subscriber.State.ACTIVE:
            reason = "unsubscribed"
        if reason is None and subscriber.address in opted_out:
            reason = "opted_out"
        if reason is not None:
            outcomes.append(_stopped(delivery, reason, "unknown" if resolution == "resent" else resolution))
            continue
        limiter.wait()
        result = transport.send(message)
        if result.outcome == ACCEPTED and not accepted_once:
            accepted_once = True
            faults.hook("after_accept", delivery.channel)
        outcomes.append(_after_send(delivery, result, resolution))
        if len(outcomes) >= record_every or time.monotonic() - last_record > 1.0:
            actions.record_outcomes(batch, outcomes)
            outcomes.clear()
            last_record = time.monotonic()


def channel_loop(alert_id, channel: str) -> int:
    """Claim and send batches of one channel until none is due or ALERTS_PUMP_SECONDS have passed;
    the next pump (already queued) carries on. Returns the batches sent."""
    transport = get_transport(channel)
    limiter = RateLimiter(channel, conf.rate(channel))
    deadline = time.monotonic() + conf.PUMP_SECONDS
    batches = 0
    try:
        while time.monotonic() < deadline:
            batch = actions.claim_batch(alert_id, channel, batch_size(channel))
            if batch is None:
                break
            faults.hook("after_claim", channel)
            send_batch(batch, transport, limiter)
            batches += 1
    finally:
        transport.close()
    return batches


def _thread_loop(alert_id, channel: str) -> None:
    try:
        channel_loop(alert_id, channel)
    except Exception as exc:  # noqa: BLE001  (a thread must not die silently; the lease recovers its rows)
        logger.error("alert fan-out on %s stopped: %s", channel, type(exc).__name__)
    finally:
        connections.close_all()


def transmit(alert_id, channels: list[str]) -> None:
    """Send the due deliveries of each channel; channels run side by side in threads (a slow or
    rate-limited channel does not hold the others back), except inside an enclosing transaction
    (tests), where other connections could not see the rows and everything runs in this thread."""
    try:
        if len(channels) > 1 and not connection.in_atomic_block:
            close_old_connections()
            threads = [
                threading.Thread(target=_thread_loop, args=(alert_id, ch), name=f"alerts-{ch}") for ch in channels
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for channel in channels:
                channel_loop(alert_id, channel)
    except Exception as exc:  # noqa: BLE001  (the claims' leases recover anything left half-done)
        logger.error("alert fan-out stopped: %s", type(exc).__name__)


def after_commit(func, *args) -> None:
    """Run `func(*args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: func(*args))


# --------------------------------------------------------------------------------------------
# Confirmation codes
# --------------------------------------------------------------------------------------------


def confirmation_message(subscriber: Subscriber) -> Message:
    pack = texts.pack_for(subscriber.pending_language or subscriber.language)
    code = actions.confirmation_code(subscriber)
    message = Message(
        delivery_id=None, channel=subscriber.channel, to=subscriber.address, text="", language=pack.language
    )
    if subscriber.channel == Channel.EMAIL:
        url = public_url(reverse("alerts_confirm") + "?t=" + actions.confirm_token(subscriber))
        message.subject = pack.reply("email_confirm_subject", code=code)
        message.text = pack.reply("email_confirm_body", code=code, url=url, minutes=conf.CONFIRM_MINUTES)
        message.message_id = make_msgid(domain=_email_domain())
    else:
        message.text = pack.reply("code_message", code=code, minutes=conf.CONFIRM_MINUTES)
    return message


def send_confirmation(subscriber_id, nonce: int, attempt: int) -> str:
    """Send a confirmation code (after the job that asked for it committed). A temporary failure queues
    another try; at worst a person gets the same code twice."""
    from vigil.work.actions import enqueue

    if not actions.code_sent(subscriber_id, nonce):
        return "superseded"
    subscriber = Subscriber.objects.get(pk=subscriber_id)
    if messaging_actions.is_opted_out(subscriber.address, subscriber.channel):
        return "opted_out"
    transport = get_transport(subscriber.channel)
    try:
        result = transport.send(confirmation_message(subscriber))
    finally:
        transport.close()
    if result.outcome in (ACCEPTED, PERMANENT):
        return result.outcome
    if attempt < 3:
        with transaction.atomic():
            enqueue(actions.SEND_CONFIRMATION_JOB, subscriber.pk, nonce, attempt + 1, delay_seconds=30 * attempt)
    return result.outcome

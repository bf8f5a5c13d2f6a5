"""Sending a broadcast's deliveries: claim a batch, send each message, record the outcomes.

This runs after the background job that planned it has committed (the owner's pump), never inside a
transaction that spans network calls: SQLite would hold its write lock for the whole batch, and a
crash would roll back the record of messages the provider already took. Instead each step commits on
its own, in this order, which is what makes "nothing skipped, nothing doubled" hold:

1. claim: the batch's rows become `sending` with a claim token and time (committed);
2. send: one provider call per row, at the channel's rate; never started once half the claim's lease
   has passed (so a slow provider cannot outlive the lease and race a second worker);
3. record: outcomes are written every ALERTS_RECORD_EVERY messages, only where the claim still holds.

A worker that dies between 1 and 3 leaves rows `sending`; when the lease runs out the owner's next
pump marks them `uncertain` (actions.settle_stale_claims), and the next batch resolves each one before
anything else, by the rule every uncertain send follows (outbox.settle_uncertain). All are counted.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.db import close_old_connections, connection, connections
from django.db.models import Count, Min
from django.utils import timezone

from vigil.lib.counters import count_once
from vigil.messaging import actions, faults, registry
from vigil.messaging.channels import ACCEPTED, PERMANENT, TEMPORARY, get_transport
from vigil.messaging.conf import conf
from vigil.messaging.models import Delivery
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
            used = count_once(f"vigil:alerts:rate:{self.channel}:{slot}", ttl_seconds=window + 5)
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


def open_work(broadcast_id) -> list[dict]:
    """Per channel and open state: how many, the earliest due time and the earliest claim."""
    return list(
        Delivery.objects.filter(broadcast_id=broadcast_id, state__in=Delivery.OPEN)
        .values("channel", "state")
        .annotate(n=Count("id"), due=Min("not_before"), claimed=Min("claimed_at"))
    )


def received_count(broadcast_id) -> int:
    return Delivery.objects.filter(broadcast_id=broadcast_id, state__in=Delivery.RECEIVED).count()


def _after_send(delivery: Delivery, address: str, result, resolution: str | None) -> actions.DeliveryOutcome:
    now = timezone.now()
    if result.outcome == ACCEPTED:
        return actions.DeliveryOutcome(
            delivery.pk, Delivery.State.SENT, result.provider_id, now, resolution=resolution, attempted=True
        )
    if result.outcome == PERMANENT:
        return actions.DeliveryOutcome(
            delivery.pk,
            Delivery.State.FAILED,
            error_code=result.code,
            resolution=resolution,
            attempted=True,
            opted_out_address=address if result.opted_out else "",
        )
    if result.outcome == TEMPORARY:
        if delivery.attempts + 1 >= conf.MAX_ATTEMPTS:
            return actions.DeliveryOutcome(
                delivery.pk, Delivery.State.FAILED, error_code=result.code, resolution=resolution, attempted=True
            )
        return actions.DeliveryOutcome(
            delivery.pk,
            Delivery.State.QUEUED,
            error_code=result.code,
            resolution=resolution,
            not_before=now + retry_delay(delivery.attempts + 1),
            attempted=True,
        )
    return actions.DeliveryOutcome(
        delivery.pk,
        Delivery.State.UNCERTAIN,
        error_code=result.code,
        resolution="",
        uncertain=True,
        not_before=now + timedelta(seconds=actions.UNCERTAIN_WAIT_SECONDS),
        attempted=True,
    )


def _stopped(delivery: Delivery, reason: str, resolution: str | None) -> actions.DeliveryOutcome:
    state = Delivery.State.EXPIRED if reason == "expired" else Delivery.State.WITHDRAWN
    return actions.DeliveryOutcome(delivery.pk, state, error_code=reason, resolution=resolution)


def send_batch(batch: actions.Batch, transport, limiter: RateLimiter) -> None:
    """Resolve or send every claimed row of the batch, recording outcomes as they accumulate."""
    outcomes: list[actions.DeliveryOutcome] = []
    try:
        _send_rows(batch, transport, limiter, outcomes)
    finally:
        # Whatever happened, what is known is written; rows never reached stay claimed and the lease
        # turns them uncertain.
        actions.record_outcomes(batch, outcomes)


def _addresses(batch: actions.Batch) -> dict:
    """{recipient id: address} for the batch's recipients still there: one query. The owner stores
    addresses normalized, so none is parsed again here (that would cost seconds on 100,000)."""
    return registry.resolve_many(batch.broadcast.recipient_kind, [row.recipient_id for row in batch.rows])


def _send_rows(batch: actions.Batch, transport, limiter: RateLimiter, outcomes: list) -> None:
    started = last_record = time.monotonic()
    half_lease = conf.CLAIM_LEASE_SECONDS / 2
    record_every = max(1, conf.RECORD_EVERY)
    callback = status_callback_url()
    programme = batch.programme
    # Checked for every message: nothing goes out late, even within a batch.
    send_until = getattr(programme, "send_until", None)
    accepted_once = False
    addresses = _addresses(batch)
    # Every app sees an opt-out (STOP, a carrier's "unsubscribed"): one lookup for the whole batch.
    opted_out = actions.opted_out_addresses(addresses.values(), batch.rows[0].channel if batch.rows else "")
    for delivery in batch.rows:
        needs_resolution = delivery.was_uncertain and delivery.resolution == ""
        if time.monotonic() - started > half_lease:
            # Too late to start another call under this claim: give the row back untouched.
            back = Delivery.State.UNCERTAIN if needs_resolution else Delivery.State.QUEUED
            outcomes.append(actions.DeliveryOutcome(delivery.pk, back))
            continue
        address = addresses.get(delivery.recipient_id)
        if address is None:
            # The recipient is gone (unsubscribed, purged): nothing can be looked up or sent.
            outcomes.append(_stopped(delivery, "no_recipient", "unknown" if needs_resolution else None))
            continue
        message = programme.envelope(delivery, address, callback)
        resolution = None
        if needs_resolution:
            settled = settle_uncertain(transport, message, delivery.claimed_at)
            if settled.decision == "later":
                outcomes.append(
                    actions.DeliveryOutcome(
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
                    actions.DeliveryOutcome(
                        delivery.pk, Delivery.State.SENT, settled.provider_id, timezone.now(), resolution="found"
                    )
                )
                continue
            resolution = settled.resolution
        reason = batch.reason
        if reason is None and send_until is not None and timezone.now() >= send_until:
            reason = "expired"
        if reason is None and address in opted_out:
            reason = "opted_out"
        if reason is not None:
            outcomes.append(_stopped(delivery, reason, "unknown" if resolution == "resent" else resolution))
            continue
        limiter.wait()
        result = transport.send(message)
        if result.outcome == ACCEPTED and not accepted_once:
            accepted_once = True
            faults.hook("after_accept", delivery.channel)
        outcomes.append(_after_send(delivery, address, result, resolution))
        if len(outcomes) >= record_every or time.monotonic() - last_record > 1.0:
            actions.record_outcomes(batch, outcomes)
            outcomes.clear()
            last_record = time.monotonic()


def channel_loop(broadcast_id, channel: str) -> int:
    """Claim and send batches of one channel until none is due or ALERTS_PUMP_SECONDS have passed;
    the owner's next pump (already queued) carries on. Returns the batches sent."""
    transport = get_transport(channel)
    limiter = RateLimiter(channel, conf.rate(channel))
    deadline = time.monotonic() + conf.PUMP_SECONDS
    batches = 0
    try:
        while time.monotonic() < deadline:
            batch = actions.claim_batch(broadcast_id, channel, batch_size(channel))
            if batch is None:
                break
            faults.hook("after_claim", channel)
            send_batch(batch, transport, limiter)
            batches += 1
    finally:
        transport.close()
    return batches


def _thread_loop(broadcast_id, channel: str) -> None:
    try:
        channel_loop(broadcast_id, channel)
    except Exception as exc:  # noqa: BLE001  (a thread must not die silently; the lease recovers its rows)
        logger.error("broadcast fan-out on %s stopped: %s", channel, type(exc).__name__)
    finally:
        connections.close_all()


def transmit(broadcast_id, channels: list[str]) -> None:
    """Send the due deliveries of each channel; channels run side by side in threads (a slow or
    rate-limited channel does not hold the others back), except inside an enclosing transaction
    (tests), where other connections could not see the rows and everything runs in this thread."""
    try:
        if len(channels) > 1 and not connection.in_atomic_block:
            close_old_connections()
            threads = [
                threading.Thread(target=_thread_loop, args=(broadcast_id, ch), name=f"fanout-{ch}") for ch in channels
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            for channel in channels:
                channel_loop(broadcast_id, channel)
    except Exception as exc:  # noqa: BLE001  (the claims' leases recover anything left half-done)
        logger.error("broadcast fan-out stopped: %s", type(exc).__name__)

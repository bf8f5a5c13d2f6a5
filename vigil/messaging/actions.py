"""Every change to messages and opt-outs: one function each, in a transaction, with its audit event,
queuing background work on commit (ids only).

A single message (`send`) is created in the caller's transaction and sent once by the worker
(jobs.deliver), with the same exactly-once rules as alerts' fan-out:

1. claim: the message becomes `sending` with a claim token and time (committed), and a check is queued
   for when the claim's lease runs out;
2. send: one provider call, after the commit (outbox.transmit);
3. record: the outcome is written only where the claim still holds, with one Attempt row.

A worker that dies between 1 and 3 leaves the message `sending`; the check finds the lease run out and
marks it `uncertain`, and the next claim resolves it before anything else: found in the provider's log
(by recipient and tag) means sent, not found means send now, no log (SMTP) means the same message
again with the same Message-ID.

A broadcast (one text to many: an alert) follows the same rules a batch at a time: its owner creates
it and its deliveries in the owner's transaction (`start_broadcast`, then one INSERT ... SELECT),
and its pump, a job of the owner's, calls `settle_stale_claims` and `drop_queued`; fanout.py claims
a batch (`claim_batch`), sends, and records (`record_outcomes`).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.lib import crypto
from vigil.lib.normalize import InvalidAddress, address_key, index_candidates, normalize_email, normalize_phone
from vigil.messaging import faults, registry
from vigil.messaging.conf import conf
from vigil.messaging.models import ADDRESS_PURPOSE, Attempt, Broadcast, Channel, Delivery, Message, OptOut
from vigil.work.actions import enqueue

logger = logging.getLogger(__name__)

# An uncertain message waits this long before its lookup: a provider's log can lag its answer.
UNCERTAIN_WAIT_SECONDS = 20
PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


# The worker's job, named rather than imported (vigil/messaging/jobs.py calls back into this module).
DELIVER_JOB = "vigil.messaging.jobs.deliver"


class MessageRefused(ValueError):
    """A message that cannot be queued; `code` says why (no personal data in it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------------------------
# Addresses and opt-outs
# --------------------------------------------------------------------------------------------


def normalize_address(channel: str, raw: str) -> str:
    """E.164 for phones (phonenumbers), email-validator's normalized form for e-mail; InvalidAddress otherwise."""
    if channel == Channel.EMAIL:
        return normalize_email(raw or "")
    if channel in PHONE_CHANNELS:
        return normalize_phone(raw or "")
    raise InvalidAddress("unknown channel")


def _sending_number(channel: str, given: str | None) -> str:
    return (given if given is not None else conf.sending_number(channel)) or ""


def _index_candidates(address: str) -> list[str]:
    """Every index an opt-out may be stored under: opt-outs keep only the index and cannot be rekeyed,
    so one recorded before email-validator keeps holding."""
    return index_candidates(address, purpose=ADDRESS_PURPOSE)


def opted_out_addresses(addresses, channel: str, sending_number: str | None = None) -> set[str]:
    """The addresses (normalized) among `addresses` that opted out of `channel` on our sending number:
    one query for a whole batch."""
    by_index: dict[str, str] = {}
    for address in addresses:
        for index in _index_candidates(address):
            by_index[index] = address
    if not by_index:
        return set()
    found = OptOut.objects.filter(
        address_index__in=list(by_index), channel=channel, sending_number=_sending_number(channel, sending_number)
    ).values_list("address_index", flat=True)
    return {by_index[index] for index in found}


def is_opted_out(address: str, channel: str, sending_number: str | None = None) -> bool:
    return bool(opted_out_addresses([address], channel, sending_number))


def opt_out(
    address: str, channel: str, *, via: str, language: str = "", sending_number: str | None = None, everything=False
) -> list[str]:
    """End every programme for an address on our sending number; returns what each app says it ended.

    Steps: record the opt-out (for SMS and WhatsApp both when `everything`, as STOPALL asks); tell every
    registered handler, which ends its own programmes (alerts unsubscribes) and says so in `language`;
    write one audit event with the number of programmes ended. Messages still queued to the address
    are refused when their turn comes (the opt-out is checked before every send)."""
    channels = list(PHONE_CHANNELS) if everything and channel in PHONE_CHANNELS else [channel]
    replies: list[str] = []
    with transaction.atomic():
        for each in channels:
            number = _sending_number(each, sending_number if each == channel else None)
            index = crypto.blind_index(address_key(address), purpose=ADDRESS_PURPOSE)
            try:
                with transaction.atomic():
                    OptOut.objects.get_or_create(
                        address_index=index, channel=each, sending_number=number, defaults={"via": via}
                    )
            except IntegrityError:
                pass  # recorded by a concurrent STOP: the same result
            for handler in registry.handlers():
                if handler.stop is not None:
                    reply = handler.stop(address, each, language, via)
                    if reply and reply not in replies:
                        replies.append(reply)
        audit.record(
            "messaging.opted_out",
            actor_kind="system" if via == "carrier" else "public",
            object_type="messaging.optout",
            channel=channel,
            kind=via,
            count=len(replies),
        )
    return replies


def opt_in(address: str, channel: str, *, sending_number: str | None = None) -> bool:
    """The person asked for messages again (JOIN on that number): their opt-out is removed."""
    with transaction.atomic():
        deleted, _ = OptOut.objects.filter(
            address_index__in=_index_candidates(address),
            channel=channel,
            sending_number=_sending_number(channel, sending_number),
        ).delete()
        if deleted:
            audit.record("messaging.opted_in", actor_kind="public", object_type="messaging.optout", channel=channel)
    return bool(deleted)


# --------------------------------------------------------------------------------------------
# Single messages
# --------------------------------------------------------------------------------------------


def send(
    recipient_kind: str,
    recipient_id,
    channel: str,
    language: str,
    text: str,
    *,
    subject: str = "",
    tag: str = "",
    delay_seconds: float = 0,
    template: str = "",
    variables: dict | None = None,
) -> Message:
    """Queue one message to one recipient, in the caller's transaction; the worker sends it once.

    `recipient_kind` must have a registered resolver (it gives the address at send time). `tag`, when
    given, must appear in the text (uncertain sends are looked up by it); without one the whole text
    is looked for. WhatsApp: `template` names the template (MessageTemplate.name) that carries the
    message outside the conversation window, filled with `variables` ({placeholder: value}); the text
    is what goes inside the window, or by SMS when no approved template fits (template_actions)."""
    registry.resolver_for(recipient_kind)  # LookupError for a kind nobody registered
    if channel not in Channel.values:
        raise MessageRefused("channel")
    if not (text or "").strip():
        raise MessageRefused("empty")
    if tag and tag not in text:
        raise MessageRefused("tag")
    variables = variables or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in variables.items()):
        raise MessageRefused("variables")
    now = timezone.now()
    with transaction.atomic():
        message = Message(
            id=uuid.uuid4(),
            recipient_kind=recipient_kind,
            recipient_id=str(recipient_id),
            channel=channel,
            language=language[:8],
            tag=tag[:16],
            not_before=now + timedelta(seconds=delay_seconds),
            created_at=now,
            template=template[:64],
        )
        message.text = text
        message.subject = subject
        message.template_variables = json.dumps(variables, ensure_ascii=False) if variables else ""
        message.save(force_insert=True)
        audit.record("messaging.queued", obj=message, channel=channel, kind=recipient_kind, language=message.language)
        enqueue(DELIVER_JOB, message.pk, delay_seconds=delay_seconds)
    return message


def claim(message_id) -> str | None:
    """Claim a message for sending, inside the background job's transaction; returns the claim token,
    or None when there is nothing to send now.

    Steps: lock the message; a claim whose lease ran out (the worker died holding it) becomes
    uncertain, due now; a queued or uncertain message that is due is claimed, and a check is queued for
    just after the new lease runs out."""
    lease = timedelta(seconds=conf.CLAIM_LEASE_SECONDS)
    with transaction.atomic():
        now = timezone.now()
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        if message.state == Message.State.SENDING and message.claimed_at and message.claimed_at < now - lease:
            Message.objects.filter(pk=message.pk).update(
                state=Message.State.UNCERTAIN, was_uncertain=True, resolution="", claim="", not_before=now
            )
            audit.record("messaging.uncertain", obj=message, channel=message.channel, count=1)
            message.state, message.not_before = Message.State.UNCERTAIN, now
        if message.state not in (Message.State.QUEUED, Message.State.UNCERTAIN) or message.not_before > now:
            return None
        token = uuid.uuid4().hex
        Message.objects.filter(pk=message.pk).update(state=Message.State.SENDING, claim=token, claimed_at=now)
        enqueue(DELIVER_JOB, message.pk, delay_seconds=lease.total_seconds() + 1)
    return token


@dataclass
class Outcome:
    """What became of one claimed message. `state` is the new state; None values leave a column as is."""

    state: str
    attempt: str = ""  # the Attempt row's outcome; empty: no row (the claim was only given back)
    provider_id: str | None = None
    error_code: str = ""
    resolution: str | None = None
    uncertain: bool = False
    not_before: object = None
    attempted: bool = False
    opted_out: bool = False


def record(message: Message, token: str, outcome: Outcome, *, address: str = "") -> bool:
    """Write what happened to a claimed message, in one transaction, only if the claim still holds.

    Steps: update the row where the claim holds; write the Attempt row; a message to try again gets its
    job at `not_before`; a provider's "recipient unsubscribed" answer records an opt-out everywhere;
    one audit event with the new state and error code."""
    now = timezone.now()
    fields = {"state": outcome.state, "claim": "", "error_code": outcome.error_code[:32]}
    if outcome.provider_id is not None:
        fields["provider_id"] = outcome.provider_id
    if outcome.state in Message.RECEIVED:
        fields["sent_at"] = now
    if outcome.resolution is not None:
        fields["resolution"] = outcome.resolution
    if outcome.uncertain:
        fields["was_uncertain"] = True
    if outcome.not_before is not None:
        fields["not_before"] = outcome.not_before
    with transaction.atomic():
        written = Message.objects.filter(pk=message.pk, claim=token, state=Message.State.SENDING).update(
            **fields, attempts=message.attempts + (1 if outcome.attempted else 0)
        )
        if not written:
            return False
        if outcome.attempt:
            Attempt.objects.create(
                message_id=message.pk, at=now, outcome=outcome.attempt, error_code=fields["error_code"]
            )
        if outcome.state in (Message.State.QUEUED, Message.State.UNCERTAIN):
            wait = max(0.0, ((outcome.not_before or now) - now).total_seconds())
            enqueue(DELIVER_JOB, message.pk, delay_seconds=wait)
        if outcome.opted_out and address:
            opt_out(address, message.channel, via="carrier")
        audit.record(
            "messaging.outcome",
            obj=message,
            channel=message.channel,
            outcome=outcome.state,
            reason_code=fields["error_code"],
        )
        faults.hook("before_record", message.channel)
    return True


def record_provider_status(provider_id: str, status: str, error_code: str = "") -> bool:
    """A provider's delivery report (Twilio status callback) for a single message or a broadcast's
    delivery: moves a sent one forward only (sent -> delivered or failed), whatever order the reports
    arrive in. "Unsubscribed recipient" records an opt-out everywhere. False: not an id of ours."""
    status = (status or "").strip().lower()[:16]
    with transaction.atomic():
        row = Message.objects.select_for_update().filter(provider_id=provider_id).first()
        if row is None:
            row = (
                Delivery.objects.select_for_update(of=("self",))
                .select_related("broadcast")
                .filter(provider_id=provider_id)
                .first()
            )
        if row is None:
            return False
        fields = {"provider_status": status}
        target = {"delivered": "delivered", "read": "delivered", "undelivered": "failed", "failed": "failed"}.get(
            status
        )
        if target and row.state == Message.State.SENT:
            fields["state"] = target
        code = error_code if error_code.isdigit() else ""
        if code and target == "failed":
            fields["error_code"] = f"twilio_{code}"
        type(row).objects.filter(pk=row.pk).update(**fields)
        if isinstance(row, Message):
            failed_event = {"obj": row}
            address = resolve_address(row) if code else None
        else:
            failed_event = {**registry.programme_for(row.broadcast).audit_context(), "count": 1}
            address = _delivery_address(row) if code else None
        if fields.get("state") == "failed":
            event = "messaging.outcome" if isinstance(row, Message) else "messaging.delivery_outcomes"
            audit.record(
                event, channel=row.channel, outcome="failed", reason_code=fields.get("error_code", ""), **failed_event
            )
        if code and _opted_out_code(code) and address:
            opt_out(address, row.channel, via="carrier")
    return True


def _opted_out_code(code: str) -> bool:
    from vigil.messaging.channels.twilio_client import OPTED_OUT_CODES

    return int(code) in OPTED_OUT_CODES


def _delivery_address(delivery: Delivery) -> str | None:
    raw = registry.resolve_many(delivery.broadcast.recipient_kind, [delivery.recipient_id]).get(delivery.recipient_id)
    try:
        return normalize_address(delivery.channel, raw) if raw else None
    except InvalidAddress:
        return None


def resolve_address(message: Message) -> str | None:
    """The recipient's address now, through the resolver their app registered; None if they are gone."""
    try:
        raw = registry.resolver_for(message.recipient_kind)(message.recipient_id)
    except (ValueError, ValidationError):
        # An id the owning app cannot read: treated as gone, so the message does not cycle forever.
        raw = None
    if not raw:
        return None
    try:
        return normalize_address(message.channel, raw)
    except InvalidAddress:
        return None


# --------------------------------------------------------------------------------------------
# Broadcasts
# --------------------------------------------------------------------------------------------


def start_broadcast(*, programme: str, recipient_kind: str, tag: str) -> Broadcast:
    """A broadcast for the owner to fill with deliveries in the same transaction (INSERT ... SELECT
    into the Delivery table). The programme and the recipient kind must be registered."""
    registry.resolver_for(recipient_kind)
    if programme not in registry.PROGRAMMES:
        raise LookupError(f"no programme registered as {programme!r}")
    with transaction.atomic():
        broadcast = Broadcast.objects.create(programme=programme, recipient_kind=recipient_kind, tag=tag[:16])
        audit.record("messaging.broadcast_started", obj=broadcast, kind=programme)
    return broadcast


def settle_stale_claims(broadcast: Broadcast, now, *, audit_context: dict) -> int:
    """Deliveries whose claim's lease ran out (the worker died holding them) become uncertain, due
    now: the next batch resolves them in the provider's log before anything else."""
    lease = timedelta(seconds=conf.CLAIM_LEASE_SECONDS)
    stale = Delivery.objects.filter(
        broadcast=broadcast, state=Delivery.State.SENDING, claimed_at__lt=now - lease
    ).update(state=Delivery.State.UNCERTAIN, was_uncertain=True, resolution="", claim="", not_before=now)
    if stale:
        audit.record("messaging.deliveries_uncertain", count=stale, **audit_context)
    return stale


def drop_queued(broadcast: Broadcast, reason: str, *, audit_context: dict) -> int:
    """The broadcast may no longer send (`reason`): its queued deliveries are expired ("expired") or
    withdrawn (anything else), and counted."""
    final = Delivery.State.EXPIRED if reason == "expired" else Delivery.State.WITHDRAWN
    dropped = Delivery.objects.filter(broadcast=broadcast, state=Delivery.State.QUEUED).update(
        state=final, error_code=reason[:32]
    )
    if dropped:
        audit.record("messaging.deliveries_dropped", outcome=final, count=dropped, reason_code=reason, **audit_context)
    return dropped


@dataclass
class Batch:
    token: str
    broadcast: Broadcast
    programme: object
    rows: list[Delivery]
    reason: str | None


def claim_batch(broadcast_id, channel: str, limit: int) -> Batch | None:
    """Claim up to `limit` due deliveries of one channel, uncertain ones first (they are resolved
    before anything else), then queued ones by priority. Committed before any message goes out: a
    crash after this leaves the rows claimed, and the lease turns them uncertain."""
    now = timezone.now()
    # Read before the write transaction: on SQLite its lock is held from the start, and the other
    # channel's worker waits for it.
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    programme = registry.programme_for(broadcast)
    with transaction.atomic():
        reason = programme.stop_reason(now)
        due = Delivery.objects.filter(broadcast_id=broadcast_id, channel=channel, not_before__lte=now)
        ids = list(
            due.filter(state=Delivery.State.UNCERTAIN)
            .select_for_update(skip_locked=True)
            .order_by("priority", "id")
            .values_list("id", flat=True)[:limit]
        )
        if reason is None and len(ids) < limit:
            ids += list(
                due.filter(state=Delivery.State.QUEUED)
                .select_for_update(skip_locked=True)
                .order_by("priority", "id")
                .values_list("id", flat=True)[: limit - len(ids)]
            )
        if not ids:
            return None
        token = uuid.uuid4().hex
        Delivery.objects.filter(id__in=ids, state__in=[Delivery.State.QUEUED, Delivery.State.UNCERTAIN]).update(
            state=Delivery.State.SENDING, claim=token, claimed_at=now
        )
    rows = list(Delivery.objects.filter(claim=token, state=Delivery.State.SENDING).order_by("priority", "id"))
    return Batch(token, broadcast, programme, rows, reason) if rows else None


@dataclass
class DeliveryOutcome:
    """What became of one claimed delivery. `state` is the new state; None values leave a column as is.
    `opted_out_address`: the provider says this address unsubscribed at the carrier."""

    delivery_id: int
    state: str
    provider_id: str | None = None
    sent_at: object = None
    error_code: str = ""
    resolution: str | None = None
    uncertain: bool = False
    not_before: object = None
    attempted: bool = False
    opted_out_address: str = ""


def _prep(name, value):
    return Delivery._meta.get_field(name).get_db_prep_value(value, connection)


def record_outcomes(batch: Batch, outcomes: list[DeliveryOutcome]) -> int:
    """Write what happened to claimed deliveries, in one transaction; only rows still held by this
    claim change (a result that arrives after its claim was taken over is not written over the other
    worker's). Counts by outcome go to the audit log; carrier opt-outs are recorded for every app.
    Returns the rows written."""
    if not outcomes:
        return 0
    table = connection.ops.quote_name(Delivery._meta.db_table)
    # Raw SQL for executemany (one round trip for a whole batch); only the quoted table name is
    # formatted in, every value is a parameter.
    sql = (
        f"UPDATE {table} SET state = %s, provider_id = COALESCE(%s, provider_id), sent_at = COALESCE(%s, sent_at), "  # noqa: S608
        f"error_code = %s, claim = '', resolution = COALESCE(%s, resolution), was_uncertain = (was_uncertain OR %s), "
        f"not_before = COALESCE(%s, not_before), attempts = attempts + %s "
        f"WHERE id = %s AND claim = %s AND state = 'sending'"
    )
    rows = [
        (
            o.state,
            o.provider_id,
            _prep("sent_at", o.sent_at),
            o.error_code[:32],
            o.resolution,
            o.uncertain,
            _prep("not_before", o.not_before),
            1 if o.attempted else 0,
            o.delivery_id,
            batch.token,
        )
        for o in outcomes
    ]
    channel = batch.rows[0].channel if batch.rows else ""
    context = batch.programme.audit_context()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
            written = cursor.rowcount if cursor.rowcount >= 0 else len(rows)
        counts = Counter(o.state for o in outcomes if o.state not in Delivery.RECEIVED)
        for state, count in sorted(counts.items()):
            if state in (Delivery.State.QUEUED, Delivery.State.SENDING):
                continue
            audit.record("messaging.delivery_outcomes", outcome=state, count=count, channel=channel, **context)
        for outcome in outcomes:
            if outcome.opted_out_address:
                opt_out(outcome.opted_out_address, channel, via="carrier")
        faults.hook("before_record", channel)
    if written < len(rows):
        logger.warning(
            "broadcast %s: %s results arrived after their claim was taken over", batch.broadcast.pk, len(rows) - written
        )
    return written

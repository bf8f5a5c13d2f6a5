"""Sending one claimed message: after the claim has committed, never inside a transaction that spans
the network call (see actions.py for the order of claim, send and record)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from vigil.messaging import actions, faults, template_actions
from vigil.messaging.channels import ACCEPTED, PERMANENT, TEMPORARY, Envelope, LookupFailed, get_transport
from vigil.messaging.conf import conf, webhook_base_url
from vigil.messaging.models import Channel, Message, Route

logger = logging.getLogger(__name__)


def status_callback_url() -> str:
    """Where Twilio reports delivery status; empty when callbacks are off or no public address is set."""
    base = webhook_base_url()
    if not conf.STATUS_CALLBACKS or not base:
        return ""
    return base + reverse("messaging_twilio_status")


def email_domain() -> str:
    return conf.email_from().rpartition("@")[2].strip(" >") or "localhost"


def retry_delay(attempts: int) -> timedelta:
    seconds = conf.RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 900))


def envelope(message: Message, address: str) -> Envelope:
    """The transport's view of a message. Without a tag, the whole text is what a lookup searches for."""
    built = Envelope(
        delivery_id=str(message.pk),
        channel=message.channel,
        to=address,
        text=message.text or "",
        tag=message.tag or (message.text or ""),
        language=message.language,
        status_callback=status_callback_url(),
    )
    if message.route == Route.WINDOW:
        built.in_window = True
    elif message.route == Route.TEMPLATE:
        built.content_sid = message.content_sid
        built.content_variables = json.loads(message.template_variables or "{}")  # numbered when routed
        if not message.tag or message.tag not in built.text:
            built.tag = built.text  # the template's words, as Twilio's log shows them
    if message.channel == Channel.EMAIL:
        built.subject = message.subject or ""
        # Stable per message: a resend after an uncertain outcome carries the same Message-ID.
        built.message_id = f"<vigil.m.{message.pk.hex}@{email_domain()}>"
    return built


def after_send(message: Message, result, resolution: str | None) -> actions.Outcome:
    now = timezone.now()
    if result.outcome == ACCEPTED:
        return actions.Outcome(
            Message.State.SENT, result.outcome, result.provider_id, resolution=resolution, attempted=True
        )
    if result.outcome == PERMANENT:
        return actions.Outcome(
            Message.State.FAILED,
            result.outcome,
            error_code=result.code,
            resolution=resolution,
            attempted=True,
            opted_out=result.opted_out,
        )
    if result.outcome == TEMPORARY:
        if message.attempts + 1 >= conf.MAX_ATTEMPTS:
            return actions.Outcome(
                Message.State.FAILED, result.outcome, error_code=result.code, resolution=resolution, attempted=True
            )
        return actions.Outcome(
            Message.State.QUEUED,
            result.outcome,
            error_code=result.code,
            resolution=resolution,
            not_before=now + retry_delay(message.attempts + 1),
            attempted=True,
        )
    return actions.Outcome(
        Message.State.UNCERTAIN,
        result.outcome,
        error_code=result.code,
        resolution="",
        uncertain=True,
        not_before=now + timedelta(seconds=actions.UNCERTAIN_WAIT_SECONDS),
        attempted=True,
    )


def transmit(message_id, token: str) -> None:
    """Resolve (if uncertain) or send one claimed message, then record the outcome.

    Steps: load the message under its claim; find the address through the recipient's resolver (gone:
    withdrawn); refuse an opted-out address; an uncertain message is looked up in the provider's log
    first (found: sent; lookup failed: uncertain again, later); otherwise send once; record."""
    message = Message.objects.filter(pk=message_id, claim=token, state=Message.State.SENDING).first()
    if message is None:
        return
    faults.hook("after_claim", message.channel)
    address = actions.resolve_address(message)
    if address is None:
        actions.record(message, token, actions.Outcome(Message.State.WITHDRAWN, "withdrawn", error_code="no_recipient"))
        return
    if actions.is_opted_out(address, message.channel):
        actions.record(message, token, actions.Outcome(Message.State.WITHDRAWN, "withdrawn", error_code="opted_out"))
        return
    if message.channel == Channel.WHATSAPP and not message.route:
        # Window, template or SMS: decided once and stored before the send (template_actions).
        message = template_actions.choose_route(message, token, address)
        if message is None:
            return
        if message.channel != Channel.WHATSAPP and actions.is_opted_out(address, message.channel):
            actions.record(
                message, token, actions.Outcome(Message.State.WITHDRAWN, "withdrawn", error_code="opted_out")
            )
            return
    transport = get_transport(message.channel)
    try:
        outcome = _send_or_resolve(message, transport, envelope(message, address))
    finally:
        transport.close()
    actions.record(message, token, outcome, address=address)


@dataclass(frozen=True)
class Settlement:
    """What the provider's log says of an uncertain send: "found" (it went: `provider_id`), "send" (it
    did not, or the provider keeps no log: send now, counted as `resolution`), or "later" (the log
    could not be searched: stay uncertain)."""

    decision: str
    provider_id: str = ""
    resolution: str = ""
    code: str = ""


def settle_uncertain(transport, built: Envelope, claimed_at) -> Settlement:
    """The rule for every uncertain send, single message or alert delivery: look it up before any
    resend, in the provider's messages since the claim's lease began."""
    since = claimed_at - timedelta(seconds=conf.CLAIM_LEASE_SECONDS)
    try:
        found = transport.resolve(built, since)
    except LookupFailed as exc:
        return Settlement("later", code=exc.code or "lookup_failed")
    if found.found:
        return Settlement("found", provider_id=found.provider_id, resolution="found")
    return Settlement("send", resolution="not_found" if found.known else "resent")


def _send_or_resolve(message: Message, transport, built: Envelope) -> actions.Outcome:
    resolution = None
    if message.was_uncertain and message.resolution == "":
        settled = settle_uncertain(transport, built, message.claimed_at)
        if settled.decision == "later":
            return actions.Outcome(
                Message.State.UNCERTAIN,
                "lookup_failed",
                error_code=settled.code,
                resolution="",
                uncertain=True,
                not_before=timezone.now() + timedelta(seconds=actions.UNCERTAIN_WAIT_SECONDS),
            )
        if settled.decision == "found":
            return actions.Outcome(Message.State.SENT, "found", settled.provider_id, resolution="found")
        resolution = settled.resolution
    result = transport.send(built)
    if result.outcome == ACCEPTED:
        faults.hook("after_accept", message.channel)
    return after_send(message, result, resolution)

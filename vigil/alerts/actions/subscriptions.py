"""Subscriptions: signing up, confirming by code, changing areas, unsubscribing. One function per change,
in a transaction, with its audit event; confirmation codes go out as single messaging messages."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.alerts import texts
from vigil.alerts.conf import conf
from vigil.alerts.models import (
    ADDRESS_PURPOSE,
    PHONE_CHANNELS,
    Channel,
    Subscriber,
    SubscriberArea,
)
from vigil.lib import crypto
from vigil.lib.counters import count_once
from vigil.lib.normalize import address_key, index_candidates
from vigil.messaging import actions as messaging_actions
from vigil.messaging.actions import normalize_address
from vigil.messaging.models import Delivery

MAX_CODE_FAILURES = 5
CONFIRM_SALT = "vigil.alerts.confirm"
UNSUBSCRIBE_SALT = "vigil.alerts.unsubscribe"
REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone
SENDER_ROLES = (Role.DISPATCHER, Role.ADMIN)
# How often the pump looks again while another worker holds a claim, or while a follow-up waits for
# its original to finish going out.
POLL_SECONDS = 2.0


# --------------------------------------------------------------------------------------------
# Subscriptions
# --------------------------------------------------------------------------------------------


# Jobs are named, not imported: vigil/alerts/jobs.py calls back into this module.
PUMP_JOB = "vigil.alerts.jobs.pump"
# What alerts registers with messaging (vigil/alerts/programme.py holds the programme and resolvers).
PROGRAMME = "alerts.alert"
ACTIVE_SUBSCRIBER = "alerts.active_subscriber"
CONFIRMATION = "alerts.confirmation"


class SubscriptionError(ValueError):
    """A subscription request that cannot be taken; `code` says why (no personal data in it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _index_candidates(normalized: str) -> list[str]:
    """Every index a subscriber may be stored under (one stored before email-validator too)."""
    return index_candidates(normalized, purpose=ADDRESS_PURPOSE)


def find_subscriber(channel: str, normalized: str) -> Subscriber | None:
    return Subscriber.objects.filter(channel=channel, address_index__in=_index_candidates(normalized)).first()


def valid_areas(codes) -> list[str]:
    """Borough and neighborhood codes, deduplicated; SubscriptionError("areas") if none, too many or unknown."""
    from vigil.geo.areas import get_area

    chosen: list[str] = []
    for raw in codes or ():
        area = get_area(str(raw).strip())
        if area is None or area.kind not in ("nta", "borough"):
            raise SubscriptionError("areas")
        if area.code not in chosen:
            chosen.append(area.code)
    if not chosen or len(chosen) > conf.MAX_AREAS:
        raise SubscriptionError("areas")
    return chosen


def valid_language(language: str) -> str:
    if language not in texts.deployment_languages():
        raise SubscriptionError("language")
    return language


def confirmation_code(subscriber: Subscriber) -> str:
    """Six digits derived from (subscriber, nonce) with a server key: nothing to store, and a new nonce
    makes the previous code useless."""
    digest = salted_hmac(CONFIRM_SALT, f"{subscriber.pk}:{subscriber.confirm_nonce}", algorithm="sha256")
    return f"{int(digest.hexdigest()[:15], 16) % 1_000_000:06d}"


def parse_code(text: str) -> str | None:
    """A six-digit code as typed on any phone keyboard (Bengali, Arabic-Indic or Western digits, spaces)."""
    from vigil.lib.bidi import strip_bidi_controls

    # Direction marks removed: a code copied from an Arabic or Urdu message carries them (vigil.lib.bidi).
    cleaned = "".join(ch for ch in strip_bidi_controls(text or "").strip() if ch not in " -.")
    if len(cleaned) != 6 or not all(ch.isdecimal() for ch in cleaned):
        return None
    return "".join(str(unicodedata.decimal(ch)) for ch in cleaned)


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps(str(subscriber.pk), salt=CONFIRM_SALT)


def unsubscribe_token(subscriber_id) -> str:
    return signing.dumps(str(subscriber_id), salt=UNSUBSCRIBE_SALT)


def subscriber_from_token(token: str, *, purpose: str) -> Subscriber | None:
    salt = CONFIRM_SALT if purpose == "confirm" else UNSUBSCRIBE_SALT
    max_age = conf.CONFIRM_MINUTES * 60 * 4 if purpose == "confirm" else None
    try:
        value = signing.loads(token or "", salt=salt, max_age=max_age)
        return Subscriber.objects.filter(pk=uuid.UUID(str(value))).first()
    except (signing.BadSignature, ValueError):
        return None


def _set_areas(subscriber: Subscriber, codes: list[str]) -> None:
    SubscriberArea.objects.filter(subscriber=subscriber).delete()
    SubscriberArea.objects.bulk_create([SubscriberArea(subscriber=subscriber, code=code) for code in codes])


def _new_code(subscriber: Subscriber, now) -> None:
    subscriber.confirm_nonce += 1
    subscriber.confirm_expires_at = now + timedelta(minutes=conf.CONFIRM_MINUTES)
    subscriber.confirm_failures = 0


def _take_code_slot(normalized: str) -> bool:
    """At most ALERTS_CONFIRM_MAX_PER_DAY codes sent to one address a day (SMS pumping, harassment).
    The counter is keyed by the blind index, never the address."""
    index = crypto.blind_index(address_key(normalized), purpose=ADDRESS_PURPOSE)
    count = count_once(f"vigil:alerts:codes:{index}:{timezone.now():%Y-%m-%d}", ttl_seconds=26 * 3600)
    return count <= conf.CONFIRM_MAX_PER_DAY


def subscribe(*, channel: str, address: str, language: str, areas, via: str) -> Subscriber:
    """Start (or restart) a subscription, or ask to change an active one; confirmed by a code.

    Steps: normalize the address (InvalidAddress); check language and areas (SubscriptionError); find
    the subscriber through the blind index under a lock; a new or lapsed one becomes pending with the
    areas, an active one gets its change held as pending; a fresh nonce makes a new code; on commit the
    code goes out by SMS or e-mail (web requests; WhatsApp and keyword requests get it as the reply).
    """
    if channel not in Channel.values:
        raise SubscriptionError("channel")
    normalized = normalize_address(channel, address)
    language = valid_language(language)
    chosen = valid_areas(areas) if areas else []
    if via == "web" and not chosen:
        raise SubscriptionError("areas")
    sends_code = via == "web" and channel != Channel.WHATSAPP
    if sends_code and not _take_code_slot(normalized):
        raise SubscriptionError("too_many_codes")
    for attempt in (1, 2):
        try:
            return _subscribe(channel, normalized, language, chosen, via, sends_code)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _subscribe(channel, normalized, language, chosen, via, sends_code) -> Subscriber:
    now = timezone.now()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(channel=channel, address_index__in=_index_candidates(normalized))
            .first()
        )
        from_state = subscriber.state if subscriber else ""
        if subscriber is None:
            subscriber = Subscriber(channel=channel, language=language, inactive_since=now)
            subscriber.address = normalized
            subscriber.address_index = crypto.blind_index(address_key(normalized), purpose=ADDRESS_PURPOSE)
            _new_code(subscriber, now)
            subscriber.save()
            _set_areas(subscriber, chosen)
        elif subscriber.state == Subscriber.State.ACTIVE:
            if chosen:
                subscriber.pending_areas = chosen
                subscriber.pending_language = language
                _new_code(subscriber, now)
                subscriber.save()
        else:
            subscriber.state = Subscriber.State.PENDING
            subscriber.language = language
            subscriber.inactive_since = now
            subscriber.pending_areas = []
            subscriber.pending_language = ""
            _new_code(subscriber, now)
            subscriber.save()
            _set_areas(subscriber, chosen)
        audit.record(
            "alerts.subscription_requested",
            actor_kind="public",
            obj=subscriber,
            channel=channel,
            language=language,
            count=len(chosen),
            kind=via,
            from_state=from_state,
        )
        if sends_code and (chosen or subscriber.state == Subscriber.State.PENDING):
            queue_confirmation(subscriber)
    return subscriber


def confirmation_text(subscriber: Subscriber) -> tuple[str, str, str]:
    """(language, subject, text) of the message that carries a subscriber's confirmation code."""
    pack = texts.pack_for(subscriber.pending_language or subscriber.language)
    code = confirmation_code(subscriber)
    if subscriber.channel == Channel.EMAIL:
        url = conf.public_base_url() + reverse("alerts_confirm") + "?t=" + confirm_token(subscriber)
        subject = pack.reply("email_confirm_subject", code=code)
        return (
            pack.language,
            subject,
            pack.reply("email_confirm_body", code=code, url=url, minutes=conf.CONFIRM_MINUTES),
        )
    return pack.language, "", pack.reply("code_message", code=code, minutes=conf.CONFIRM_MINUTES)


def queue_confirmation(subscriber: Subscriber):
    """The code goes out through messaging, in the caller's transaction. Its recipient names the code
    (subscriber and nonce): a code superseded or used before its turn is withdrawn, never sent."""
    language, subject, text = confirmation_text(subscriber)
    return messaging_actions.send(
        CONFIRMATION, f"{subscriber.pk}:{subscriber.confirm_nonce}", subscriber.channel, language, text, subject=subject
    )


def set_pending_areas(subscriber: Subscriber, areas) -> Subscriber:
    """A pending subscriber (from an SMS keyword) names their areas: they replace any chosen before, and
    a new code is made."""
    chosen = valid_areas(areas)
    now = timezone.now()
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if current.state == Subscriber.State.ACTIVE:
            current.pending_areas = chosen
            current.pending_language = current.pending_language or current.language
        elif current.state == Subscriber.State.PENDING:
            _set_areas(current, chosen)
        else:
            raise SubscriptionError("state")
        _new_code(current, now)
        current.save()
        audit.record("alerts.areas_chosen", actor_kind="public", obj=current, count=len(chosen))
    return current


def has_areas(subscriber: Subscriber) -> bool:
    if subscriber.state == Subscriber.State.ACTIVE:
        return bool(subscriber.pending_areas)
    return subscriber.areas.exists()


def awaiting_code(subscriber: Subscriber) -> bool:
    if subscriber.state == Subscriber.State.PENDING:
        return has_areas(subscriber)
    return subscriber.state == Subscriber.State.ACTIVE and bool(subscriber.pending_areas)


def confirm(subscriber: Subscriber, code: str) -> str:
    """Check a code: "ok", "bad", "locked" (too many wrong codes), "expired" or "nothing" (no pending request)."""
    now = timezone.now()
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        if current is None or not awaiting_code(current):
            return "nothing"
        if current.confirm_failures >= MAX_CODE_FAILURES:
            return "locked"
        if current.confirm_expires_at is None or current.confirm_expires_at < now:
            return "expired"
        if not constant_time_compare(code or "", confirmation_code(current)):
            current.confirm_failures += 1
            current.save(update_fields=["confirm_failures"])
            audit.record("alerts.confirmation_failed", actor_kind="public", obj=current, count=current.confirm_failures)
            return "locked" if current.confirm_failures >= MAX_CODE_FAILURES else "bad"
        from_state = current.state
        if current.state == Subscriber.State.PENDING:
            current.state = Subscriber.State.ACTIVE
            current.confirmed_at = now
            current.inactive_since = None
        else:
            # A change of an active subscription: same subscription, new areas or language.
            current.language = current.pending_language or current.language
            _set_areas(current, current.pending_areas)
        current.pending_areas = []
        current.pending_language = ""
        current.confirm_expires_at = None
        current.confirm_failures = 0
        current.confirm_nonce += 1
        current.save()
        audit.record(
            "alerts.subscriber_confirmed",
            actor_kind="public",
            obj=current,
            from_state=from_state,
            to_state=current.state,
            channel=current.channel,
            language=current.language,
            count=current.areas.count(),
        )
    subscriber.state = current.state
    subscriber.language = current.language
    return "ok"


def unsubscribe(subscriber: Subscriber, *, via: str) -> bool:
    """End a subscription at once: areas forgotten, queued deliveries withdrawn, the row kept only for the
    short retention period. Returns whether anything changed."""
    now = timezone.now()
    with transaction.atomic():
        current = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        if current is None or current.state == Subscriber.State.UNSUBSCRIBED:
            return False
        from_state = current.state
        Subscriber.objects.filter(pk=current.pk).update(
            state=Subscriber.State.UNSUBSCRIBED,
            inactive_since=now,
            pending_areas=[],
            pending_language="",
            confirm_expires_at=None,
            confirm_nonce=current.confirm_nonce + 1,
        )
        SubscriberArea.objects.filter(subscriber=current).delete()
        withdrawn = Delivery.objects.filter(
            recipient_id=current.pk, broadcast__recipient_kind=ACTIVE_SUBSCRIBER, state=Delivery.State.QUEUED
        ).update(state=Delivery.State.WITHDRAWN, error_code="unsubscribed")
        audit.record(
            "alerts.unsubscribed",
            actor_kind="system" if via == "carrier" else "public",
            obj=current,
            channel=current.channel,
            from_state=from_state,
            kind=via,
            count=withdrawn,
        )
    subscriber.state = Subscriber.State.UNSUBSCRIBED
    return True


def phone_subscribers(e164: str) -> dict[str, Subscriber]:
    """{channel: subscriber} for a phone number in E.164."""
    return {
        s.channel: s
        for s in Subscriber.objects.filter(channel__in=PHONE_CHANNELS, address_index__in=_index_candidates(e164))
    }


def code_sent(subscriber_id, nonce: int) -> bool:
    """Whether a confirmation job still has something to send (the request was not superseded)."""
    current = Subscriber.objects.filter(pk=subscriber_id).first()
    return current is not None and current.confirm_nonce == nonce and awaiting_code(current)


# --------------------------------------------------------------------------------------------
# Alerts
# --------------------------------------------------------------------------------------------

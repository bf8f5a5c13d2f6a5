"""Every change to subscribers and alerts: one function each, in a transaction, with its audit event,
queuing background work on commit (ids only). An alert's messages are a messaging broadcast: alerts
creates its deliveries and runs its pump; messaging claims, sends and records them.

What may be sent when is decided here, in `send_alert`, under row locks on the alert and its incident,
so every path (staff page, API, admin, background task) meets the same rules:

- verified activity: only while the incident is verified at the moment of sending, and once per
  verification; the fan-out checks again before each batch and stops if the incident left that state;
- all clear, correction, retraction: only for an incident that already had a verified-activity alert
  sent, whatever its state now, and only to the people who received it and have not unsubscribed since;
- reminder: no incident, but a second approver;
- any kind marked for it: a second approver, who is not the author;
- a language whose template nobody but its author reviewed: only with an explicit confirmation.
"""

from __future__ import annotations

import logging
import secrets
import unicodedata
import uuid
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.alerts import targeting, texts
from vigil.alerts.conf import conf
from vigil.alerts.models import (
    ADDRESS_PURPOSE,
    PHONE_CHANNELS,
    Alert,
    Channel,
    Subscriber,
    SubscriberArea,
)
from vigil.lib import crypto
from vigil.lib.counters import count_once
from vigil.lib.normalize import address_key, index_candidates
from vigil.messaging import actions as messaging_actions
from vigil.messaging import fanout as messaging_fanout
from vigil.messaging.actions import normalize_address
from vigil.messaging.models import Delivery
from vigil.work.actions import enqueue

logger = logging.getLogger(__name__)

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


REFUSALS = {
    "unknown_kind": _("That kind of alert does not exist."),
    "no_incident": _("This kind of alert needs an incident."),
    "no_area": _("The incident has no neighborhood or borough yet; set its area first."),
    "areas": _("Choose at least one borough or neighborhood."),
    "no_original": _("There is no verified-activity alert of this incident to follow up."),
    "not_draft": _("This alert was already sent or cancelled."),
    "not_verified": _("The incident is not verified: a verified-activity alert cannot be sent."),
    "already_alerted": _("A verified-activity alert was already sent for this verification of the incident."),
    "place_reason": _("Say why the alert may name the place of a home or a shelter."),
    "verification_not_current": _(
        "The incident was verified again (or its verification was withdrawn) since this alert was written: "
        "compose a new one."
    ),
    "legacy_verification": _(
        "The incident was verified before bases were recorded: verify it again with a basis before alerting."
    ),
    "needs_approval": _("This alert needs a second approver before it can be sent."),
    "own_alert": _("The second approver must be someone other than the author."),
    "not_allowed": _("You cannot act on this alert."),
    "unreviewed": _("Some languages use templates nobody but their author has reviewed; confirm to send them."),
    "not_cancellable": _("This alert can no longer be stopped."),
}


class AlertRefused(Exception):
    def __init__(self, code: str, languages: list[str] | None = None):
        super().__init__(code)
        self.code = code
        self.languages = languages or []

    @property
    def message(self):
        return REFUSALS.get(self.code, self.code)


def _new_ref() -> str:
    while True:
        ref = "".join(secrets.choice(REF_ALPHABET) for _ in range(5))
        if not Alert.objects.filter(ref=ref).exists():
            return ref


REF_TRIES = 8


def _save_with_new_ref(alert: Alert) -> None:
    """Steps: pick a free reference and render the texts that carry it; insert in a savepoint; if another
    alert took the reference between the check and the insert (the column is unique), pick again.

    Any other integrity error, or a run of collisions, is raised as it is."""
    for attempt in range(REF_TRIES):
        alert.ref = _new_ref()
        alert.texts = render_texts(alert)
        try:
            with transaction.atomic():
                alert.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == REF_TRIES - 1 or not Alert.objects.filter(ref=alert.ref).exists():
                raise


def whatsapp_template_registered(rendered: dict) -> bool:
    """Whether the WhatsApp template of one rendered language is registered (a ContentSid is set)."""
    key = rendered.get("key", "")
    return bool(conf.whatsapp_content_sids().get(key, {}).get(rendered.get("pack", "")))


def _whatsapp_to_sms(alert: Alert) -> int:
    """WhatsApp recipients of a language whose template is not registered get the alert by SMS: a
    WhatsApp message outside a conversation needs a registered template, or it is never delivered."""
    missing = [
        language
        for language, rendered in alert.texts.items()
        if isinstance(rendered, dict) and not whatsapp_template_registered(rendered)
    ]
    return alert.deliveries.filter(channel=Channel.WHATSAPP, language__in=missing).update(channel=Channel.SMS)


def sent_originals(incident_id):
    return Alert.objects.filter(
        incident_id=incident_id,
        kind=Alert.Kind.VERIFIED_ACTIVITY,
        sent_at__isnull=False,
        state__in=[Alert.State.SENDING, Alert.State.DONE, Alert.State.HALTED],
    )


def render_texts(alert: Alert) -> dict:
    return {language: texts.render_alert(alert, language) for language in texts.deployment_languages()}


# Where the documented place is one of these, an alert names the neighborhood only, unless the dispatcher
# chooses otherwise and says why: naming the corner of a home or a shelter points at the people in it.
PRIVATE_PLACE_KINDS = ("home", "shelter")


def _place_for(incident, *, name_place: bool, place_reason: str) -> tuple[str, bool, str]:
    """The nearest known place an alert names, whether one was withheld, and the dispatcher's reason to
    name a private place anyway (for the timeline). Any observer's word that the place is a home or a
    shelter counts, even while others disagree."""
    from vigil.incidents.observations import latest_said
    from vigil.incidents.scene import best_known_place

    place = best_known_place(incident.reports.order_by("received_at")[:50])
    if place is None:
        return "", False, ""
    said = latest_said(incident, "place_kind") | {repr(incident.place_kind)}
    private = any(repr(kind) in said for kind in PRIVATE_PLACE_KINDS)
    if not private:
        return place.name[:200], False, ""
    if not name_place:
        return "", True, ""
    if not place_reason.strip():
        raise AlertRefused("place_reason")
    return place.name[:200], False, place_reason.strip()[:2000]


def compose_alert(
    *,
    actor,
    kind: str,
    incident=None,
    area: str = "",
    event_time=None,
    target_areas=(),
    needs_approval=False,
    name_place: bool = False,
    place_reason: str = "",
) -> Alert:
    """Draft an alert from the templates, rendered in every deployment language. Nothing is sent.

    A verified-activity alert names the nearest known place the reports name, except where the documented
    place is a home or a shelter (then the neighborhood only, unless ``name_place`` with a reason, kept
    on the incident's timeline). Follow-ups name what their original named."""
    from vigil.geo.areas import get_area

    if kind not in Alert.Kind.values:
        raise AlertRefused("unknown_kind")
    if actor.role not in SENDER_ROLES:
        raise AlertRefused("not_allowed")
    alert = Alert(kind=kind, organization=actor.organization, created_by=actor, needs_approval=bool(needs_approval))
    place_note = ""
    if kind == Alert.Kind.REMINDER:
        try:
            alert.target_areas = valid_areas(target_areas)
        except SubscriptionError:
            raise AlertRefused("areas")
        alert.needs_approval = True
    else:
        if incident is None:
            raise AlertRefused("no_incident")
        alert.incident = incident
        if kind == Alert.Kind.VERIFIED_ACTIVITY:
            if incident.state != "verified" or incident.current_verification_id is None:
                raise AlertRefused("not_verified")
            alert.verification_id = incident.current_verification_id
            alert.area, alert.borough = incident.area, incident.borough
            alert.place_name, alert.place_withheld, place_note = _place_for(
                incident, name_place=name_place, place_reason=place_reason
            )
            event_time = event_time or incident.activity_started_at
        else:
            original = sent_originals(incident.pk).order_by("-sent_at").first()
            if original is None:
                raise AlertRefused("no_original")
            alert.original_ref = original.ref
            chosen = get_area(area) if area else None
            if kind == Alert.Kind.CORRECTION and chosen is not None and chosen.kind in ("nta", "borough"):
                alert.area, alert.borough = chosen.code, chosen.borough
            else:
                alert.area, alert.borough = original.area, original.borough
                alert.place_name, alert.place_withheld = original.place_name, original.place_withheld
        if not alert.area and not alert.borough:
            raise AlertRefused("no_area")
    alert.event_time = event_time or timezone.now()
    with transaction.atomic():
        if kind == Alert.Kind.VERIFIED_ACTIVITY and place_note:
            from vigil.incidents.actions import add_note

            add_note(incident, place_note, actor=actor)
        _save_with_new_ref(alert)
        audit.record("alerts.composed", actor=actor, obj=alert, kind=kind)
    return alert


def approve_alert(alert: Alert, *, actor) -> Alert:
    with transaction.atomic():
        current = Alert.objects.select_for_update().get(pk=alert.pk)
        if current.state != Alert.State.DRAFT:
            raise AlertRefused("not_draft")
        if actor.role not in SENDER_ROLES or actor.organization_id != current.organization_id:
            raise AlertRefused("not_allowed")
        if actor.pk == current.created_by_id:
            raise AlertRefused("own_alert")
        now = timezone.now()
        Alert.objects.filter(pk=current.pk).update(approved_by=actor, approved_at=now)
        audit.record("alerts.approved", actor=actor, obj=current, kind=current.kind)
        current.approved_by, current.approved_at = actor, now
    return current


def send_blockers(alert: Alert, *, incident=None) -> list[str]:
    """Why the alert may not be sent now (empty: it may, subject to the unreviewed-language confirmation)."""
    from vigil.incidents.models import Incident

    problems = []
    if alert.state != Alert.State.DRAFT:
        return ["not_draft"]
    if alert.needs_approval and (alert.approved_by_id is None or alert.approved_by_id == alert.created_by_id):
        problems.append("needs_approval")
    if alert.kind == Alert.Kind.REMINDER:
        return problems
    incident = incident or alert.incident
    if incident is None:
        return [*problems, "no_incident"]
    if alert.kind == Alert.Kind.VERIFIED_ACTIVITY:
        if incident.state != Incident.State.VERIFIED:
            problems.append("not_verified")
        elif alert.verification_id != incident.current_verification_id:
            problems.append("verification_not_current")
        elif alert.verification.basis == "legacy":
            problems.append("legacy_verification")
        elif sent_originals(incident.pk).filter(verification_id=alert.verification_id).exists():
            problems.append("already_alerted")
    elif not sent_originals(incident.pk).exists():
        problems.append("no_original")
    return problems


def send_alert(alert: Alert, *, actor, confirm_unreviewed: bool = False) -> int:
    """Send: the only way an alert leaves Vigil. Returns the number of deliveries created.

    Steps, in one transaction: lock the alert, then its incident (so the incident cannot change state
    while we decide); check who is sending and every rule above; create the deliveries in bulk; refuse
    (and so roll them back) if a recipient language is unreviewed and that was not confirmed; mark the
    alert as sending with its expiry; write the audit event; queue the fan-out, which starts on commit.
    """
    from vigil.incidents.models import Incident

    with transaction.atomic():
        current = Alert.objects.select_for_update().get(pk=alert.pk)
        if actor.role not in SENDER_ROLES or actor.organization_id != current.organization_id or not actor.is_active:
            raise AlertRefused("not_allowed")
        incident = None
        if current.incident_id:
            incident = Incident.objects.select_for_update().get(pk=current.incident_id)
        problems = send_blockers(current, incident=incident)
        if problems:
            raise AlertRefused(problems[0])
        current.broadcast = messaging_actions.start_broadcast(
            programme=PROGRAMME, recipient_kind=ACTIVE_SUBSCRIBER, tag=current.ref
        )
        count = targeting.create_deliveries(current)
        _whatsapp_to_sms(current)
        languages = set(current.deliveries.values_list("language", flat=True).distinct())
        if current.kind in Alert.FOLLOW_UPS:
            # A follow-up may still reach people who receive the original later: their languages count.
            languages |= set(
                Delivery.objects.filter(
                    broadcast__alert__incident_id=current.incident_id,
                    broadcast__alert__kind=Alert.Kind.VERIFIED_ACTIVITY,
                )
                .values_list("language", flat=True)
                .distinct()
            )
        languages = sorted(languages)
        unreviewed = [
            lang for lang in languages if not current.texts.get(lang, current.texts.get("en", {})).get("reviewed")
        ]
        if unreviewed and not confirm_unreviewed:
            raise AlertRefused("unreviewed", languages=unreviewed)
        now = timezone.now()
        current.state = Alert.State.SENDING
        current.sent_by = actor
        current.sent_at = now
        current.expires_at = now + timedelta(minutes=conf.EXPIRY_MINUTES)
        current.unreviewed_confirmed = bool(unreviewed)
        current.unreviewed_languages = unreviewed
        current.recipients = count
        current.topping_up = current.kind in Alert.FOLLOW_UPS and targeting.originals_still_open(current)
        current.save()
        audit.record(
            "alerts.sent",
            actor=actor,
            obj=current,
            kind=current.kind,
            count=count,
            language=unreviewed,
            outcome="unreviewed_confirmed" if unreviewed else "reviewed",
        )
        enqueue(PUMP_JOB, current.pk, priority=5)
    alert.refresh_from_db()
    return count


def cancel_alert(alert: Alert, *, actor) -> Alert:
    """A draft is cancelled; an alert going out is stopped (queued deliveries withdrawn)."""
    with transaction.atomic():
        current = Alert.objects.select_for_update().get(pk=alert.pk)
        if actor.role not in SENDER_ROLES or actor.organization_id != current.organization_id:
            raise AlertRefused("not_allowed")
        from_state = current.state
        if current.state == Alert.State.DRAFT:
            current.state = Alert.State.CANCELLED
            withdrawn = 0
        elif current.state == Alert.State.SENDING:
            current.state = Alert.State.HALTED
            withdrawn = current.deliveries.filter(state=Delivery.State.QUEUED).update(
                state=Delivery.State.WITHDRAWN, error_code="stopped"
            )
        else:
            raise AlertRefused("not_cancellable")
        current.save(update_fields=["state"])
        audit.record(
            "alerts.stopped", actor=actor, obj=current, from_state=from_state, to_state=current.state, count=withdrawn
        )
    return current


# --------------------------------------------------------------------------------------------
# Fan-out bookkeeping (called by the background work)
# --------------------------------------------------------------------------------------------


def stop_reason(alert: Alert, now) -> str | None:
    """Why no new message of this alert may go out now, or None."""
    from vigil.incidents.models import Incident

    if alert.state != Alert.State.SENDING:
        return "halted"
    if alert.expires_at is not None and now >= alert.expires_at:
        return "expired"
    if alert.kind == Alert.Kind.VERIFIED_ACTIVITY:
        if alert.incident is None or alert.incident.state != Incident.State.VERIFIED:
            return "not_verified"
        if alert.incident.current_verification_id != alert.verification_id:
            return "not_verified"
    return None


def pump(alert_id) -> tuple[int | None, list[str]]:
    """One round of an alert's fan-out, inside the background job's transaction. Returns the alert's
    broadcast and the channels to send now, after this transaction commits (messaging's fan-out).

    Steps: lock the alert; claims whose lease ran out become uncertain (the worker died holding them);
    if the alert may no longer send (expired, incident no longer verified, stopped), queued deliveries
    are expired or withdrawn, and counted; a follow-up adds people who received the original since;
    with nothing open the alert is finished; otherwise the next round is queued and the channels with
    due work and no live claim are returned.
    """
    with transaction.atomic():
        now = timezone.now()
        alert = Alert.objects.select_for_update(of=("self",)).select_related("incident").filter(pk=alert_id).first()
        if alert is None or alert.state not in (Alert.State.SENDING, Alert.State.HALTED) or not alert.broadcast_id:
            return None, []
        broadcast = alert.broadcast
        context = {"obj": alert, "organization": alert.organization}
        messaging_actions.settle_stale_claims(broadcast, now, audit_context=context)
        reason = stop_reason(alert, now)
        if reason == "not_verified":
            Alert.objects.filter(pk=alert.pk).update(state=Alert.State.HALTED)
            alert.state = Alert.State.HALTED
            audit.record("alerts.halted", obj=alert, organization=alert.organization, reason_code=reason)
        if reason:
            messaging_actions.drop_queued(broadcast, reason, audit_context=context)
        if alert.topping_up and reason is None:
            added = targeting.create_follow_up_deliveries(alert)
            if added:
                _whatsapp_to_sms(alert)
            still = targeting.originals_still_open(alert)
            Alert.objects.filter(pk=alert.pk).update(recipients=alert.recipients + added, topping_up=still)
            alert.topping_up = still
        elif alert.topping_up:
            Alert.objects.filter(pk=alert.pk).update(topping_up=False)
            alert.topping_up = False
        open_rows = messaging_fanout.open_work(broadcast.pk)
        if not open_rows and not alert.topping_up:
            received = messaging_fanout.received_count(broadcast.pk)
            if alert.state == Alert.State.SENDING:
                Alert.objects.filter(pk=alert.pk).update(state=Alert.State.DONE, finished_at=now)
            else:
                Alert.objects.filter(pk=alert.pk).update(finished_at=now)
            audit.record(
                "alerts.finished", obj=alert, organization=alert.organization, count=received, outcome=reason or "done"
            )
            return broadcast.pk, []
        lease = timedelta(seconds=conf.CLAIM_LEASE_SECONDS)
        channels: list[str] = []
        waits: list[float] = [5.0] if alert.topping_up else []
        live = {row["channel"] for row in open_rows if row["state"] == Delivery.State.SENDING}
        for row in open_rows:
            channel = row["channel"]
            if row["state"] == Delivery.State.SENDING:
                waits.append(min(POLL_SECONDS, max(0.2, (row["claimed"] + lease - now).total_seconds())))
            elif channel in live:
                continue
            elif row["due"] <= now:
                if channel not in channels:
                    channels.append(channel)
            else:
                waits.append((row["due"] - now).total_seconds())
        delay = 0.0 if channels else max(0.1, min(waits or [POLL_SECONDS]))
        enqueue(PUMP_JOB, alert.pk, delay_seconds=min(delay, 60.0), priority=5)
        return broadcast.pk, channels


# --------------------------------------------------------------------------------------------
# Subscriber lists for admins
# --------------------------------------------------------------------------------------------


def may_list_addresses(user) -> bool:
    org = getattr(user, "organization", None)
    return bool(
        user.is_active and user.role == Role.ADMIN and org is not None and org.slug in conf.ADDRESS_ORGANIZATIONS
    )


def list_addresses(*, actor, offset: int = 0, limit: int = 200) -> list[dict]:
    """Active and pending subscribers with their addresses, for an admin whose organization is allowed;
    every view is audited with the number of addresses shown."""
    if not may_list_addresses(actor):
        raise AlertRefused("not_allowed")
    with transaction.atomic():
        rows = list(
            Subscriber.objects.exclude(state=Subscriber.State.UNSUBSCRIBED)
            .order_by("created_at", "id")
            .prefetch_related("areas")[offset : offset + limit]
        )
        shown = [
            {
                "address": s.address,
                "channel": s.get_channel_display(),
                "language": s.language,
                "state": s.get_state_display(),
                "areas": ", ".join(a.code for a in s.areas.all()),
            }
            for s in rows
        ]
        audit.record("alerts.addresses_viewed", actor=actor, object_type="alerts.subscriber", count=len(shown))
    return shown

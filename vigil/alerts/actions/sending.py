"""Alerts: composing, approving, sending, cancelling and the pump that keeps a broadcast going, with the
send rules of vigil/alerts/actions/__init__.py; and the admins' subscriber list."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.alerts import targeting, texts
from vigil.alerts.actions.subscriptions import (
    ACTIVE_SUBSCRIBER,
    POLL_SECONDS,
    PROGRAMME,
    PUMP_JOB,
    REF_ALPHABET,
    SENDER_ROLES,
    SubscriptionError,
    valid_areas,
)
from vigil.alerts.conf import conf
from vigil.alerts.models import (
    Alert,
    Channel,
    Subscriber,
)
from vigil.messaging import actions as messaging_actions
from vigil.messaging import fanout as messaging_fanout
from vigil.messaging.models import Delivery
from vigil.work.actions import enqueue

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

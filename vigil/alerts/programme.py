"""What alerts tells messaging while an alert's broadcast goes out, and the text of confirmation codes.

Messaging claims, sends, records and settles the deliveries (vigil/messaging/fanout.py); it asks the
alert's programme, registered as "alerts.alert", for each message's text in its language and whether
the alert may still send. Recipients are named "alerts.active_subscriber" (an alert goes only to
active subscriptions) and confirmation codes "alerts.confirmation" (a code that a newer one has
superseded, or that was used, is withdrawn before it is sent): both resolvers are here.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from vigil.alerts import actions
from vigil.alerts.conf import conf
from vigil.alerts.models import Alert, Channel, Subscriber
from vigil.messaging.channels import Envelope
from vigil.messaging.outbox import email_domain


def public_url(path: str) -> str:
    return conf.public_base_url() + path


def message_id(alert: Alert, delivery_id: int) -> str:
    """Stable per delivery: a resend after an uncertain outcome carries the very same Message-ID."""
    return f"<vigil.{alert.ref}.{delivery_id}@{email_domain()}>"


class AlertProgramme:
    """The alert behind one broadcast, loaded once per batch."""

    def __init__(self, broadcast):
        self.alert = Alert.objects.select_related("incident", "organization").get(broadcast=broadcast)
        self.send_until = self.alert.expires_at

    def stop_reason(self, now) -> str | None:
        return actions.stop_reason(self.alert, now)

    def audit_context(self) -> dict:
        return {"obj": self.alert, "organization": self.alert.organization}

    def envelope(self, delivery, address: str, status_callback: str) -> Envelope:
        alert = self.alert
        rendered = alert.texts.get(delivery.language) or alert.texts["en"]
        message = Envelope(
            delivery_id=delivery.pk,
            channel=delivery.channel,
            to=address,
            text=rendered["sms"],
            tag=alert.ref,
            language=rendered.get("pack", delivery.language),
            status_callback=status_callback,
        )
        if alert.expires_at is not None:
            message.validity_seconds = max(1, int((alert.expires_at - timezone.now()).total_seconds()))
        if delivery.channel == Channel.EMAIL:
            url = public_url(reverse("alerts_unsubscribe") + "?t=" + actions.unsubscribe_token(delivery.recipient_id))
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


def active_addresses(ids) -> dict:
    """The many-resolver of "alerts.active_subscriber": {id: address} of those still subscribed. Only the
    two columns are read: a batch of 500 would otherwise parse every subscriber's JSON columns too."""
    rows = Subscriber.objects.filter(pk__in=list(ids), state=Subscriber.State.ACTIVE).only("id", "address")
    return {s.pk: s.address for s in rows}


def active_address(subscriber_id: str) -> str | None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, state=Subscriber.State.ACTIVE).first()
    return subscriber.address if subscriber is not None else None


def confirmation_address(recipient: str) -> str | None:
    """The resolver of "alerts.confirmation": the address while that code is still the one awaited."""
    subscriber_id, _, nonce = recipient.partition(":")
    if not nonce.isdigit() or not actions.code_sent(subscriber_id, int(nonce)):
        return None
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return subscriber.address if subscriber is not None else None

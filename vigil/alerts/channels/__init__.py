"""Channel transports: how one message reaches one address.

Each transport answers ``send(message)`` with one of four outcomes and never raises for a provider
problem; ``resolve(message, since)`` says whether a message whose fate is unknown reached the provider.

- accepted: the provider took the message (``provider_id`` names it);
- temporary: it did not take it and a later try may work (rate limit, outage before the request);
- permanent: it will never take it (invalid number, recipient opted out at the carrier);
- uncertain: the request may have reached the provider and we cannot tell (timeout after sending,
  connection lost before the answer, a 5xx answer). Such a delivery is resolved before any resend.

Transports keep one connection open between ``open()`` and ``close()`` (an SMTP session, an HTTP
keep-alive pool), so a batch reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module

from vigil.alerts.conf import conf

ACCEPTED = "accepted"
TEMPORARY = "temporary"
PERMANENT = "permanent"
UNCERTAIN = "uncertain"


@dataclass
class Message:
    """One message for one address. `tag` (the alert's reference) is printed in the text, so the
    provider's log can be searched for (recipient, tag): one delivery has exactly that pair."""

    delivery_id: int | None
    channel: str
    to: str
    text: str
    tag: str = ""
    subject: str = ""
    message_id: str = ""
    language: str = "en"
    content_sid: str = ""
    content_variables: dict[str, str] = field(default_factory=dict)
    unsubscribe_url: str = ""
    status_callback: str = ""
    validity_seconds: int | None = None


@dataclass(frozen=True)
class SendResult:
    outcome: str
    provider_id: str = ""
    code: str = ""
    opted_out: bool = False  # the provider says the recipient unsubscribed at the carrier


@dataclass(frozen=True)
class Resolution:
    found: bool
    provider_id: str = ""
    # False when the provider keeps no searchable log (SMTP): the caller resends with the same id.
    known: bool = True


class LookupFailed(Exception):
    """The provider's log could not be searched just now; try again later."""


class Transport:
    channel = ""

    def open(self) -> None:
        """Open the connection used by the following sends."""

    def close(self) -> None:
        """Close it; safe to call twice."""

    def send(self, message: Message) -> SendResult:
        raise NotImplementedError

    def resolve(self, message: Message, since: datetime) -> Resolution:
        return Resolution(found=False, known=False)


TRANSPORTS = {
    ("sms", "twilio"): "vigil.alerts.channels.sms.TwilioSMS",
    ("sms", "console"): "vigil.alerts.channels.console.ConsoleTransport",
    ("whatsapp", "twilio"): "vigil.alerts.channels.whatsapp.TwilioWhatsApp",
    ("whatsapp", "console"): "vigil.alerts.channels.console.ConsoleTransport",
    ("email", "smtp"): "vigil.alerts.channels.email.SMTPEmail",
    ("email", "console"): "vigil.alerts.channels.console.ConsoleTransport",
}


def get_transport(channel: str) -> Transport:
    name = conf.transport(channel)
    path = TRANSPORTS.get((channel, name))
    if path is None:
        raise ValueError(f"no transport {name!r} for channel {channel!r}")
    module, _, cls = path.rpartition(".")
    transport = getattr(import_module(module), cls)()
    transport.channel = channel
    return transport

"""Channel transports: how one message reaches one address. Each channel is a package,
`vigil/messaging/channels/<kind>/transport.py`, with one class under `Transport`.

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

from vigil.messaging.conf import conf

ACCEPTED = "accepted"
TEMPORARY = "temporary"
PERMANENT = "permanent"
UNCERTAIN = "uncertain"


@dataclass
class Envelope:
    """One message for one address, as a transport sees it. `tag` (an alert's reference, a message's
    short id) is printed in the text, so the provider's log can be searched for (recipient, tag): one
    message has exactly that pair. `delivery_id` names the row in logs (never the address)."""

    delivery_id: int | str | None
    channel: str
    to: str
    text: str
    tag: str = ""
    subject: str = ""
    message_id: str = ""
    language: str = "en"
    content_sid: str = ""
    # WhatsApp: the person wrote to us less than 24 hours ago, so a free-form body may go.
    in_window: bool = False
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


class TransportError(Exception):
    """The one failure type of a transport: a provider problem that is not a send outcome (a send
    answers with a SendResult instead). `code` is a short code, never a provider's message."""

    def __init__(self, code: str = ""):
        super().__init__(code)
        self.code = code


class LookupFailed(TransportError):
    """The provider's log could not be searched just now; try again later."""


class Transport:
    channel = ""

    def open(self) -> None:
        """Open the connection used by the following sends."""

    def close(self) -> None:
        """Close it; safe to call twice."""

    def send(self, message: Envelope) -> SendResult:
        raise NotImplementedError

    def resolve(self, message: Envelope, since: datetime) -> Resolution:
        return Resolution(found=False, known=False)


TRANSPORTS = {
    ("sms", "twilio"): "vigil.messaging.channels.sms.transport.TwilioSMS",
    ("sms", "console"): "vigil.messaging.channels.console.transport.ConsoleTransport",
    ("whatsapp", "twilio"): "vigil.messaging.channels.whatsapp.transport.TwilioWhatsApp",
    ("whatsapp", "console"): "vigil.messaging.channels.console.transport.ConsoleTransport",
    ("email", "smtp"): "vigil.messaging.channels.email.transport.SMTPEmail",
    ("email", "console"): "vigil.messaging.channels.console.transport.ConsoleTransport",
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

"""Send a text message to the demo's own Twilio webhook, signed as Twilio signs it, and print the reply.

Demo mode only (VIGIL_DEMO=1 with DEBUG=1, as `make run` starts it): it tries the SMS and WhatsApp paths
on this machine without a provider. Steps: build Twilio's fields, sign the public address of the webhook
plus the fields with the auth token (twilio's RequestValidator), POST them, print the TwiML reply's text.
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from twilio.request_validator import RequestValidator

from vigil.lib.urls import public_url

DEMO_SENDER = "+17185550142"


def signed_message(body: str, *, whatsapp: bool = False, sender: str = DEMO_SENDER) -> tuple[str, dict, str]:
    """The webhook's address, Twilio's fields for one inbound message, and their signature."""
    number = getattr(settings, "ALERTS_WHATSAPP_NUMBER" if whatsapp else "ALERTS_SMS_NUMBER", "")
    prefix = "whatsapp:" if whatsapp else ""
    fields = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "From": prefix + sender,
        "To": prefix + number,
        "Body": body,
    }
    url = public_url(reverse("twilio_inbound"))
    return url, fields, RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, fields)


class Command(BaseCommand):
    help = "Demo mode: send a signed test SMS or WhatsApp message to the local webhook and print the reply."

    def add_arguments(self, parser):
        parser.add_argument("text", help="the message, as a person would text it")
        parser.add_argument("--whatsapp", action="store_true", help="arrive as a WhatsApp message")
        parser.add_argument("--sender", default=DEMO_SENDER, help=f"the sender's number (default {DEMO_SENDER})")

    def handle(self, *args, **options):
        if not (settings.DEMO and settings.TWILIO_AUTH_TOKEN):
            raise CommandError("Only in demo mode (make run: DEBUG=1 VIGIL_DEMO=1), which sets a demo token.")
        url, fields, signature = signed_message(options["text"], whatsapp=options["whatsapp"], sender=options["sender"])
        # Our own webhook, at the http(s) address the settings name.
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=body, headers={"X-Twilio-Signature": signature})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                reply = response.read().decode()
        except urllib.error.HTTPError as exc:
            raise CommandError(f"The webhook answered {exc.code}.") from exc
        except urllib.error.URLError as exc:
            raise CommandError(f"Nothing answers at {url} (is `make run` running?).") from exc
        # The TwiML comes from our own server, not from a stranger.
        texts = [element.text or "" for element in ET.fromstring(reply).iter("Message")]  # noqa: S314
        self.stdout.write("\n".join(texts) or "(no reply)")

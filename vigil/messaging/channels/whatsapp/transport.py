"""WhatsApp through Twilio's Messages API.

Outside a conversation the person opened in the last 24 hours, WhatsApp only carries templates Meta
approved: every alert goes out as a Content template (ContentSid per kind and language, with numbered
variables), never as a free-form body. A language without an approved template fails that delivery
with a code the dispatcher sees in the preview and the progress. A single message goes as a template,
or as a free-form body when the envelope says the person's window is open (messaging's
template_actions decides which, and sends it by SMS when neither may go).
"""

from __future__ import annotations

import json

import requests
from twilio.base.exceptions import TwilioException

from vigil.messaging.channels import PERMANENT, Envelope, SendResult, TransportError
from vigil.messaging.channels.twilio_client import TwilioTransport
from vigil.messaging.conf import conf

PREFIX = "whatsapp:"


class TwilioWhatsApp(TwilioTransport):
    address_prefix = PREFIX

    def sender(self) -> str:
        return PREFIX + conf.WHATSAPP_NUMBER

    def params(self, message: Envelope) -> dict | SendResult:
        params = {"to": PREFIX + message.to, "from_": self.sender()}
        if message.content_sid:
            params["content_sid"] = message.content_sid
            params["content_variables"] = json.dumps(message.content_variables, ensure_ascii=False)
        elif message.in_window and message.text:
            params["body"] = message.text
        else:
            return SendResult(PERMANENT, code="no_whatsapp_template")
        if message.status_callback:
            params["status_callback"] = message.status_callback
        return params


# Meta's answer as Twilio's Content API reports it -> a template's state here (MessageTemplate.State).
APPROVAL_STATES = {
    "approved": "approved",
    "rejected": "rejected",
    "paused": "paused",
    "disabled": "paused",
    "received": "submitted",
    "pending": "submitted",
    "in_appeal": "submitted",
}


def approval_states() -> dict[str, str]:
    """{Content SID: state} of the account's Content templates that were sent to Meta (Twilio's
    ContentAndApprovals list). Raises TransportError when Twilio cannot be asked now."""
    transport = TwilioWhatsApp()
    transport.open()
    try:
        items = transport.client.content.v1.content_and_approvals.list(page_size=100)
    except (TwilioException, requests.RequestException) as exc:
        raise TransportError(type(exc).__name__) from None
    finally:
        transport.close()
    states = {}
    for item in items:
        request = item.approval_requests or {}
        status = str(request.get("status") or (request.get("whatsapp") or {}).get("status") or "").lower()
        if item.sid and status in APPROVAL_STATES:
            states[str(item.sid)] = APPROVAL_STATES[status]
    return states

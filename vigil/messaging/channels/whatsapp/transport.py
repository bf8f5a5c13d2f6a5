"""WhatsApp through Twilio's Messages API.

Outside a conversation the person opened in the last 24 hours, WhatsApp only carries templates Meta
approved: every alert goes out as a Content template (ContentSid per kind and language, with numbered
variables), never as a free-form body. A language without an approved template fails that delivery
with a code the dispatcher sees in the preview and the progress.
"""

from __future__ import annotations

import json

from vigil.messaging.channels import PERMANENT, Envelope, SendResult
from vigil.messaging.channels.twilio_client import TwilioTransport
from vigil.messaging.conf import conf

PREFIX = "whatsapp:"


class TwilioWhatsApp(TwilioTransport):
    address_prefix = PREFIX

    def sender(self) -> str:
        return PREFIX + conf.WHATSAPP_NUMBER

    def params(self, message: Envelope) -> dict | SendResult:
        if not message.content_sid:
            return SendResult(PERMANENT, code="no_whatsapp_template")
        params = {
            "to": PREFIX + message.to,
            "from_": self.sender(),
            "content_sid": message.content_sid,
            "content_variables": json.dumps(message.content_variables, ensure_ascii=False),
        }
        if message.status_callback:
            params["status_callback"] = message.status_callback
        return params

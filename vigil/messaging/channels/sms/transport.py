"""SMS through Twilio's Messages API."""

from __future__ import annotations

from vigil.messaging.channels import Envelope, SendResult
from vigil.messaging.channels.twilio_client import TwilioTransport
from vigil.messaging.conf import conf

# Twilio keeps a message queued at most this long (its ValidityPeriod ceiling, in seconds).
MAX_VALIDITY = 36000


class TwilioSMS(TwilioTransport):
    def sender(self) -> str:
        return "" if conf.SMS_MESSAGING_SERVICE_SID else conf.SMS_NUMBER

    def params(self, message: Envelope) -> dict | SendResult:
        params = {"to": message.to, "body": message.text}
        if conf.SMS_MESSAGING_SERVICE_SID:
            params["messaging_service_sid"] = conf.SMS_MESSAGING_SERVICE_SID
            if message.validity_seconds:
                # Twilio then drops the message itself rather than send it after the alert expired.
                params["validity_period"] = max(1, min(MAX_VALIDITY, int(message.validity_seconds)))
        else:
            params["from_"] = conf.SMS_NUMBER
        if message.status_callback:
            params["status_callback"] = message.status_callback
        return params

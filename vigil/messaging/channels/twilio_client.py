"""Twilio's REST API through its own client library (`twilio`): the request format, authentication,
paging and error payloads are Twilio's to define, so we write none of them.

Nothing Twilio sends back is logged or stored except a message SID and a numeric error code: Twilio's
error messages quote the recipient's number.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from vigil.messaging.channels import (
    ACCEPTED,
    PERMANENT,
    TEMPORARY,
    UNCERTAIN,
    Envelope,
    LookupFailed,
    Resolution,
    SendResult,
    Transport,
)
from vigil.messaging.conf import conf

# The library logs every request's query parameters at INFO; a lookup's parameters hold a number.
_http_logger = logging.getLogger("vigil.messaging.twilio_http")
_http_logger.setLevel(logging.WARNING)
_http_logger.propagate = False


class _NoQueryStrings(logging.Filter):
    """urllib3 logs each request line at DEBUG, query string included: drop those of message lookups."""

    def filter(self, record):
        return not any(isinstance(arg, str) and "Messages.json?" in arg for arg in (record.args or ()))


logging.getLogger("urllib3.connectionpool").addFilter(_NoQueryStrings())

# The recipient can never receive this (invalid, unreachable, landline, opted out): do not retry.
RECIPIENT_CODES = {21211, 21214, 21217, 21407, 21408, 21421, 21612, 21614, 21610, 63003, 63024}
OPTED_OUT_CODES = {21610}
LOOKUP_SLACK = timedelta(minutes=2)
LOOKUP_PAGE = 20


def classify_rest_error(exc: TwilioRestException) -> SendResult:
    status = int(exc.status or 0)
    code = int(exc.code) if isinstance(exc.code, int) or str(exc.code).isdigit() else 0
    label = f"twilio_{code or status}"
    if status == 429 or status in (401, 403, 404):
        # Throttled, or our credentials/account are wrong: nothing was created, and it can change.
        return SendResult(TEMPORARY, code=label)
    if status >= 500:
        # The request reached Twilio; whether a message was created is unknown.
        return SendResult(UNCERTAIN, code=label)
    return SendResult(PERMANENT, code=label, opted_out=code in OPTED_OUT_CODES)


def classify_network_error(exc: requests.RequestException) -> SendResult:
    if isinstance(exc, requests.ConnectTimeout):
        return SendResult(TEMPORARY, code="connect_timeout")
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        if type(inner).__name__ in ("NewConnectionError", "ConnectTimeoutError", "NameResolutionError"):
            return SendResult(TEMPORARY, code="connect_failed")
    if isinstance(exc, requests.ReadTimeout):
        return SendResult(UNCERTAIN, code="read_timeout")
    return SendResult(UNCERTAIN, code="connection_lost")


class TwilioTransport(Transport):
    address_prefix = ""

    def __init__(self):
        self.client: Client | None = None

    def open(self) -> None:
        if self.client is not None:
            return
        http = TwilioHttpClient(timeout=conf.PROVIDER_TIMEOUT_SECONDS, logger=_http_logger)
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)
        if conf.TWILIO_API_URL:
            self.client.api.base_url = conf.TWILIO_API_URL

    def close(self) -> None:
        if self.client is not None:
            session = getattr(self.client.http_client, "session", None)
            if session is not None:
                session.close()
        self.client = None

    def sender(self) -> str:
        raise NotImplementedError

    def params(self, message: Envelope) -> dict | SendResult:
        raise NotImplementedError

    def send(self, message: Envelope) -> SendResult:
        self.open()
        params = self.params(message)
        if isinstance(params, SendResult):
            return params
        try:
            created = self.client.messages.create(**params)
        except TwilioRestException as exc:
            return classify_rest_error(exc)
        except requests.RequestException as exc:
            return classify_network_error(exc)
        except TwilioException:
            return SendResult(UNCERTAIN, code="twilio_client")
        return SendResult(ACCEPTED, provider_id=str(created.sid))

    def resolve(self, message: Envelope, since) -> Resolution:
        """Search Twilio's message log for this recipient and the alert's reference in the text.

        Steps: list the newest messages to the recipient (from our number when we send from one);
        keep those created after the claim (minus a little clock slack); a body carrying the tag is
        the delivery's message. The list API has no tag filter, and the body is the only field we
        control that it returns."""
        self.open()
        query = {"to": self.address_prefix + message.to, "limit": LOOKUP_PAGE, "page_size": LOOKUP_PAGE}
        sender = self.sender()
        if sender:
            query["from_"] = sender
        try:
            found = self.client.messages.list(**query)
        except (TwilioException, requests.RequestException) as exc:
            raise LookupFailed(type(exc).__name__) from None
        for item in found:
            created = item.date_created
            if created is not None and created < since - LOOKUP_SLACK:
                continue
            if message.tag and message.tag in (item.body or ""):
                return Resolution(found=True, provider_id=str(item.sid))
        return Resolution(found=False)

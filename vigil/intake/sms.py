"""Reports by SMS and WhatsApp through Twilio's webhook format.

`twilio` (the provider's own library) validates the signature and writes TwiML; we write neither.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from vigil.lib.bidi import isolate_ltr
from vigil.lib.folding import fold_keyword
from vigil.lib.normalize import InvalidAddress, normalize_phone
from vigil.lib.urls import public_request_url

SENDER_KEY_TTL = 24 * 3600
# A message key must outlive the day it hashes for: yesterday's is still looked up all of today.
MESSAGE_KEY_TTL = 50 * 3600
# Replies that agree to be contacted at this number, in the deployment's languages (folded below).
_CONSENT_SPELLINGS = (
    "yes",
    "y",
    "si",
    "sí",
    "oui",
    "wi",
    "tak",
    "да",
    "是",
    "是的",
    "好",
    "네",
    "예",
    "نعم",
    "ہاں",
    "جی",
    "হ্যাঁ",
    "ha",
)
CONSENT_WORDS = frozenset(fold_keyword(word) for word in _CONSENT_SPELLINGS)


def signature_is_valid(request) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = public_request_url(request)
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


def parse_sender(raw: str) -> tuple[str, str]:
    """('sms'|'whatsapp', E.164) from Twilio's From field."""
    channel = "sms"
    if raw.startswith("whatsapp:"):
        channel, raw = "whatsapp", raw[len("whatsapp:") :]
    return channel, normalize_phone(raw)


def sender_ref(e164: str) -> str:
    """A keyed hash of the number with a key that lives 24 hours in the cache (memory, CACHE_DIR or Redis)."""
    day = timezone.now().strftime("%Y-%m-%d")
    key = cache.get_or_set(f"vigil:senderkey:{day}", lambda: secrets.token_hex(32), SENDER_KEY_TTL)
    return "s:" + hmac.new(bytes.fromhex(key), e164.encode(), hashlib.sha256).hexdigest()[:40]


def message_refs(sid: str) -> list[str]:
    """The provider message id's keyed hash under today's message key, then under yesterday's if it is
    still in the cache: what a delivery retried across midnight was stored under.

    Message keys are apart from sender keys, so keeping them two days links no sender's reports for
    longer than one. Like them they live only in the cache, never on disk or in a table.
    """
    today = timezone.now().date()
    refs = [_message_ref(sid, _message_key(today, create=True))]
    yesterday = _message_key(today - timedelta(days=1), create=False)
    if yesterday:
        refs.append(_message_ref(sid, yesterday))
    return refs


def _message_key(day, *, create: bool) -> str | None:
    name = f"vigil:messagekey:{day:%Y-%m-%d}"
    if create:
        return cache.get_or_set(name, lambda: secrets.token_hex(32), MESSAGE_KEY_TTL)
    return cache.get(name)


def _message_ref(sid: str, key: str) -> str:
    return "m:" + hmac.new(bytes.fromhex(key), sid.encode(), hashlib.sha256).hexdigest()[:40]


def is_consent(body: str) -> bool:
    return fold_keyword(body) in CONSENT_WORDS


def twiml(message: str) -> str:
    response = MessagingResponse()
    response.message(message)
    return str(response)


def receipt_message(report, secret: str) -> str:
    with translation.override(report.language if report.language != "und" else "en"):
        return _(
            "Vigil received your report. Code %(code)s, secret %(secret)s. No alert goes out until a responder on the "
            "scene or two coordinators confirm it. Reply YES if our team may contact you at this number."
        ) % {"code": isolate_ltr(report.receipt_code, report.language), "secret": isolate_ltr(secret, report.language)}


def error_message(language: str) -> str:
    with translation.override(language if language != "und" else "en"):
        return _("We could not store this message. Please describe what you see in a few words and where.")


def consent_message(language: str) -> str:
    with translation.override(language if language != "und" else "en"):
        return _("Thank you. Our team may contact you at this number. Your number is kept encrypted for 30 days.")


__all__ = ["InvalidAddress", "signature_is_valid", "parse_sender", "sender_ref", "is_consent", "twiml"]

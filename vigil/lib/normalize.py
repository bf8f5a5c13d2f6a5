"""Normalizers for values that are looked up through a blind index."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class InvalidAddress(ValueError):
    """The value is not a phone number or e-mail address we can use."""


def normalize_phone(raw: str, region: str = "US") -> str:
    """E.164 through `phonenumbers` (libphonenumber's data; carrier formats change too often to hand-write)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidAddress("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidAddress("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    """The address as it will be stored and mailed: email-validator's normalized form (syntax by the RFCs,
    the domain lower-cased and IDNA-checked, Unicode NFC). The local part keeps its case: a mail server
    may tell `Straße@` from `strasse@`, so folding it would mail someone else. No DNS lookup is made."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidAddress("not an e-mail address") from None


def address_key(normalized: str) -> str:
    """What a blind index keys on: a normalized phone as it is; a normalized e-mail with its local part
    lower-cased, so one mailbox typed in two cases never has two subscriptions (lower(), not casefold():
    `ß` stays `ß`)."""
    local, sep, domain = normalized.rpartition("@")
    return f"{local.lower()}@{domain}" if sep else normalized


def legacy_email_key(normalized: str) -> str:
    """The key indexes had before email-validator (the whole address case-folded): still looked up, so
    an address stored then can be found, unsubscribed and kept opted out."""
    return normalized.casefold()


def index_candidates(normalized: str, *, purpose: str) -> list[str]:
    """Every blind index an address may be stored under: its key with each index key version, and for an
    e-mail also its key of before email-validator."""
    from vigil.lib import crypto

    keys = dict.fromkeys([address_key(normalized), legacy_email_key(normalized) if "@" in normalized else ""])
    return [index for key in keys if key for index in crypto.blind_index_candidates(key, purpose=purpose)]


def normalize_contact(raw: str, region: str = "US") -> tuple[str, str]:
    """Return (kind, normalized) for a phone number or an e-mail address."""
    if "@" in raw:
        return "email", normalize_email(raw)
    return "phone", normalize_phone(raw, region)


def normalize_contact_value(raw: str, region: str = "US") -> str:
    """The form blind indexes key on (`address_key` of the normalized form)."""
    return address_key(normalize_contact(raw, region)[1])

"""Normalizers for values that are looked up through a blind index."""

from __future__ import annotations

import phonenumbers


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
    value = raw.strip()
    local, sep, domain = value.rpartition("@")
    if not sep or not local or "." not in domain or any(c.isspace() for c in value) or len(value) > 254:
        raise InvalidAddress("not an e-mail address")
    return value.casefold()


def normalize_contact(raw: str, region: str = "US") -> tuple[str, str]:
    """Return (kind, normalized) for a phone number or an e-mail address."""
    if "@" in raw:
        return "email", normalize_email(raw)
    return "phone", normalize_phone(raw, region)


def normalize_contact_value(raw: str, region: str = "US") -> str:
    """The normalized form alone, for blind indexes."""
    return normalize_contact(raw, region)[1]

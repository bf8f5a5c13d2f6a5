"""A-numbers (alien registration numbers) as people write them, and the numbers mistaken for them.

People write an A-number with or without the "A", with dashes, dots or spaces ("A 123-456-789",
"a#12345678"). It is stored as nine digits; an eight-digit number gets a leading zero. Two other numbers
from immigration paperwork are often typed in its place, and each is refused with a message saying what it
is: a USCIS receipt number (three letters and ten digits, like "IOE0123456789") and a USCIS online account
number (twelve digits).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-‐‑–—.#/:_]+")
_RECEIPT = re.compile(r"^[A-Z]{3}\d{10}$")


class ANumberError(ValueError):
    """Why a value is not an A-number; `message` is shown to the person who typed it."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


def normalize_a_number(raw: str) -> str:
    """Nine digits, or ANumberError. Steps: drop separators and case; refuse a receipt number (three
    letters then ten digits); drop a leading "A" (or "A-"); refuse twelve digits (an online account
    number); accept eight or nine digits, padding eight with a zero."""
    text = _SEPARATORS.sub("", (raw or "").strip()).upper()
    if not text:
        raise ANumberError("empty", _("Enter the A-number, or leave the field empty if it is not known."))
    if _RECEIPT.match(text):
        raise ANumberError(
            "receipt_number",
            _(
                "This looks like a USCIS receipt number (three letters and ten digits), not an A-number. "
                "The A-number has eight or nine digits and often starts with an A."
            ),
        )
    digits = text[1:] if text.startswith("A") else text
    if not digits.isdigit():
        raise ANumberError("not_digits", _("An A-number has only digits after the letter A."))
    if len(digits) == 12:
        raise ANumberError(
            "online_account_number",
            _(
                "This looks like a USCIS online account number (twelve digits), not an A-number. "
                "The A-number has eight or nine digits."
            ),
        )
    if len(digits) not in (8, 9):
        raise ANumberError("length", _("An A-number has eight or nine digits."))
    return digits.zfill(9)


def display_a_number(digits: str) -> str:
    """How staff read it back: A123-456-789."""
    return f"A{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 9 else digits

"""Digits as typed on any phone keyboard, kept as ASCII digits.

Arabic, Urdu, Persian and Bengali keyboards type their own digits (Arabic-Indic ٠-٩, Extended Arabic-Indic
۰-۹, Bengali ০-৯); a field that takes a number, a phone number, a time or a code reads them as 0-9. Every
Unicode decimal digit (category Nd) is mapped, so other scripts' keyboards work too. Free text (what a
reporter wrote) is never passed through this: it keeps the writer's digits."""

import unicodedata


def ascii_digits(text):
    """`text` with every decimal digit of any script as its ASCII digit; anything else unchanged."""
    if not isinstance(text, str) or text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)

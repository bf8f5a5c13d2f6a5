"""Left-to-right values (codes, secrets, phone numbers, web addresses) inside text that may be right-to-left.

Unisolated, "212-555-0100" after Arabic letters displays as "0100-555-212" (the digits take the Arabic
letters' direction and the hyphens between them follow the paragraph), and a secret's leading hyphen shows at
its end. Pages wrap such values in `<bdi dir="ltr">` (the `ltr` template filter in vigil/templatetags/bidi.py);
text messages wrap them in U+2066 LEFT-TO-RIGHT ISOLATE … U+2069 POP DIRECTIONAL ISOLATE, but only in
right-to-left languages: those characters are outside GSM-7, so in an English SMS they would switch the whole
message to UCS-2 (70 characters a segment instead of 160). Arabic and Urdu messages are UCS-2 anyway.
"""

from __future__ import annotations

LRI = "\u2066"
PDI = "\u2069"
# Invisible characters that change the display order of what follows: LRM, RLM, the embeddings and
# overrides (LRE, RLE, PDF, LRO, RLO), the isolates (LRI, RLI, FSI, PDI) and the Arabic letter mark. Pasted
# from a right-to-left page or message, they would make a correct secret fail to match.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
_REMOVE_CONTROLS = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    return text.translate(_REMOVE_CONTROLS)


def is_right_to_left(language: str) -> bool:
    """Whether a language code (ar, ur, ar-eg, ur_PK) names one of the deployment's right-to-left languages."""
    from django.conf import settings

    base = (language or "").replace("_", "-").split("-")[0].lower()
    return base in settings.LANGUAGES_BIDI


def isolate_ltr(text: str, language: str, *, link: bool = False) -> str:
    """The value isolated as left-to-right for a text message in `language`; unchanged in other languages.

    `link`: the value is a web address. Phones turn addresses into links up to the next space, taking any
    other character outside ASCII (PDI included) as part of the address, which would then be wrong: a space
    goes before the PDI.
    """
    if not text or not is_right_to_left(language):
        return text
    return f"{LRI}{text} {PDI}" if link else f"{LRI}{text}{PDI}"

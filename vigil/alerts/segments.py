"""How many SMS segments a text takes.

A text that fits the GSM 03.38 default alphabet (with its extension table, whose characters take two
septets) is sent as GSM-7: 160 septets in one segment, 153 per segment once split (the rest of each
segment carries the concatenation header). Anything else goes as UCS-2: 70 UTF-16 code units in one
segment, 67 per segment once split; characters outside the Basic Multilingual Plane take two units.
Written here because it is a small fixed table and no maintained library for it is installed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The GSM 03.38 default alphabet (basic character set), one septet each.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: an escape septet plus one more, so two septets each.
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    characters: int


def _gsm_septets(text: str) -> int | None:
    septets = 0
    for ch in text:
        if ch in GSM_BASIC:
            septets += 1
        elif ch in GSM_EXTENDED:
            septets += 2
        else:
            return None
    return septets


def count(text: str) -> SegmentCount:
    """Encoding, units and number of segments of `text` as one SMS."""
    septets = _gsm_septets(text)
    if septets is not None:
        segments = 1 if septets <= GSM_SINGLE else math.ceil(septets / GSM_MULTI)
        return SegmentCount("GSM-7", septets, segments, len(text))
    units = len(text.encode("utf-16-le")) // 2
    segments = 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_MULTI)
    return SegmentCount("UCS-2", units, segments, len(text))

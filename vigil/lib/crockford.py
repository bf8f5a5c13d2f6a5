"""Codes made for reading aloud and typing on a small keyboard: Crockford's base32.

Thirty-two symbols, five bits each: the digits and the capital letters without I, L, O (look like 1 and 0)
and U (avoids accidental words). Reading back is forgiving: case does not matter, spaces and hyphens are
ignored, O is read as 0 and I or L as 1. (Crockford's optional check symbol is not used.)
"""

from __future__ import annotations

import base64
import math
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BITS_PER_SYMBOL = 5
_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET)


def random_code(length: int) -> str:
    """`length` symbols from the operating system's random source (5 bits each).

    One read of random bytes, spelled in base32 (RFC 4648's letters mapped one to one onto ours): every
    symbol is five random bits, and it costs a twentieth of drawing the symbols one by one.
    """
    random_bytes = secrets.token_bytes(math.ceil(length * BITS_PER_SYMBOL / 8))
    return base64.b32encode(random_bytes).decode("ascii")[:length].translate(_FROM_RFC4648)


def group(code: str, size: int = 4, separator: str = "-") -> str:
    """ABCD-EFGH-… : groups of `size` for reading aloud."""
    return separator.join(code[i : i + size] for i in range(0, len(code), size))


def parse(text: str, length: int) -> str | None:
    """The `length` symbols typed in `text`, or None when it is not such a code.

    Steps:
    1. NFKC, so that full-width letters and digits (a Chinese or Japanese keyboard) read as ASCII.
    2. Spaces of every kind and dashes of every kind removed; capitals; O→0, I→1, L→1.
    3. None unless exactly `length` symbols of the alphabet remain (a U, a letter of another script or a
       punctuation mark is not guessed at).
    """
    folded = unicodedata.normalize("NFKC", text or "")
    kept = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Pd" and ch != "\u2212")
    symbols = kept.upper().translate(_CONFUSIONS)
    if len(symbols) != length or any(ch not in ALPHABET for ch in symbols):
        return None
    return symbols

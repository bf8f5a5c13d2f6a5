"""What a reporter keeps to come back to a report: a receipt code (the report's name) and a secret (the
proof that they sent it).

Secrets issued from this version on are 16 Crockford base32 symbols (80 bits) in four groups of four,
stored as shown ("7K3M-Q9XD-2HBT-F0RW", encrypted like the rest of the report) and read back forgivingly
(vigil.lib.crockford.parse). Secrets issued before were `secrets.token_urlsafe(12)`: 16 characters of
upper and lower case letters, digits, "-" and "_", never 19 characters long, so the stored form alone tells
which kind a report has. The old ones keep matching exactly as they did (only surrounding spaces and
invisible direction marks are ignored): case matters for them, and O is not 0.
"""

from __future__ import annotations

import hmac
import unicodedata

from vigil.lib import crockford
from vigil.lib.bidi import strip_bidi_controls

SECRET_SYMBOLS = 16  # 80 bits
SECRET_LENGTH = len(crockford.group("x" * SECRET_SYMBOLS))


def new_secret() -> str:
    return crockford.group(crockford.random_code(SECRET_SYMBOLS))


def is_readable_secret(stored: str) -> bool:
    """Whether a stored secret is of the grouped Crockford kind (issued from this version on)."""
    if len(stored) != SECRET_LENGTH:
        return False
    symbols = crockford.parse(stored, SECRET_SYMBOLS)
    return symbols is not None and crockford.group(symbols) == stored


def secret_matches(stored: str, given: str) -> bool:
    """Whether what the reporter typed is the report's secret, compared as bytes in constant time.

    Bytes, not str: `hmac.compare_digest` refuses str with characters outside ASCII (a TypeError, that is a
    500), and anyone can type anything into the status form.
    """
    given = strip_bidi_controls(given or "")
    if is_readable_secret(stored):
        symbols = crockford.parse(given, SECRET_SYMBOLS)
        candidate = crockford.group(symbols) if symbols else ""
    else:
        candidate = given.strip()
    # surrogatepass: a lone surrogate (never from a form, which decodes with replacement) still compares.
    return hmac.compare_digest(stored.encode(), candidate.encode("utf-8", "surrogatepass"))


def spend_comparison(given: str) -> None:
    """The same work as a comparison, for a code that matches no report (no timing difference to learn from)."""
    hmac.compare_digest(b"x" * SECRET_LENGTH, strip_bidi_controls(given or "")[:64].encode("utf-8", "surrogatepass"))


def normalize_code(given: str) -> str:
    """A receipt code as stored (ABCD-EFGH) from what was typed: any case, spaces or dashes, direction marks."""
    folded = unicodedata.normalize("NFKC", strip_bidi_controls(given or ""))
    kept = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Pd").upper()
    if len(kept) != 8 or not (kept.isascii() and kept.isalnum()):
        # Never a code: looked up as nothing (a NUL byte, say, would make PostgreSQL refuse the query).
        return ""
    return f"{kept[:4]}-{kept[4:]}"

"""Languages of families, providers and interpreters: BCP 47 tags matched by the spoken language.

Rules (docs/cases.md, "Matching"):
- a tag is read case-insensitively, `_` as `-`; script and region subtags say how a language is written or
  where, not which language is spoken, so `es-MX` matches `es` and `zh-Hant` says no more than `zh`;
- ISO 639-3 codes stand where no two-letter code exists (`mam`, `quc`, `cdo`);
- a macrolanguage whose members people cannot understand across (Chinese) does not say which language is
  spoken: a request for `zh` asks which, and matches nothing until it is answered;
- an individual language matches only itself, never a sibling in its macrolanguage (`yue` is not `cmn`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")

# Spoken macrolanguages whose members are not mutually intelligible: the tag alone asks which.
# Values: the individual languages to ask about, most asked for first in NYC.
ASK_WHICH: dict[str, tuple[str, ...]] = {
    "zh": ("cmn", "yue", "cdo", "nan", "hak", "wuu"),
}

# Grandfathered and extlang forms of the Chinese languages (RFC 5646) and their individual-language codes.
LEGACY: dict[str, str] = {
    "zh-cmn": "cmn",
    "zh-yue": "yue",
    "zh-min-nan": "nan",
    "zh-nan": "nan",
    "zh-hak": "hak",
    "zh-wuu": "wuu",
    "zh-cdo": "cdo",
    "zh-guoyu": "cmn",
    "zh-xiang": "hsn",
}

# English names CLDR lacks (Babel returns none for these codes).
NAMES_CLDR_LACKS: dict[str, str] = {
    "cmn": "Mandarin Chinese",
    "cdo": "Min Dong Chinese (Fuzhounese)",
    "mam": "Mam",
}


class LanguageTagError(ValueError):
    pass


def normalize(tag: str) -> str:
    """The tag in lower case with hyphens; LanguageTagError when it is not a language tag."""
    if not isinstance(tag, str):
        raise LanguageTagError("a language tag must be a string")
    text = tag.strip().replace("_", "-").lower()
    if not TAG.match(text):
        raise LanguageTagError(f"{tag!r} is not a BCP 47 language tag (e.g. 'es', 'cmn', 'zh-hant')")
    return text


@lru_cache(maxsize=4096)
def spoken(tag: str) -> str:
    """The spoken language a normalized tag names: its legacy form resolved, then its primary subtag."""
    for legacy, individual in LEGACY.items():
        if tag == legacy or tag.startswith(legacy + "-"):
            return individual
    return tag.split("-", 1)[0]


def asks_which(tag: str) -> tuple[str, ...]:
    """The individual languages to ask about when the tag does not say which one is spoken, else ()."""
    return ASK_WHICH.get(spoken(tag), ())


@lru_cache(maxsize=4096)
def matchable(tag: str | None) -> str | None:
    """The key two tags must share to match, or None for a tag that matches nothing (none given, or `zh`)."""
    if tag is None or asks_which(tag):
        return None
    return spoken(tag)


@lru_cache(maxsize=1024)
def english_name(tag: str) -> str:
    code = spoken(tag)
    return Locale("en").languages.get(code) or NAMES_CLDR_LACKS.get(code) or code


@lru_cache(maxsize=4096)
def matchable_set(tags: frozenset[str]) -> frozenset[str]:
    """The keys of a provider's languages, each once (a macrolanguage's tag gives none)."""
    return frozenset(key for key in map(matchable, tags) if key is not None)

"""A language's name for the reader: CLDR's name in the reader's language (through Babel) when it has one,
else the English name with the language's own name for itself (its autonym) when CLDR has that.

CLDR 47 (Babel 2.19) has no name for Mam (`mam`), Mandarin (`cmn`) or Fuzhounese (`cdo`) in any of the
deployment's languages and no locale for them, so no autonym either: those show their English name from
`languages.NAMES_CLDR_LACKS`. K'iche' (`quc`) has names in most of them and an autonym ("kʼicheʼ").
Haitian Creole's CLDR locale names no other language, so a Haitian Creole reader sees "Spanish (español)".
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

from vigil.cases.matching import languages


def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@lru_cache(maxsize=1024)
def autonym(code: str) -> str:
    """The language's name in itself, from CLDR's locale for exactly that language, or ''.

    Not Locale.parse(code): that fills in likely subtags, so `cmn` would come back as Chinese written in
    simplified characters in China, which is not a name of Mandarin."""
    try:
        own = Locale(code)
    except (UnknownLocaleError, ValueError):
        return ""
    return own.languages.get(code) or ""


@lru_cache(maxsize=4096)
def display_name(tag: str, reader_language: str) -> str:
    """The name of the spoken language `tag` names, for a reader of `reader_language` (a Django language
    code such as `zh-hans`)."""
    try:
        code = languages.spoken(languages.normalize(tag))
    except languages.LanguageTagError:
        return tag
    reader = _locale(reader_language)
    if reader is not None:
        name = reader.languages.get(code)
        if name:
            return name
    english = languages.english_name(code)
    own = autonym(code)
    if own and own.casefold() != english.casefold():
        return f"{english} ({own})"
    return english

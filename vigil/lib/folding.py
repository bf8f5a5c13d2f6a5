"""Text folding: one module for every place where two spellings of one thing must compare equal.

The folds share their steps (compatibility forms, case, digits of every script, accents, Arabic-script
letter variants, one simplified/traditional Chinese table) and differ by purpose, one function each:

- `fold_for_grouping`: a report text as grouping compares it (Latin letters for Cyrillic, simplified
  Chinese, no apostrophes);
- `fold_street`: a place mention as the gazetteer compares it (scripts kept, punctuation made ASCII);
- `fold_keyword`: an SMS as compared with keywords (STOP, HELP, JOIN, YES, in every language), robust
  to full-width letters, case, accents, zero-width and direction marks, spaced-out letters and
  look-alike letters of another script;
- `strip_latin_accents`: Latin text as a phone without accents would type it (language detection);
- `han_variants`: the characters only simplified, and only traditional, Chinese uses.

Transliteration of Cyrillic is anyascii's (a maintained table for every script), not ours. The Han
table is ``vigil/lib/data/han_variants.txt``. No Django imports: workers and scripts use this too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from anyascii import anyascii

HAN_VARIANTS_PATH = Path(__file__).with_name("data") / "han_variants.txt"

# ---------------------------------------------------------------------------------------------------
# Shared steps
# ---------------------------------------------------------------------------------------------------

# Arabic-script letters that writers (and keyboards) use interchangeably: Urdu and Arabic spell one
# loanword with different yeh, kaf and heh, and Urdu's retroflex letters stand where Arabic writes the
# plain ones. The tatweel only stretches a word.
_ARABIC_VARIANTS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ة": "ه",
    "ۃ": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ۀ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ے": "ي",
    "ئ": "ي",
    "ک": "ك",
    "گ": "ك",
    "ؤ": "و",
    "ٹ": "ت",
    "ڈ": "د",
    "ڑ": "ر",
    "چ": "ج",
    "پ": "ب",
    "ـ": None,
}
# Latin letters that do not decompose under NFD, so that dropping accents leaves them alone.
_LATIN_UNDECOMPOSABLE = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}

# A decimal digit that is not ASCII (a negated class: much faster than a look-ahead).
_NON_ASCII_DIGIT = re.compile(r"[^\D0-9]")


def ascii_digits(text: str) -> str:
    """Every decimal digit of every script (Bengali, Arabic-Indic, Urdu, Devanagari, ...) as ASCII:
    reporters write street numbers in their own digits."""
    if not _NON_ASCII_DIGIT.search(text):
        return text
    return _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def _accent_table() -> dict[int, None]:
    """Combining marks that are accents: the general diacritics (on Latin, Greek and Cyrillic letters),
    Cyrillic's own, and Arabic vowel signs. Marks of Indic scripts lie elsewhere and are kept."""
    ranges = (
        (0x0300, 0x036F),
        (0x0483, 0x0489),
        (0x1AB0, 0x1AFF),
        (0x1DC0, 0x1DFF),
        (0x20D0, 0x20FF),
        (0xFE20, 0xFE2F),
        (0x064B, 0x065F),
        (0x0670, 0x0670),
        (0x06D6, 0x06ED),
    )
    return {
        code: None
        for start, end in ranges
        for code in range(start, end + 1)
        if unicodedata.category(chr(code)) in ("Mn", "Me")
    }


_ACCENTS = _accent_table()


def _class_of(codes: list[int]) -> re.Pattern[str]:
    """A search for any of the code points, as a character class of their runs."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return re.compile(
        "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs) + "]"
    )


# The same marks as a pattern: deleting its matches is several times faster than translating every
# character of the text through the table.
_ACCENT_MARKS = _class_of(list(_ACCENTS))
# Characters whose NFD form may carry one of those marks: only texts containing one pay for NFD.
_HAS_DECOMPOSABLE = re.compile(
    r"[\u00c0-\u024f\u1e00-\u1fff\u0370-\u04ff\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    r"\u0300-\u036f\u20d0-\u20ff]"
)


def drop_accents(text: str) -> str:
    """Remove accents (of Latin, Greek and Cyrillic letters) and Arabic vowel signs.

    Marks of Indic scripts are kept: there they are vowels, not accents, and removing them would merge
    unrelated Bengali words. Steps: decompose (NFD), delete the marks, recompose (NFC, so Hangul
    syllables come back whole).
    """
    if not _HAS_DECOMPOSABLE.search(text):
        return text
    return unicodedata.normalize("NFC", _ACCENT_MARKS.sub("", unicodedata.normalize("NFD", text)))


def drop_latin_accents(text: str) -> str:
    """Remove accents from Latin letters and Arabic vowel signs only, keeping every other mark.

    For folds that match words of other scripts against patterns written with their marks (the Russian
    "-й" of "74-й", Bengali vowel signs). Steps: decompose (NFKD), drop a combining mark that sits on a
    Latin letter or is an Arabic vowel sign, recompose (NFC).
    """
    if not _HAS_DECOMPOSABLE.search(text):
        return text
    out: list[str] = []
    base = ""
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch):
            if _is_latin(base) or ("\u064b" <= ch <= "\u065f" or ch == "\u0670"):
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _casefold_digits(text: str) -> str:
    """The steps every non-ASCII fold starts with: NFKC (full-width letters and digits, ligatures),
    casefold, and digits of every script to ASCII."""
    return ascii_digits(unicodedata.normalize("NFKC", text).casefold())


# ---------------------------------------------------------------------------------------------------
# Chinese: one simplified/traditional table
# ---------------------------------------------------------------------------------------------------


@functools.cache
def _han_table() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """Read the Han variants file once: (traditional -> simplified for folding, characters only
    simplified Chinese uses, characters only traditional Chinese uses)."""
    to_simplified: dict[str, str] = {}
    simplified: set[str] = set()
    traditional: set[str] = set()
    for line in HAN_VARIANTS_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for token in line.split():
            fold_only = token.startswith("~")
            pair = token.removeprefix("~")
            if len(pair) != 2 or pair[0] == pair[1]:
                continue
            to_simplified[pair[1]] = pair[0]
            if not fold_only:
                simplified.add(pair[0])
                traditional.add(pair[1])
    both = simplified & traditional
    return to_simplified, frozenset(simplified - both), frozenset(traditional - both)


def han_variants() -> tuple[frozenset[str], frozenset[str]]:
    """The characters only simplified Chinese uses, and those only traditional Chinese uses: evidence
    for telling the two writing systems apart."""
    _, simplified, traditional = _han_table()
    return simplified, traditional


def to_simplified(text: str) -> str:
    """Traditional Chinese characters of the table replaced by their simplified forms."""
    table = _han_table()[0]
    return "".join(table.get(ch, ch) for ch in text)


# ---------------------------------------------------------------------------------------------------
# Grouping
# ---------------------------------------------------------------------------------------------------

_APOSTROPHES = "'’`ʼ"


@functools.cache
def _grouping_table() -> tuple[dict[int, str | None], re.Pattern[str]]:
    """The character table applied after the shared steps, and a search for any of its characters."""
    table: dict[int, str | None] = {}
    # anyascii romanizes letter by letter, so its Cyrillic fits in the table (the apostrophes it writes
    # for the hard and soft signs are dropped like any other).
    for code in range(0x0400, 0x0530):
        latin = anyascii(chr(code)).lower().replace("'", "")
        if latin != chr(code):
            table[code] = latin or None
    for mapping in (_ARABIC_VARIANTS, _LATIN_UNDECOMPOSABLE, _han_table()[0]):
        for src, dst in mapping.items():
            table[ord(src)] = dst
    for apostrophe in _APOSTROPHES:
        table[ord(apostrophe)] = None
    needs = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(table)) + "]")
    return table, needs


def fold_for_grouping(text: str) -> str:
    """Fold a report text so that spelling variants of one place or detail compare equal in grouping.

    Steps:
    1. The shared steps: NFKC and casefold, digits of every script to ASCII, accents and Arabic vowel
       signs dropped.
    2. The character table: Cyrillic romanized (anyascii's letters, so a street name a Russian speaker
       wrote in Cyrillic shares trigrams with its Latin spelling), Arabic-script letter variants, Latin
       letters without a decomposition, traditional Chinese to simplified (so zh-hant and zh-hans
       reports share bigrams), apostrophes removed (St. Ann's / St Anns); other punctuation is left
       for the tokenizer to ignore.
    """
    if text.isascii():
        # Nothing to compose, fold or transliterate (most English and Haitian Creole reports).
        return text.lower().replace("'", "").replace("`", "")
    folded = drop_accents(_casefold_digits(text))
    table, needs = _grouping_table()
    return folded.translate(table) if needs.search(folded) else folded


# ---------------------------------------------------------------------------------------------------
# Streets and places
# ---------------------------------------------------------------------------------------------------

_STREET_PUNCTUATION = {
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "、": ",",
    "，": ",",
    "。": ".",
    "；": ";",
    "：": ":",
    "！": "!",
    "？": "?",
    "（": "(",
    "）": ")",
    "·": " ",
}
_STREET_TABLE = str.maketrans({**_ARABIC_VARIANTS, **_LATIN_UNDECOMPOSABLE, **_STREET_PUNCTUATION, "ё": "е"})


def fold_street(text: str) -> str:
    """Fold a place mention for the gazetteer, without changing its script: street names in Cyrillic,
    Bengali or Chinese are matched against aliases written in the same script.

    Steps: NFKC and casefold, digits of every script to ASCII, accents of Latin letters and Arabic
    vowel signs dropped (Cyrillic й and Bengali vowel signs kept: the street patterns spell them),
    then Arabic-script letter variants, Cyrillic ё as е, Latin letters without a decomposition, and
    typographic punctuation made ASCII.
    """
    if text.isascii():
        return text.lower().translate(_STREET_TABLE)
    return drop_latin_accents(_casefold_digits(text)).translate(_STREET_TABLE)


# ---------------------------------------------------------------------------------------------------
# Keywords (STOP, HELP, JOIN, YES)
# ---------------------------------------------------------------------------------------------------

# Letters of Cyrillic and Greek that look like Latin ones (as capitals, folded): a word that mixes them
# with Latin letters is a disguised Latin word, never a real one.
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "і": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "һ": "h",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "h",
        "ι": "i",
        "κ": "k",
        "μ": "m",
        "ν": "n",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "y",
        "χ": "x",
        "ζ": "z",
    }
)
_LATIN_LETTER = re.compile(r"[a-z]")
_LOOKALIKE_LETTER = re.compile(r"[\u0370-\u04ff]")
_SEPARATORS = re.compile(r"[\s.\-_·*•,]+")


def _is_edge_noise(ch: str) -> bool:
    """Punctuation, symbols (emoji), spaces, controls and emoji variation selectors at a message's edges."""
    return unicodedata.category(ch)[0] in "PSZC" or ch in "\ufe0e\ufe0f"


def fold_keyword(text: str) -> str:
    """A message as compared with keywords, so that a keyword matches in every form a phone may send.

    Steps:
    1. NFKC (full-width and other compatibility letters) and casefold.
    2. Invisible characters removed: zero-width spaces and joiners, direction marks and isolates,
       soft hyphens, byte-order marks (every format character).
    3. Digits of every script to ASCII; accents of Latin, Greek and Cyrillic letters dropped.
    4. In a word that mixes Latin letters with Cyrillic or Greek look-alikes ("SТOP" with a Cyrillic
       Т), the look-alikes read as the Latin letters they imitate.
    5. Punctuation, symbols and emoji at the edges removed; runs of spaces made one.
    6. A message of single letters set apart ("S T O P", "s.t.o.p") read as the word they spell.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").casefold()
    folded = drop_accents(ascii_digits(folded))
    if _LOOKALIKE_LETTER.search(folded):
        folded = " ".join(
            word.translate(_LOOKALIKES) if _LATIN_LETTER.search(word) and _LOOKALIKE_LETTER.search(word) else word
            for word in folded.split()
        )
    start, end = 0, len(folded)
    while start < end and _is_edge_noise(folded[start]):
        start += 1
    while end > start and _is_edge_noise(folded[end - 1]):
        end -= 1
    folded = " ".join(folded[start:end].split())
    pieces = [piece for piece in _SEPARATORS.split(folded) if piece]
    if len(pieces) > 1 and all(len(piece) == 1 for piece in pieces):
        return "".join(pieces)
    return folded


# ---------------------------------------------------------------------------------------------------
# Language detection
# ---------------------------------------------------------------------------------------------------

_LATIN_UNDECOMPOSABLE_CASED = str.maketrans(
    {**_LATIN_UNDECOMPOSABLE, **{k.upper(): v.capitalize() for k, v in _LATIN_UNDECOMPOSABLE.items() if k != "ı"}}
)


def strip_latin_accents(text: str) -> str:
    """Latin text as typed on a phone without accents: "créole" -> "creole", "łódź" -> "lodz".

    Case is kept (language detection reads capitals as names). Only Latin letters lose their marks:
    Bengali vowel signs, Arabic vowel signs or Korean syllables are left alone.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text).translate(_LATIN_UNDECOMPOSABLE_CASED):
        if ch.isascii() or not _is_latin(ch):
            out.append(ch)
        elif ch == "ß":
            out.append("ss")
        else:
            out.extend(part for part in unicodedata.normalize("NFD", ch) if not unicodedata.combining(part))
    return "".join(out)

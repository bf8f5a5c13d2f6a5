"""Street names as people write them, reduced to one comparable form.

Pure functions, no Django; the word tables are read once, at import, from ``data/street_words.toml``.
The gazetteer (``places.py``) and its importer both call these, so a street spelled "E  149 ST" in the
city's centreline, "East 149th Street" in OpenStreetMap and "la 149" in a report all reduce to the same
:class:`Street` key.

A street is (direction, core, kind): "E 149 ST" is ("E", "149", "ST"), "Roosevelt Avenue" is
(None, "ROOSEVELT", "AVE"), "Avenue C" is (None, "C", "AVE"), "Broadway" is (None, "BROADWAY", None).

The word tables are language data, not NYC data: the ways English, Spanish, Chinese, Russian, Bengali,
Haitian Creole, Korean, Arabic, Urdu, French and Polish write "street", "avenue", "and", "74th". Names
of particular streets in other scripts belong in the jurisdiction's alias files.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

# Lower-case, compatibility-normalise and de-accent text without changing its script.
from vigil.lib.folding import fold_street as fold

# ---------------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------------


WORDS_PATH = Path(__file__).with_name("data") / "street_words.toml"


def spellings(*lines: str) -> tuple[str, ...]:
    """Words from space-separated lines (one line per language or group), folded."""
    return tuple(fold(word) for line in lines for word in line.split())


def _read_words() -> dict:
    """The word tables of ``data/street_words.toml`` (read once, at import)."""
    with WORDS_PATH.open("rb") as handle:
        return tomllib.load(handle)


_WORDS = _read_words()

# Street kinds, keyed by every folded spelling. The value is the CSCL abbreviation, which is the
# canonical form.
_KIND_WORDS: dict[str, tuple[str, ...]] = {kind: spellings(*lines) for kind, lines in _WORDS["kinds"].items()}
KIND_OF: dict[str, str] = {word: kind for kind, spellings in _KIND_WORDS.items() for word in spellings}

# A kind word written before the name ("Avenida Roosevelt", "rue Main", "ulica 74", "Avenue C").
PREFIX_KIND_WORDS = frozenset(spellings(*_WORDS["prefix_kinds"]["words"]))

# Kinds people confuse: a query for one still matches the other, less well.
KIND_AFFINITY: dict[frozenset[str], float] = {
    frozenset(("AVE", "BLVD")): 0.75,
    frozenset(("ST", "PL")): 0.6,
    frozenset(("AVE", "RD")): 0.5,
    frozenset(("AVE", "DR")): 0.5,
    frozenset(("RD", "DR")): 0.5,
    frozenset(("PKWY", "EXPY")): 0.6,
    frozenset(("PKWY", "BLVD")): 0.6,
    frozenset(("EXPY", "HWY")): 0.7,
    frozenset(("SQ", "PLZ")): 0.8,
}

_DIRECTION_WORDS: dict[str, tuple[str, ...]] = {
    direction: spellings(*lines) for direction, lines in _WORDS["directions"].items()
}
DIRECTION_OF: dict[str, str] = {w: d for d, spellings in _DIRECTION_WORDS.items() for w in spellings}

# Words that join the two streets of a corner ("and", "y", "和", "এবং", ...).
CONNECTORS = frozenset(spellings(*_WORDS["connectors"]["words"]))

# Words that may sit at either edge of a street mention and carry nothing (articles, "corner of").
EDGE_WORDS = frozenset(spellings(*_WORDS["edge"]["words"]))

# Abbreviations inside a name (never the last word, which is the kind). ST first is Saint.
_NAME_ABBREVIATIONS: dict[str, str] = _WORDS["abbreviations"]

_LONG_DIRECTION = dict(
    zip(
        "north south east west northeast northwest southeast southwest".split(),
        "n s e w ne nw se sw".split(),
        strict=True,
    )
)

# ---------------------------------------------------------------------------------------------------
# Numbers written as words
# ---------------------------------------------------------------------------------------------------


def _table(section: str) -> dict[str, int]:
    """A number-word table of the data file: every folded spelling -> its value."""
    out: dict[str, int] = {}
    for value, words in _WORDS["numbers"][section].items():
        for word in words.split():
            out[fold(word)] = int(value)
    return out


# Values below 10 and the teens, in English and Spanish (cardinals and ordinals), which combine with
# tens ("seventy-fourth", "setenta y cuatro").
_UNITS = _table("units")
_TEENS = _table("teens")
_TENS = _table("tens")
_HUNDREDS = _table("hundreds")
_NUMBER_AND = frozenset(("and", "y"))

# Ordinals 1-12 in the languages whose ordinals do not compose like English or Spanish.
_ORDINAL_WORDS = _table("ordinals")


_NUMBER_STARTS = frozenset((*_UNITS, *_TEENS, *_TENS, *_HUNDREDS, "a"))


def _read_number(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Read an English or Spanish number written in words starting at tokens[i].

    Returns (value, tokens consumed) or None. Handles "seventy fourth", "one hundred forty ninth",
    "a hundred and tenth", "setenta y cuatro", "ciento cuarenta y nueve".
    """
    n = len(tokens)
    j = i
    total = 0
    # Hundreds: "one hundred", "a hundred", "hundred", "ciento", "cien".
    if j < n and tokens[j] in ("a", "one", "un", "uno") and j + 1 < n and tokens[j + 1] in _HUNDREDS:
        total, j = 100, j + 2
    elif j < n and tokens[j] in _HUNDREDS:
        total, j = 100, j + 1
    elif j < n and tokens[j] in _UNITS and j + 1 < n and tokens[j + 1] in _HUNDREDS and tokens[j] not in ("un", "una"):
        total, j = _UNITS[tokens[j]] * 100, j + 2
    if (
        total
        and j < n
        and tokens[j] in _NUMBER_AND
        and j + 1 < n
        and (tokens[j + 1] in _TENS or tokens[j + 1] in _TEENS or tokens[j + 1] in _UNITS)
    ):
        j += 1
    rest = 0
    if j < n and tokens[j] in _TENS:
        rest = _TENS[tokens[j]]
        j += 1
        if j < n and tokens[j] in _UNITS:
            rest += _UNITS[tokens[j]]
            j += 1
        elif j + 1 < n and tokens[j] in _NUMBER_AND and tokens[j + 1] in _UNITS:
            # "setenta y cuatro" joins with y; "seventy and four" is not English, but harmless.
            rest += _UNITS[tokens[j + 1]]
            j += 2
    elif j < n and tokens[j] in _TEENS:
        rest = _TEENS[tokens[j]]
        j += 1
    elif j < n and tokens[j] in _UNITS:
        rest = _UNITS[tokens[j]]
        j += 1
    value = total + rest
    if j == i or value == 0:
        return None
    return value, j - i


# ---------------------------------------------------------------------------------------------------
# Script-specific rewrites applied to folded text before it is split into words
# ---------------------------------------------------------------------------------------------------

_HAN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _han_number(text: str) -> int | None:
    """七十四 -> 74, 一百四十九 -> 149, 十 -> 10, 一四九 -> 149."""
    if not text:
        return None
    if all(ch in _HAN_DIGITS for ch in text):
        return int("".join(str(_HAN_DIGITS[ch]) for ch in text))
    total = 0
    current = 0
    for ch in text:
        if ch in _HAN_DIGITS:
            current = _HAN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


_HAN_NUM = "[零〇一二两兩三四五六七八九十百]+"
_HAN_DIRECTION = {"东": "e", "東": "e", "西": "w", "北": "n", "南": "s"}

_REWRITES: list[tuple[re.Pattern[str], object]] = [
    # Chinese: 第七十四街 / 七十四街 / 74街 -> "74 st"; 第三大道 -> "3 ave"; 东149街 -> "e 149 st".
    (re.compile(rf"第?({_HAN_NUM})(?=\s*(?:街|大道|大街|路|号|號))"), lambda m: str(_han_number(m.group(1)))),
    (re.compile(r"第\s*(\d+)"), r" \1"),
    (
        re.compile(r"([东東西北南])\s*(\d+)(?=\s*(?:街|大道|大街|路))"),
        lambda m: f" {_HAN_DIRECTION[m.group(1)]} {m.group(2)}",
    ),
    (re.compile(r"(\d+)\s*(?:街)"), r" \1 st "),
    (re.compile(r"(\d+)\s*(?:大道|大街)"), r" \1 ave "),
    (re.compile(r"(\d+)\s*路"), r" \1 rd "),
    (re.compile(r"(\d+)\s*(?:号|號)?\s*(?:地铁站|地鐵站|车站|車站|站)"), r" \1 station "),
    # Korean: 74번가 -> "74 st", 3번 애비뉴 / 3애비뉴 -> "3 ave" (the kind word is matched later).
    (re.compile(r"(\d+)\s*번\s*가"), r" \1 st "),
    (re.compile(r"제\s*(\d+)"), r" \1"),
    (re.compile(r"(\d+)\s*번(?=\s|$|[^\d가-힣])"), r" \1 "),
    (re.compile(r"(\d+)\s*(?:번째|째)"), r" \1 "),
    (re.compile(r"(\d+)(?=[가-힣])"), r"\1 "),
    # Russian: 74-я улица, 74-й, 3-ю авеню -> the bare number.
    (re.compile(r"(\d+)\s*-?\s*(?:ая|ой|ую|ый|ий|я|й|ю|е|ей|го|му|ом)(?![а-яa-z])"), r"\1"),
    # Bengali ordinal suffixes: ৭৪তম, ৫ম, ২য়, ৪র্থ, ৬ষ্ঠ.
    (re.compile(r"(\d+)\s*(?:তম|তমো|ম|য়|য়|র্থ|ষ্ঠ|ই)(?![\u0980-\u09ff])"), r"\1"),
    # Urdu ordinal suffixes: 74ویں, 74 واں.
    (re.compile(r"(\d+)\s*(?:ويں|واں|وي|ويں)(?![\u0600-\u06ff])"), r"\1"),
    # Arabic "and" fused to a following number or street word: و74, وشارع.
    (re.compile(r"(?<![\w\u0600-\u06ff])و(?=\d|(?:ال)?(?:شارع|جاده))"), "و "),
]

# Latin ordinals fused to digits: 74th, 3rd, 3ra, 1ro, 74e, 74eme, 74yem, 3a.
_LATIN_ORDINAL = re.compile(
    r"(?<![\w])(\d+)(?:st|nd|rd|th|d|ra|ro|er|era|re|ere|a|o|ta|to|va|vo|na|no|ma|mo|e|eme|ieme|yem|iem|em)(?![\w])"
)
_HAS_DIGIT = re.compile(r"\d")
# A Queens or Brooklyn house number ("37-02") stays one word, marked with "#"; other hyphens separate.
_HOUSE_NUMBER = re.compile(r"(?<![\w])(\d+)-(\d+[a-z]?)(?![\w])")
# "St. Mark's" -> "st marks"; an elided French article ("l'avenue") stays a word of its own.
_POSSESSIVE = re.compile(r"'(?=s(?![\w]))")
# Marks that join things become words; marks that end things become breaks; dots and the like vanish.
_SEPARATORS = str.maketrans(
    {
        "-": " ",
        "_": " ",
        "&": " & ",
        "+": " + ",
        "/": " / ",
        "@": " @ ",
        "'": " ",
        **{ch: " | " for ch in ',;:!?()[]{}<>"\n\r\t|'},
        # The same breaks in other scripts: Arabic comma, semicolon and question mark, the Urdu full
        # stop, the Bengali danda, the ideographic comma and full stop.
        **{ch: " | " for ch in "\u060c\u061b\u061f\u06d4\u0964\u3001\u3002"},
        **{ch: "" for ch in ".*~^="},
    }
)

_HANGUL_PARTICLE = re.compile(r"^([가-힣]{2,}?)(와|과|하고|이랑|랑)$")
BOUNDARY = "|"


def words(text: str) -> list[str]:
    """Fold ``text`` and split it into words; "|" marks a break (comma, bracket, line end).

    1. :func:`fold` it.
    2. Apply the script rewrites: numbers written the Chinese, Korean, Russian, Bengali, Urdu and Latin
       ways become bare digits beside their kind word; separators become spaces or breaks.
    3. Split on spaces; read English/Spanish number words into digits ("seventy fourth" -> "74").
    4. Split a Korean "and" particle off its word ("애비뉴와" -> "애비뉴", "and").
    """
    text = fold(text)
    if not text.isascii():
        for pattern, repl in _REWRITES:
            text = pattern.sub(repl, text)
    # A "#" the writer typed ("PS #19") means nothing; the house-number mark is added after.
    text = text.replace("#", " ")
    if _HAS_DIGIT.search(text):
        text = _LATIN_ORDINAL.sub(r"\1", text)
        text = _HOUSE_NUMBER.sub(r"\1#\2", text)
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    text = text.translate(_SEPARATORS)
    raw = text.split()
    out: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        num = _read_number(raw, i) if tok in _NUMBER_STARTS else None
        if num is not None:
            out.append(str(num[0]))
            i += num[1]
            continue
        if tok in _ORDINAL_WORDS:
            out.append(str(_ORDINAL_WORDS[tok]))
            i += 1
            continue
        m = None if tok.isascii() else _HANGUL_PARTICLE.match(tok)
        if m:
            out.extend((m.group(1), "and"))
        else:
            out.append(tok)
        i += 1
    # Collapse runs of breaks.
    cleaned: list[str] = []
    for tok in out:
        if tok == BOUNDARY and (not cleaned or cleaned[-1] == BOUNDARY):
            continue
        cleaned.append(tok)
    while cleaned and cleaned[-1] == BOUNDARY:
        cleaned.pop()
    return cleaned


def is_connector(token: str) -> bool:
    return token in CONNECTORS


def is_house_number(token: str) -> bool:
    """ "123", "37#02" (a hyphenated Queens number, see :func:`words`), "12a"."""
    return bool(re.fullmatch(r"\d+(#\d+[a-z]?|[a-z])?", token)) and ("#" in token or len(token) <= 5)


# ---------------------------------------------------------------------------------------------------
# Streets
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Street:
    """A street reduced to comparable parts. ``core`` is upper-case words or a bare number."""

    core: str
    kind: str | None = None
    direction: str | None = None

    @property
    def key(self) -> str:
        """The canonical spelling, CSCL style: "E 149 ST", "AVE C", "ROOSEVELT AVE", "BROADWAY"."""
        if self.kind and len(self.core) == 1 and self.core.isalpha():
            body = f"{self.kind} {self.core}"
        else:
            body = f"{self.core} {self.kind}" if self.kind else self.core
        return f"{self.direction} {body}" if self.direction else body

    @property
    def numbered(self) -> bool:
        return self.core.isdigit()

    def display(self) -> str:
        """Human spelling: "E 149 St", "Roosevelt Ave", "Avenue C"."""
        kind = _DISPLAY_KIND.get(self.kind or "", (self.kind or "").title())
        core = " ".join(w if w.isdigit() else _title(w) for w in self.core.split())
        if self.kind and len(self.core) == 1 and self.core.isalpha():
            body = f"Avenue {core}" if self.kind == "AVE" else f"{kind} {core}"
        else:
            body = f"{core} {kind}" if self.kind else core
        return f"{self.direction} {body}" if self.direction else body


_DISPLAY_KIND = {
    "ST": "St",
    "AVE": "Ave",
    "BLVD": "Blvd",
    "RD": "Rd",
    "PL": "Pl",
    "DR": "Dr",
    "PKWY": "Pkwy",
    "EXPY": "Expy",
    "HWY": "Hwy",
    "LN": "Ln",
    "CT": "Ct",
    "TER": "Ter",
    "TPKE": "Tpke",
    "SQ": "Sq",
    "PLZ": "Plaza",
    "CONC": "Concourse",
}


def _title(word: str) -> str:
    word = word.lower()
    if word.startswith("mc") and len(word) > 2:
        return "Mc" + word[2:].title()
    return word.title()


def _core_words(tokens: list[str]) -> list[str]:
    """Expand abbreviations inside a name; glue "mc donald", "de kalb", "la salle" into one word."""
    out: list[str] = []
    for idx, tok in enumerate(tokens):
        if idx == 0 and tok in ("st", "ste") and len(tokens) > 1:
            out.append("saint" if tok == "st" else "sainte")
            continue
        if len(tokens) > 1:
            # Inside a longer name a kind or direction word is just a word, but it must be spelled one
            # way: "1 AVENUE LOOP" and "1 AVE LOOP", "MOSHOLU PARKWAY SOUTH" and "MOSHOLU PKWY S".
            if idx > 0 and tok in KIND_OF:
                tok = KIND_OF[tok].lower()
            elif idx > 0 and tok in _LONG_DIRECTION:
                tok = _LONG_DIRECTION[tok]
            else:
                tok = _NAME_ABBREVIATIONS.get(tok, tok)
        out.extend(tok.split())
    glued: list[str] = []
    for tok in out:
        if (
            glued
            and glued[-1] in _GLUE_PARTICLES
            and tok.isalpha()
            and len(tok) > 2
            and tok not in EDGE_WORDS
            and (len(glued) == 1 or glued[-1] in ("mc", "mac"))
        ):
            glued[-1] = glued[-1] + tok
        else:
            glued.append(tok)
    return glued


# "DE KALB AVE" (CSCL) and "DeKalb Avenue" (OSM) must meet; so must "MC DONALD" and "McDonald".
_GLUE_PARTICLES = frozenset(("mc", "mac", "o", "de", "la", "le", "du", "di", "da"))


def parse_street(text_or_tokens: str | list[str], edges: bool = True) -> Street | None:
    """Reduce one street name to a :class:`Street`, or None when nothing name-like is left.

    1. Fold and split (a string) or take the words as given (already from :func:`words`).
    2. With ``edges`` (text from a person), drop edge words ("la", "the", "corner of") and a leading
       house number; a name from a data file keeps them ("DE KALB AVE").
    3. A leading direction ("E", "East", "Este") is the direction when more words follow.
    4. A leading kind word ("Avenida Roosevelt", "rue Main", "Avenue C") is the kind; otherwise a
       trailing kind word is ("ST", "Street", "улица"), and a direction after it ("OCEAN AVE N") is the
       direction.
    5. What is left is the core; numbers are bare digits, abbreviations inside it expanded.
    """
    tokens = words(text_or_tokens) if isinstance(text_or_tokens, str) else list(text_or_tokens)
    tokens = [t for t in tokens if t != BOUNDARY]
    if edges:
        while len(tokens) > 1 and tokens[0] in EDGE_WORDS:
            tokens = tokens[1:]
        # "Avenue A" ends in a letter that is also an article; keep it after a kind word.
        while (
            len(tokens) > 1 and tokens[-1] in EDGE_WORDS and not (len(tokens) == 2 and tokens[0] in PREFIX_KIND_WORDS)
        ):
            tokens = tokens[:-1]
        if tokens and tokens[0] in EDGE_WORDS and len(tokens) == 1:
            return None
        if len(tokens) > 1 and is_house_number(tokens[0]) and ("#" in tokens[0] or not tokens[1].isdigit()):
            # "123 Main St": the number is a door, not the street. "74 St" keeps its number.
            if not (len(tokens) == 2 and tokens[1] in KIND_OF):
                tokens = tokens[1:]
    if not tokens:
        return None
    direction = None
    kind = None
    if len(tokens) > 1 and tokens[0] in DIRECTION_OF and tokens[1] not in KIND_OF:
        direction = DIRECTION_OF[tokens[0]]
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[0] in PREFIX_KIND_WORDS and tokens[1] not in KIND_OF:
        kind = KIND_OF[tokens[0]]
        tokens = tokens[1:]
        # "Calle 74 Este", "avenida 3 norte": a direction written after the name.
        if len(tokens) > 1 and tokens[-1] in DIRECTION_OF and direction is None:
            direction = DIRECTION_OF[tokens[-1]]
            tokens = tokens[:-1]
    else:
        if len(tokens) > 2 and tokens[-1] in DIRECTION_OF and tokens[-2] in KIND_OF and direction is None:
            direction = DIRECTION_OF[tokens[-1]]
            tokens = tokens[:-1]
        if len(tokens) > 1 and tokens[-1] in KIND_OF:
            kind = KIND_OF[tokens[-1]]
            tokens = tokens[:-1]
        elif len(tokens) > 1 and tokens[-1] in DIRECTION_OF and direction is None and not tokens[-2].isdigit():
            # "CENTRAL PARK W": a direction after a name without a kind.
            direction = DIRECTION_OF[tokens[-1]]
            tokens = tokens[:-1]
    if not tokens or any(not t.isalnum() and t not in ("#",) and "#" not in t for t in tokens):
        return None
    if len(tokens) == 1 and tokens[0] in KIND_OF and kind is None:
        return None
    core_words = [str(int(t)) if t.isdigit() else t for t in _core_words(tokens)]
    if not core_words:
        return None
    return Street(core=" ".join(core_words).upper(), kind=kind, direction=direction)


def normalize_street(name: str) -> str | None:
    """The canonical key of a street name ("East 149th Street" -> "E 149 ST"), or None."""
    street = parse_street(name)
    return street.key if street else None


def street_from_key(key: str) -> Street:
    """Inverse of :attr:`Street.key` for keys this module wrote (used when loading committed data)."""
    street = parse_street(key.lower(), edges=False)
    if street is None:
        raise ValueError(f"not a street key: {key!r}")
    return street


def kind_score(query: str | None, candidate: str | None) -> float:
    """How well a written kind fits a real street's kind (1.0 same, lower for near-misses)."""
    if query is None:
        # "Broadway" is all of it; "la 74", "149th and 3rd" may be any numbered street, and streets and
        # avenues are what people mean.
        if candidate is None:
            return 1.0
        return 0.9 if candidate in ("ST", "AVE") else 0.8
    if query == candidate:
        return 1.0
    if candidate is None:
        return 0.5
    return KIND_AFFINITY.get(frozenset((query, candidate)), 0.3)


def direction_score(query: str | None, candidate: str | None) -> float:
    if query == candidate:
        return 1.0
    if query is None:
        return 0.95  # "149th" for "E 149 ST": the direction is usually left out
    if candidate is None:
        return 0.7
    return 0.3


def street_score(query: Street, candidate: Street) -> float:
    """Similarity of a street as written to a real one with the same core."""
    return kind_score(query.kind, candidate.kind) * direction_score(query.direction, candidate.direction)

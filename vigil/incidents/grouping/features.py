"""Text features: a report text cut into hashed units by script (whole words with their character
trigrams, Chinese and Japanese character bigrams, Korean words with syllable bigrams, numbers as their
own tokens), each with its kind in the two low bits. The signature of a text is the set of them."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from itertools import chain
from operator import itemgetter

from vigil.incidents.grouping.details import (
    TokenDetails,
    all_detail_names,
    details_named,
    single_word_details,
    token_details,
)
from vigil.incidents.grouping.folding import normalize_text
from vigil.incidents.grouping.wordlists import read_table

Signature = frozenset[int]

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_HANGUL = "\uac00-\ud7a3"
# Alphabetic scripts written with spaces between words: Latin (Cyrillic is romanized by then), Arabic
# and Urdu, Bengali, Devanagari. Punctuation inside those blocks (danda, Arabic comma) is left out.
_ALPHA = "a-z\u00df-\u024f\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0980-\u09e3\u0900-\u0963\u0970-\u097f"
# Tokens: runs of one script (words first: the most frequent). No groups, so that findall returns
# plain strings, which are cheap to look up in the token cache.
_TOKEN = re.compile(rf"[{_ALPHA}]+|[0-9]+|[{_HAN}]+|[{_HANGUL}]+")
# The same cut for a folded text that is all ASCII (most reports): only the Latin letters and digits of
# the classes above can occur, and the shorter pattern is quicker.
_ASCII_TOKEN = re.compile(r"[a-z]+|[0-9]+")
_IS_HAN = re.compile(rf"[{_HAN}]").match
# A code of one to three letters written against one to three digits ("Q44", "Bx9", "S51", "M15"): a bus
# route or a train line in most cities, written the same in every language. The cut above splits it
# into a letter or two (dropped) and a number (a single digit reads as a count): kept whole besides.
_ROUTE_CODE = re.compile(r"(?<![a-z0-9])[a-z]{1,3}[0-9]{1,3}(?![0-9a-z])")
# A licence plate as New York and most states write it: three letters and four digits ("JRM 2290",
# "JRM-2290", "jrm2290"). Like a route, it points at one scene in any language, and two plates are two
# vehicles: kept whole, as a code, whichever way it was written. Read from the text as sent: with a space
# or a dash between, only in capitals, since "nan 4170" (Haitian) and "pod 4170" (Polish) are a word and a
# house number.
_PLATE = re.compile(r"(?<![A-Za-z0-9])(?:([A-Z]{3})[ -]?|([a-z]{3}))([0-9]{4})(?![0-9A-Za-z])")
_FOUR_DIGITS = re.compile(r"[0-9]{4}").search
# An ordinal ending after a number ("3rd", "3e", "3ra", "3-ya" from Cyrillic "3-я") makes it a street
# number rather than a count.
_ORDINALS = frozenset("st nd rd th e er eme re ra ro da do ta to va vo ya aya i yi oi go".split())

_STREET_HAN = ("街", "大道", "路", "道")


def _fold_words(blob: str) -> frozenset[str]:
    """The word tokens (alphabetic or Korean) of a blob, folded like report texts."""
    return frozenset(t for t in _TOKEN.findall(normalize_text(blob)) if not t[0].isdigit() and not _IS_HAN(t))


# Words every report uses whatever the scene: function words, street-type words, the agencies and the
# vehicles. Sharing them says nothing about being the same scene, so they are not features. Written in
# the reporters' own spelling (data/stop_words.txt); folded like the reports themselves.
_STOP = _fold_words(read_table("stop_words.txt"))
# Street-type words in the reporters' languages: a one-digit number just before one is a street number
# ("5 Ave", "3街", "5 애비뉴"), not a count ("3 vans"); so is one just after a word of the second list,
# in the languages that name the street first ("calle 3", "شارع 3", "ri 3").
_STREET_WORDS = _fold_words(read_table("street_words.txt"))
_STREET_FIRST_WORDS = _fold_words(read_table("street_first_words.txt"))
# Three letters before a four-digit number that are a word, not a plate: "the 2290", "ave 1250".
_NOT_PLATE = _STOP | _STREET_WORDS | _STREET_FIRST_WORDS
# Words for a train or line (data/train_words.txt): one letter or digit beside one names a subway line
# (`_LINES`), a route as "Q44" is.
_TRAIN_WORDS = _fold_words(read_table("train_words.txt"))
# Words beside a number that make it a count of people (data/count_words.txt): "como 12", "10 agents".
_COUNT_WORDS = _fold_words(read_table("count_words.txt"))
# The Chinese and Japanese ones, which a run of characters holds rather than is ("12个人在查", "大约12").
_COUNT_HAN = tuple(word for word in normalize_text(read_table("count_words.txt")).split() if _IS_HAN(word))
# Their characters: a text holding none of them has no such word, whatever its tokens.
_COUNT_HAN_CHARS = frozenset("".join(_COUNT_HAN))
# Only a number of two digits or more can become a count (one digit already reads as a count).
_TWO_DIGITS = re.compile(r"[0-9]{2}").search
_LINES = frozenset("1234567abcdefgjlmnqrswz")
# Korean attaches particles to the word before them; strip the common ones so 루즈벨트에서 and
# 루즈벨트 give the same word. Longest first.
_KO_PARTICLES = tuple(read_table("korean_particles.txt").split())
# Chinese/Japanese characters that appear in nearly every report (particles, the enforcement words, the
# street-type words): a bigram holding one of them is not a feature.
_HAN_STOP = frozenset(normalize_text("".join(read_table("han_stop.txt").split())))

# Each feature's kind is kept in its two low bits, so weights and the number rules can tell a street
# number from a word or a piece of a word without any side table.
KIND_PART = 0  # a character trigram of a word, a syllable bigram of a Korean word
KIND_NUMBER = 1  # a street or house number: two digits or more, or one digit used as a street
KIND_WORD = 2  # a whole word, a Korean word, a Chinese/Japanese character bigram
KIND_DIGIT = 3  # one digit not marked as a street: a count ("3 vans")
# How much more a whole word or a number says than one piece of a word.
KIND_MULTIPLIER = (1.0, 3.0, 2.0, 2.0)  # scoring.Probe inlines the 3.0 (numbers) and 2.0 (words)
# Per token: its units, its features (every head and part) and what it says of details on its own.
_TOKEN_CACHE: dict[str, tuple[tuple[tuple[int, tuple[int, ...]], ...], tuple[int, ...], TokenDetails]] = {}
_TOKEN_CACHE_LIMIT = 200_000


def _hash(feature: str, kind: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, and signatures are stored in the database.
    return (zlib.crc32(feature.encode("utf-8")) & ~3) | kind


# Ordinary words that are also words of street names (data/ordinary_words.txt): no street conflict.
_ORDINARY_WORDS = frozenset(_hash("w:" + word, KIND_WORD) for word in _fold_words(read_table("ordinary_words.txt")))


Unit = tuple[int, tuple[int, ...]]
# Marker in the token cache for one-digit numbers; unequal to any real entry (whose third item is a tuple).
_ONE_DIGIT: tuple = ((), (), "one digit")
_FIRST = itemgetter(0)
# The head of a (head, parts) unit: the token as a whole, which carries its rarity.
head_of = _FIRST
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)


def _token_units(token: str) -> tuple[tuple[Unit, ...], tuple[int, ...], TokenDetails]:
    """Hashed features of one token, by script, as units: (head, parts).

    The head is the token as a whole (a word, a number, a Chinese bigram) and carries the token's
    rarity; the parts (character trigrams of a word, syllable bigrams of a Korean word) let spelling
    variants match partially and weigh what their head weighs.

    Steps:
    1. Numbers: the number without leading zeros (a one-digit number gets a marker: the caller
       looks at the neighboring tokens).
    2. Alphabetic words: dropped if a stop word or one letter; otherwise the whole word, with its
       character trigrams (boundary marks included) as parts, which survive typos and transliteration.
    3. Han/kana runs: each character bigram is a unit, skipping those that hold a very common character.
    4. Hangul words: particle stripped, then the word with its syllable bigrams as parts.
    5. Hash with the kind in the low bits, and remember the units, the flat features and what the
       token says of details (`details.token_details`): the vocabulary of reports is small next to
       their number.
    """
    first = token[0]
    num = han = hangul = word = ""
    if "0" <= first <= "9":
        num = token
    elif "\uac00" <= first <= "\ud7a3":
        hangul = token
    elif _IS_HAN(first):
        han = token
    else:
        word = token
    units: list[Unit] = []
    if num:
        number = num.lstrip("0") or "0"
        if len(number) == 1:
            # Street or count depends on the neighboring tokens: decided by the caller.
            _TOKEN_CACHE[token] = _ONE_DIGIT
            return _ONE_DIGIT
        units.append((_hash("#" + number, KIND_NUMBER), ()))
    elif word:
        if len(word) > 1 and word not in _STOP:
            parts: tuple[int, ...] = ()
            if len(word) > 3:
                padded = f"<{word}>"
                parts = tuple(_hash(padded[i : i + 3], KIND_PART) for i in range(len(padded) - 2))
            units.append((_hash("w:" + word, KIND_WORD), parts))
    elif han:
        if len(han) == 1:
            if han not in _HAN_STOP:
                units.append((_hash("h:" + han, KIND_WORD), ()))
        else:
            for i in range(len(han) - 1):
                pair = han[i : i + 2]
                if pair[0] not in _HAN_STOP and pair[1] not in _HAN_STOP:
                    units.append((_hash("h:" + pair, KIND_WORD), ()))
    elif hangul:
        stem = hangul
        for particle in _KO_PARTICLES:
            if len(stem) > len(particle) + 1 and stem.endswith(particle):
                stem = stem[: -len(particle)]
                break
        if stem not in _STOP and hangul not in _STOP:
            parts = ()
            if len(stem) > 2:
                parts = tuple(_hash("k:" + stem[i : i + 2], KIND_PART) for i in range(len(stem) - 1))
            units.append((_hash("k:" + stem, KIND_WORD), parts))
    feats: list[int] = []
    for head, parts in units:
        feats.append(head)
        feats.extend(parts)
    result = (tuple(units), tuple(feats), token_details(token))
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_LIMIT:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[token] = result
    return result


def _is_street_word(token: str) -> bool:
    return token in _STREET_WORDS or token.startswith(_STREET_HAN)


_NO_FEATURES: Signature = frozenset()
_DIGIT_AS_STREET: dict[str, Unit] = {str(d): (_hash(f"#{d}", KIND_NUMBER), ()) for d in range(10)}
_DIGIT_AS_COUNT: dict[str, Unit] = {str(d): (_hash(f"#{d}", KIND_DIGIT), ()) for d in range(10)}


def analyze_text(text: str) -> tuple[list[Unit], Signature]:
    """The (head, parts) units of a report text, in order, and its signature (every head and part).

    Steps:
    1. Fold the text (`normalize_text`).
    2. Cut it into tokens by script: alphabetic words, numbers, Han/kana runs, Hangul words.
    3. A one-digit number is a street number when an ordinal ending or a street-type word follows
       it (or one like "calle" precedes it), else a count; it gets the matching kind.
    4. Turn every other token into units (`_token_units`, cached with the token's features).
    5. Add the details the tokens name in any language (`details.detail_names`: a car wash, a
       checkpoint, a colour), each as a whole word of its own, the route codes ("Q44", "Bx9") and
       the subway lines named beside a word for train ("A train", "tren 4", `_lines_named`) and the
       licence plates ("JRM 2290", as a code). A number of two digits or more beside a count word
       ("como 12", "10 agents") is a count (`_counts_beside_words`).
    """
    folded = normalize_text(text)
    tokens = (_ASCII_TOKEN if folded.isascii() else _TOKEN).findall(folded)
    got = list(map(_TOKEN_CACHE.get, tokens))
    if None in got or _ONE_DIGIT in got:
        # Slow path: tokens not seen before, or one-digit numbers whose kind depends on neighbors.
        last = len(tokens) - 1
        for i in [i for i, found in enumerate(got) if found is None or found is _ONE_DIGIT]:
            token = tokens[i]
            found = got[i]
            if found is None:
                found = got[i] = _token_units(token)
            if found is _ONE_DIGIT:
                digit = token.lstrip("0") or "0"
                following = tokens[i + 1] if i < last else ""
                street = following in _ORDINALS or _is_street_word(following) if following else False
                street = street or (i > 0 and tokens[i - 1] in _STREET_FIRST_WORDS)
                unit = (_DIGIT_AS_STREET if street else _DIGIT_AS_COUNT)[digit]
                got[i] = ((unit,), (unit[0],), token_details(token))
    if _TWO_DIGITS(folded) and (
        not _COUNT_WORDS.isdisjoint(tokens) or (not folded.isascii() and not _COUNT_HAN_CHARS.isdisjoint(folded))
    ):
        _counts_beside_words(tokens, got)
    units = list(chain.from_iterable(map(_FIRST, got)))
    # Most texts have no token that could name a detail: then there is nothing to look for.
    details = details_named(tokens, list(map(_THIRD, got))) if any(map(_THIRD, got)) else None
    codes = _ROUTE_CODE.findall(folded)
    plate_numbers = set()
    if _FOUR_DIGITS(folded):
        for capitals, lower, digits in _PLATE.findall(text):
            letters = (capitals or lower).lower()
            if letters not in _NOT_PLATE:
                codes.append(letters + digits)
                plate_numbers.add(_hash("#" + (digits.lstrip("0") or "0"), KIND_NUMBER))
    lines = _lines_named(tokens) if not _TRAIN_WORDS.isdisjoint(tokens) else ()
    if details or codes or lines:
        extra = [_detail_unit(name) for name in details or ()]
        extra += [_code_unit(code) for code in dict.fromkeys(codes)]
        extra += [_LINE_UNITS[line] for line in dict.fromkeys(lines)]
        units.extend(extra)
        signature = _NO_FEATURES.union(*map(_SECOND, got), map(_FIRST, extra))
        if plate_numbers:
            # A plate's digits are the plate's, not a street or house number: "KLD 7045" against a
            # scene at 3rd Av and 9th St is no number conflict.
            units = [unit for unit in units if unit[0] not in plate_numbers]
            signature = signature - plate_numbers
        return units, signature
    # One union of the tokens' feature tuples: the same set, in the same order, as chaining them.
    return units, _NO_FEATURES.union(*map(_SECOND, got))


_DETAIL_UNITS: dict[str, Unit] = {}
_CODE_UNITS: dict[str, Unit] = {}


def _counts_beside_words(tokens: list[str], got: list) -> None:
    """Turn a number of two digits or more that stands beside a count word ("como 12", "10 agents",
    data/count_words.txt) into a count, in place: it is how many, not which street."""
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        if "0" <= token[0] <= "9" and len(token.lstrip("0")) > 1 and got[i][0][0][0] & 3 == KIND_NUMBER:
            before = tokens[i - 1] if i > 0 else ""
            after = tokens[i + 1] if i < last else ""
            if (
                before in _COUNT_WORDS
                or after in _COUNT_WORDS
                or before.endswith(_COUNT_HAN)
                or after.startswith(_COUNT_HAN)
            ):
                unit = (_hash("#" + (token.lstrip("0") or "0"), KIND_DIGIT), ())
                got[i] = ((unit,), (unit[0],), got[i][2])


# A subway line as a whole word of its own. Unlike a bus route it is no detail of one scene: a line runs
# past many stations ("the 4" at Fordham Rd and under the el at Kingsbridge), so two reports naming it
# share a word, and two naming different lines conflict (`conflict_word_features`).
_LINE_UNITS: dict[str, Unit] = {line: (_hash("l:" + line, KIND_WORD), ()) for line in _LINES}
LINE_FEATURES: frozenset[int] = frozenset(unit[0] for unit in _LINE_UNITS.values())


def _lines_named(tokens: list[str]) -> list[str]:
    """The subway lines a text names: a letter or digit right before or after a word for train or line."""
    last = len(tokens) - 1
    return [
        tok
        for i, tok in enumerate(tokens)
        if tok in _LINES and ((i > 0 and tokens[i - 1] in _TRAIN_WORDS) or (i < last and tokens[i + 1] in _TRAIN_WORDS))
    ]


def _code_unit(code: str) -> Unit:
    """A route code ("q44", see `_ROUTE_CODE`) or a plate ("jrm2290", `_PLATE`) as a whole word of its own."""
    unit = _CODE_UNITS.get(code)
    if unit is None:
        if len(_CODE_UNITS) >= _TOKEN_CACHE_LIMIT:
            _CODE_UNITS.clear()
            CODE_FEATURES.clear()
        unit = _CODE_UNITS[code] = (_hash("r:" + code, KIND_WORD), ())
        CODE_FEATURES.add(unit[0])
    return unit


# The feature of every route code seen (emptied with `_CODE_UNITS`): like a detail, a bus or train line
# points at its event whatever the language around it ("the Q44", "en el Q44", "Q44公交车"), and a
# shared one weighs as a detail does (`Rules.detail_match`).
CODE_FEATURES: set[int] = set()


def _detail_unit(name: str) -> Unit:
    """A detail (see `details`) as a whole word of its own, the same whichever language named it."""
    unit = _DETAIL_UNITS.get(name)
    if unit is None:
        unit = _DETAIL_UNITS[name] = (_hash("d:" + name, KIND_WORD), ())
    return unit


# A word that is also a detail's form, by its feature, with the feature of the detail: "Orange" or "Church"
# is a street name in the street list and a colour or a place in a report; when the detail is what the
# report and the candidate share, the word is that detail, not a street the other side fails to name.
DETAIL_OF_WORD: dict[int, int] = {
    _hash("w:" + form, KIND_WORD): _detail_unit(name)[0] for form, name in single_word_details().items()
}
# The feature of every detail.
DETAIL_FEATURES: frozenset[int] = frozenset(_detail_unit(name)[0] for name in all_detail_names())


def text_units(text: str) -> list[Unit]:
    """The (head, parts) units of a report text, in order; see `analyze_text`."""
    return analyze_text(text)[0]


def features_signature(text: str) -> Signature:
    """The text signature of a report: the set of hashed features of its folded text (every unit's
    head and parts, see `analyze_text`)."""
    return analyze_text(text)[1]


def place_word_features(names: Iterable[str]) -> frozenset[int]:
    """The whole-word features of street names (a jurisdiction's street list), for the street-name
    conflict rule: "Waverly" against "Sullivan" says more than "papers" against "building"."""
    out: set[int] = set()
    for name in names:
        for head, _parts in text_units(name):
            if head & 3 == KIND_WORD:
                out.add(head)
    return frozenset(out)


def conflict_word_features(street_names: Iterable[str]) -> frozenset[int]:
    """The words that, named by one side and not the other while the other names its own, count against
    a match (`Rules.street_conflict`): the words of the jurisdiction's street names and every detail.
    A white van and a grey one, a bakery and a car wash, are two scenes as two streets are; every
    detail, not only those some street happens to be named after ("Gray Ave", "Court St"), so the
    rule is the same in every city. Route codes (`CODE_FEATURES`, seen as reports come) count too.
    """
    return (place_word_features(street_names) - _ORDINARY_WORDS) | DETAIL_FEATURES | LINE_FEATURES


def key_features(signature: Iterable[int]) -> frozenset[int]:
    """The features worth indexing to find candidates by text: whole words and street numbers."""
    return frozenset(f for f in signature if f & 3 in (KIND_NUMBER, KIND_WORD))

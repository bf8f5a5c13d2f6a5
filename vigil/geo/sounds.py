"""Street names written in another script by their sound: "ডিটমাস", "Стейнвей", "سٹارلنگ" are Ditmas,
Steinway and Starling, spelled as they sound in Bengali, Russian and Urdu letters.

The hand-written aliases (``aliases/streets.tsv``) cover a few dozen streets; a city has thousands, and
a reporter writes the one they stand on. So a word in another script that no table knows is romanized
(anyascii, a maintained table for every script, not ours) and reduced to a sound key: its consonants in
broad classes (b and p one, k, g and q one, s and z one, t and d one; vowels, h, w, v and y dropped, since
scripts write them each their own way; doubled letters once). A street's name gets the same key through
the rules of English spelling ("ch", "ph", a silent "gh", the "s" of "island"). A run of such words whose
keys are a street name's keys is that street.

Kept in mind by the caller (``Gazetteer._streets_by_sound``): only words of other scripts are read this
way, never Latin ones (a Spanish word is not an English street), and only where a street is likely named
(beside a street-type word, an "and" or a word for station, or a name of several words); a key of fewer
than three consonants is too common to name a street but right before a street-type word ("Whitney St").
Only streets with a few corners at least are read (a one-block lane is seldom what a reporter names in
another script); where keys collide, the one spelled most like the words, then the one with most corners
(only corners for Arabic and Urdu letters, which leave short vowels out).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from anyascii import anyascii

# English spelling of the city's street names -> sounds, applied in order before the letter classes.
_NAME_SPELLING = (
    ("island", "iland"),
    ("stle", "sle"),
    ("dge", "j"),
    ("tch", "C"),
    ("sch", "sk"),
    ("ch", "C"),
    ("sh", "s"),
    ("ph", "f"),
    ("gh", ""),
    ("th", "t"),
    ("ck", "k"),
    ("qu", "k"),
    ("x", "ks"),
)
# anyascii's romanization of Bengali, Arabic, Urdu, Cyrillic and Hangul -> sounds: its "c" is the sound of
# "ch", its "bh" a v, its "kh" an h.
_SCRIPT_SPELLING = (
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "j"),
    ("ph", "f"),
    ("bh", "v"),
    ("kh", "h"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("x", "ks"),
)
# Letter classes; a letter left out is dropped.
_CLASS_TABLE = {
    "b": "b",
    "p": "b",
    "f": "f",
    "k": "k",
    "g": "k",
    "q": "k",
    "c": "c",
    "j": "j",
    "s": "s",
    "z": "s",
    "t": "t",
    "d": "t",
    "l": "l",
    "r": "r",
    "m": "m",
    "n": "n",
}
_CLASS = str.maketrans(_CLASS_TABLE)
_NOT_LETTER = re.compile(r"[^a-z]")
_SOFT_C = re.compile(r"c(?=[eiy])")
_DROPPED = re.compile(r"[aeiouyhwv]")
_REPEATS = re.compile(r"(.)\1+")

# Consonants a name needs to be read from its sound: at least MIN_KEY, and at least SURE_KEY unless a
# street-type word follows it (see `Gazetteer._named_by_sound`).
MIN_KEY = 2
SURE_KEY = 3
# Fewest corners for a street to be read from another script's spelling.
MIN_CORNERS = 4


def _classes(letters: str) -> str:
    return _REPEATS.sub(r"\1", _DROPPED.sub("", letters).translate(_CLASS))


def _name_spelled(word: str) -> str:
    letters = _NOT_LETTER.sub("", word.lower())
    for spelled, sound in _NAME_SPELLING:
        letters = letters.replace(spelled, sound)
    # "C" stands for the sound of "ch" until every other "c" is a k or an s.
    return _SOFT_C.sub("s", letters).replace("c", "k").replace("C", "c")


@functools.lru_cache(maxsize=65536)
def script_spelled(word: str) -> str:
    """A word of another script romanized and respelled as `script_key` reads it, before reducing it
    (remembered, as reports repeat their words)."""
    # Bengali's anusvara is the "ng" of "Kings" ("কিংস"); anyascii writes it "m".
    letters = _NOT_LETTER.sub("", anyascii(word.replace("\u0982", "ng")).lower())
    for spelled, sound in _SCRIPT_SPELLING:
        letters = letters.replace(spelled, sound)
    return letters


def name_key(word: str) -> str:
    """The sound key of a word of a street's name as the city writes it ("DITMAS" -> "tms")."""
    return _classes(_name_spelled(word))


@functools.lru_cache(maxsize=65536)
def script_key(word: str) -> str:
    """The sound key of a word written in another script ("ডিটমাস" -> "tms"); remembered, as reports
    repeat their words."""
    return _classes(script_spelled(word))


def _shape(letters: str) -> str:
    """Consonant classes as in the key, with each run of vowels kept as one "a" and w and v as one "v"."""
    letters = _VOWELS.sub("a", letters.replace("h", "")).replace("w", "v")
    return _REPEATS.sub(r"\1", letters.translate(_SHAPE))


def _likeness(a: str, b: str) -> float:
    # The consonant keys agree already; between names that share them, the one whose vowels fall
    # where the word's do wins ("Стейнвей" is Steinway, not Heusden). difflib: the standard library's.
    return SequenceMatcher(None, _shape(a), _shape(b)).ratio()


_VOWELS = re.compile(r"[aeiouy]+")
_SHAPE = str.maketrans({**_CLASS_TABLE, "a": "a", "v": "v"})


class SoundIndex:
    """Street names by the sound keys of their words."""

    def __init__(self, names: Iterable[tuple[str, int]]):
        """``names``: (a street name's core, how many corners the streets of that name have)."""
        self.names: dict[tuple[str, ...], list[tuple[str, list[str], int]]] = {}
        for core, corners in names:
            words = core.split()
            if corners < MIN_CORNERS or not all(w.isalpha() for w in words):
                continue
            keys = tuple(name_key(w) for w in words)
            if not all(keys) or sum(map(len, keys)) < MIN_KEY:
                continue
            spelled = " ".join(_name_spelled(w) for w in words)
            self.names.setdefault(keys, []).append((spelled, core.lower().split(), corners))
        self.longest = max((len(k) for k in self.names), default=0)
        self._chosen: dict[tuple[tuple[str, ...], str], list[str]] = {}

    def match(self, keys: list[str], spelled: list[str], start: int) -> tuple[int, list[str]] | None:
        """The longest street name whose words' keys are the keys from ``start`` on: (how many words, the
        name's words), or None. Between names with the same keys, the one spelled most like the words
        (``spelled``: each word as `script_key` spells it before reducing it), then the one with the
        most corners."""
        for length in range(min(self.longest, len(keys) - start), 0, -1):
            span = tuple(keys[start : start + length])
            if not all(span):
                continue
            found = self.names.get(span)
            if found is None:
                continue
            written = " ".join(spelled[start : start + length])
            return length, self._choose(span, written, found)
        return None

    def _choose(self, span: tuple[str, ...], written: str, found: list[tuple[str, list[str], int]]) -> list[str]:
        """The name meant, among those sharing the keys (remembered: reports repeat their words)."""
        chosen = self._chosen.get((span, written))
        if chosen is None:
            if len(found) == 1:
                chosen = found[0][1]
            elif _VOWELS.search(written) is None:
                # Arabic and Urdu letters leave short vowels out ("ڈٹمس"): nothing to compare but corners.
                chosen = max(found, key=lambda entry: entry[2])[1]
            else:
                chosen = max(found, key=lambda entry: (_likeness(written, entry[0]), entry[2]))[1]
            if len(self._chosen) >= 65536:
                self._chosen.clear()
            self._chosen[(span, written)] = chosen
        return chosen

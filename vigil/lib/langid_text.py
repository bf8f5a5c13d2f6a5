"""Language detection, its text side: the writing system of each letter, the words of a short report,
and which of them say something about the language (`vigil.lib.langid` uses these to pick candidates,
`vigil.lib.langid_model` to train and score the n-gram model).

No Django imports: this runs in workers and scripts.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

MIN_LETTERS = 3  # fewer letters than this (in the dominant script) is too short to tell
MAX_CHARS = 1000  # only the start of very long texts is looked at: enough, and bounded time

_APOSTROPHES = frozenset("'’ʼ`´")
_SCRIPT_CACHE: dict[str, str] = {}


def _script_of(ch: str) -> str:
    """The writing system of one letter: a four-letter code, or "" for anything that is not one."""
    cached = _SCRIPT_CACHE.get(ch)
    if cached is not None:
        return cached
    cp = ord(ch)
    cat = unicodedata.category(ch)
    if cat[0] not in "LM":
        script = ""
    elif cp < 0x250 or 0x1E00 <= cp <= 0x1EFF or 0xFF21 <= cp <= 0xFF5A:
        script = "Latn"
    elif 0x400 <= cp <= 0x52F:
        script = "Cyrl"
    elif 0x600 <= cp <= 0x6FF or 0x750 <= cp <= 0x77F or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        script = "Arab"
    elif 0x980 <= cp <= 0x9FF:
        script = "Beng"
    elif 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        script = "Hang"
    elif 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF:
        script = "Kana"
    elif 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FFFF:
        script = "Hani"
    elif cat[0] == "M":
        script = "Mark"  # a combining mark takes the script of the letter it sits on
    else:
        script = "Othr"
    if len(_SCRIPT_CACHE) < 20000:
        _SCRIPT_CACHE[ch] = script
    return script


def _words(text: str) -> list[tuple[str, str, bool]]:
    """Split text into lowercased words, each with its writing system and whether it is a name.

    Steps: normalize to NFC; walk the characters, keeping letters, combining marks and apostrophes
    inside words; a change of writing system (as in "ICE在法拉盛") also ends a word. Digits,
    punctuation, emoji and symbols separate words and are otherwise ignored. A word that starts
    with a capital letter but does not start a sentence ("Flatbush", "ICE", "NYPD") is marked as a
    name: names say where and who, not which language, so the n-gram model leaves them out.
    """
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    words: list[tuple[str, str, bool]] = []
    current: list[str] = []
    current_script = ""
    sentence_start = True  # the next word starts a sentence
    starts_sentence = True  # the current word started one
    n = len(text)

    def flush() -> None:
        word = "".join(current)
        # "I" and "I'm" are English words, not names.
        name = len(word) > 1 and "'" not in word and word[0].isupper() and not starts_sentence
        words.append((current_script, word.lower(), name))
        current.clear()

    for i, ch in enumerate(text):
        script = _script_of(ch)
        if script == "Mark" and current:
            current.append(ch)
            continue
        if script and script != "Mark":
            if current and script != current_script:
                flush()
            if not current:
                starts_sentence, sentence_start = sentence_start, False
            current.append(ch)
            current_script = script
            continue
        if ch in _APOSTROPHES and current and i + 1 < n and _script_of(text[i + 1]) == current_script:
            current.append("'")
            continue
        if current:
            flush()
        if ch in _SENTENCE_ENDS:
            sentence_start = True
    if current:
        flush()
    return words


_SENTENCE_ENDS = frozenset(".!?\n¿¡:;")


def _evidence(words: list[tuple[str, str, bool]], script: str) -> list[str]:
    """The words of one script that say something about the language: names left out, unless
    nearly everything is capitalized (a text typed in capitals or in title case)."""
    in_script = [(word, name) for word_script, word, name in words if word_script == script]
    kept = [word for word, name in in_script if not name]
    if len(kept) * 2 < len(in_script):
        return [word for word, _ in in_script]
    return kept


# Han and Hangul letters carry about a syllable each, Latin-like letters a fraction of one.
_SCRIPT_WEIGHT = {"Hani": 3, "Hang": 2, "Kana": 3}


def _dominant_script(words: list[tuple[str, str, bool]]) -> tuple[str, int]:
    """The writing system of the text and how many letters it has there.

    A non-Latin script wins over Latin as soon as it has a few letters: reports in Russian, Arabic or
    Chinese routinely carry Latin street names and "ICE", while English reports almost never carry
    a word of Cyrillic.
    """
    letters: Counter[str] = Counter()
    for script, word, _ in words:
        if word.isascii():
            letters[script] += len(word) - word.count("'")
        else:
            letters[script] += sum(1 for ch in word if ch != "'" and not unicodedata.combining(ch))
    if not letters:
        return "", 0
    if letters.get("Kana"):
        # Kana with or without Han is Japanese, which is not a deployment language.
        return "Kana", letters["Kana"] + letters.get("Hani", 0)
    non_latin = [
        (count * _SCRIPT_WEIGHT.get(script, 1), script) for script, count in letters.items() if script != "Latn"
    ]
    if non_latin:
        weight, script = max(non_latin)
        if weight >= MIN_LETTERS + 1 or "Latn" not in letters:
            return script, letters[script]
    return "Latn", letters["Latn"]

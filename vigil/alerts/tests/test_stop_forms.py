"""STOP and every opt-out keyword the project accepts (the carrier-standard words and each language
file's) match in every form a phone or a careless copy may send: full-width, any case, accents added,
letters spaced out, zero-width and direction characters, punctuation and emoji around it, a Latin
letter swapped for its Cyrillic look-alike."""

import pytest

from vigil.alerts import texts
from vigil.messaging import inbound
from vigil.messaging.inbound import STANDARD_STOP, Inbound, route
from vigil.messaging.models import OptOut

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
DIRECTION = ("\u200e", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a", "\u202b", "\u202c")
CYRILLIC_LOOKALIKE = {"A": "А", "C": "С", "E": "Е", "O": "О", "P": "Р", "T": "Т", "X": "Х", "K": "К", "M": "М"}
ACUTE = "\u0301"


def full_width(word: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in word)


def forms(word: str) -> list[str]:
    """The ways one keyword arrives (the keyword as the language file spells it first)."""
    letters = list(word)
    plain_letters = all(ch.isalpha() and ch.isascii() or ch.isalpha() and len(ch.encode()) <= 3 for ch in letters)
    out = [
        word,
        word.lower(),
        word.upper(),
        "".join(ch.upper() if i % 2 else ch.lower() for i, ch in enumerate(word)),
        full_width(word),
        full_width(word.lower()),
        f"  {word}\t\n",
        f"\u00a0{word}\u3000",
        f"{word}!",
        f"¡{word}!",
        f"{word}.",
        f"\u201c{word}\u201d",
        f"🛑 {word} 🛑",
        f"{word}\ufe0f",
    ]
    for mark in ZERO_WIDTH + DIRECTION:
        out.append(mark.join(letters))
        out.append(f"{mark}{word}{mark}")
    if plain_letters and all(not ch.isascii() or ch.isalpha() for ch in letters):
        # Letters spaced or dotted apart, unless the word's letters carry marks of their own.
        out.extend([" ".join(letters), ".".join(letters), "-".join(letters), " ".join(letters).upper()])
    if word.isascii():
        # An accent on every vowel (composed and decomposed), a look-alike letter of another script.
        vowels = "aeiouAEIOU"
        out.append("".join(ch + ACUTE if ch in vowels else ch for ch in word))
        out.append("".join(ch + "\u0308" if ch in vowels else ch for ch in word.upper()))
        swapped = next((i for i, ch in enumerate(word.upper()) if ch in CYRILLIC_LOOKALIKE), None)
        if swapped is not None and len(word) > 1:
            upper = word.upper()
            out.append(upper[:swapped] + CYRILLIC_LOOKALIKE[upper[swapped]] + upper[swapped + 1 :])
    return out


def accepted_stop_words() -> list[tuple[str, str]]:
    """(word as written, its language: "" for the carrier-standard words) for every opt-out keyword."""
    words = [(word, "") for word in STANDARD_STOP]
    for language, pack in sorted(texts.packs().items()):
        words.extend((word, language) for word in pack.keywords["stop"])
    return words


def listing(word: str) -> set[str]:
    """The languages whose files list this opt-out word ("" when it is carrier-standard too)."""
    return {language for listed, language in accepted_stop_words() if inbound.fold(listed) == inbound.fold(word)}


def test_it_has_opt_out_words_in_several_scripts_to_check():
    words = [word for word, _ in accepted_stop_words()]
    assert {"STOP", "СТОП", "বন্ধ", "بند", "중지", "ARRÊT"} <= set(words)


@pytest.mark.parametrize(("word", "language"), accepted_stop_words())
def test_it_matches_every_opt_out_word_in_every_form(word, language):
    router_words = inbound.stop_words()
    alert_keywords = texts.keyword_table()
    for form in forms(word):
        folded = inbound.fold(form)
        assert folded in router_words, (word, form, folded)
        if language:
            # A word two languages share (停止 in both Chinese files) answers in the first one's.
            assert router_words[folded] in listing(word), (word, form)
        assert alert_keywords.get(texts.fold(form), ("",))[0] == "stop", (word, form)


def test_it_reads_letters_spaced_apart_but_not_a_sentence_that_contains_stop():
    assert inbound.fold("S T O P") == "stop"
    assert inbound.fold("s.t.o.p.") == "stop"
    assert inbound.fold("stop the van on 5 ave") == "stop the van on 5 ave"
    assert inbound.fold("ICE at the bus stop") not in inbound.stop_words()


@pytest.mark.django_db
def test_it_opts_out_a_full_width_stop_with_zero_width_spaces():
    phone = "+12125550147"
    route(Inbound(phone, "sms", "\u200bＳ\u200bｔ\u200bＯ\u200bｐ\u200b"))
    assert OptOut.objects.filter(channel="sms").count() == 1

"""Details a report names whatever its language: the kind of place (a car wash, a bakery, a checkpoint),
a vehicle (an e-bike, a pickup) and a colour. "El lavado de carros", "洗车场" and "the car wash" share
no word, so without this a report that points at an event only by such a detail ("¿siguen en el car
wash?", "三辆白色面包车") matches nothing in another language. Each detail becomes a feature of its own
(see `features.analyze_text`), weighed by its rarity like any word: "white" said by every other
incident soon weighs nothing, "car wash" said by one weighs a lot.

The forms are written in the reporters' own spelling (shortcuts, no accents, inflected forms where a
language inflects) and folded through `normalize_text` at import like the reports themselves. A form of
several words matches those words in a row; a one-word form also matches a word that adds up to three
letters to it (an ending) if four or more are left; a Chinese or Korean form matches inside a run of text.
Forms were written for Vigil from general knowledge of the languages, not taken from any report set.
"""

from __future__ import annotations

import re
from itertools import compress

from vigil.incidents.grouping.folding import normalize_text
from vigil.incidents.grouping.wordlists import read_table

# The token pattern of `features` (which imports this module, so it cannot be imported from there);
# the forms are cut into words exactly as report texts are.
_TOKEN = re.compile(
    "[a-z\u00df-\u024f\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0980-\u09e3\u0900-\u0963\u0970-\u097f]+|[0-9]+"
    "|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]+|[\uac00-\ud7a3]+"
)


def _read(blob: str) -> tuple[dict[str, str], dict[tuple[str, ...], str], frozenset[str], tuple[tuple[str, str], ...]]:
    """Single-word forms, several-word forms (by their words), the first words of those, and the
    Chinese/Korean forms (matched inside a run), each with its detail's name."""
    single: dict[str, str] = {}
    several: dict[tuple[str, ...], str] = {}
    inside: list[tuple[str, str]] = []
    for entry in re.split(r"\n(?=\S)", blob.strip()):
        name, _colon, forms = entry.partition(":")
        for form in forms.split("|"):
            words = tuple(_TOKEN.findall(normalize_text(form)))
            if not words:
                continue
            if len(words) == 1 and words[0][0] >= "\u3040":
                inside.append((words[0], name.strip()))
            elif len(words) == 1:
                single.setdefault(words[0], name.strip())
            else:
                several.setdefault(words, name.strip())
    return single, several, frozenset(w[0] for w in several), tuple(inside)


_SINGLE, _SEVERAL, _SEVERAL_FIRST, _INSIDE = _read(read_table("details.txt"))
_LONGEST = max((len(words) for words in _SEVERAL), default=1)


# What one token says of details on its own: nothing (an empty tuple, for most tokens), or the detail
# its one-word form names (or None), whether it starts a form of several words, and the details whose
# Chinese or Korean forms it holds.
TokenDetails = tuple[str | None, bool, tuple[str, ...]] | tuple[()]
# Remembered per token, like the features' token cache: the vocabulary of reports is small next to
# their number.
_TOKEN_DETAILS: dict[str, TokenDetails] = {}
_TOKEN_DETAILS_LIMIT = 200_000


def token_details(token: str) -> TokenDetails:
    """What one token says of details without its neighbors (see `detail_names`), remembered."""
    found = _TOKEN_DETAILS.get(token)
    if found is not None:
        return found
    get = _SINGLE.get
    name = get(token)
    if name is None and len(token) > 4:
        # An ending the form does not have: case endings (рынке, চেকপয়েন্টে), plurals, particles;
        # what is left is four letters or more, so that "redada" is not "red".
        for cut in range(1, min(3, len(token) - 4) + 1):
            name = get(token[:-cut])
            if name is not None:
                break
    first = token in _SEVERAL_FIRST
    inside: tuple[str, ...] = ()
    if not first and token[0] >= "\u3040":
        inside = _inside_names(token)
    found = (name, first, inside) if name is not None or first or inside else ()
    if len(_TOKEN_DETAILS) >= _TOKEN_DETAILS_LIMIT:
        _TOKEN_DETAILS.clear()
    _TOKEN_DETAILS[token] = found
    return found


def _inside_names(run: str) -> tuple[str, ...]:
    """The details whose Chinese or Korean forms a run holds, the longest forms first, none overlapping
    another: "美甲店里面" is a nail salon (美甲店), not also a shop because 店里 ("in the shop") overlaps it."""
    found = [(form, name) for form, name in _INSIDE if form in run]
    if len(found) < 2:
        return tuple(name for _form, name in found)
    taken = [False] * len(run)
    names: dict[str, None] = {}
    for form, name in sorted(found, key=lambda item: -len(item[0])):
        at = run.find(form)
        while at >= 0:
            if not any(taken[at : at + len(form)]):
                taken[at : at + len(form)] = [True] * len(form)
                names[name] = None
            at = run.find(form, at + 1)
    return tuple(names)


def detail_names(tokens: list[str]) -> list[str]:
    """The details the folded tokens of a text name, each once, in the order first named."""
    return details_named(tokens, list(map(token_details, tokens)))


def details_named(tokens: list[str], said: list[TokenDetails]) -> list[str]:
    """`detail_names`, given what each token says on its own (`said[i]` is `token_details(tokens[i])`).

    Steps:
    1. What each token names on its own: its one-word form, with up to three letters of ending cut,
       and for a Chinese or Korean run the forms inside it.
    2. From a token that starts a form of several words, the forms that the following tokens complete.
    """
    found: dict[str, None] = {}
    last = len(tokens)
    for i in compress(range(last), said):
        name, first, inside = said[i]
        if name is not None:
            found[name] = None
        if first:
            for n in range(2, _LONGEST + 1):
                name = _SEVERAL.get(tuple(tokens[i : i + n])) if i + n <= last else None
                if name is not None:
                    found[name] = None
        for name in inside:
            found[name] = None
    return list(found)


def single_word_details() -> dict[str, str]:
    """Every one-word form with its detail's name ("orange": "orange", "iglesia": "church")."""
    return dict(_SINGLE)


def all_detail_names() -> frozenset[str]:
    """The name of every detail."""
    return frozenset((*_SINGLE.values(), *_SEVERAL.values(), *(name for _form, name in _INSIDE)))

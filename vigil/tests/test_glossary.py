"""One word per role and term per language: the catalogs use the words of docs/glossary.md."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale

from vigil.accounts.models import Role

ROOT = Path(__file__).resolve().parents[2]


def glossary() -> dict[str, dict[str, str]]:
    """{term: {language code: word}} from the glossary's table."""
    lines = [line for line in (ROOT / "docs" / "glossary.md").read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    table = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def catalog(code: str) -> dict[str, str]:
    with (ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and m.id}


TERMS = glossary()
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "en"]


def test_it_has_a_word_for_every_role_and_term_in_every_language():
    languages = {code for code, _ in settings.LANGUAGES}
    for term in ("incident", "report", "alert", "verification", "legal observer"):
        assert term in TERMS
    for label in Role.labels:
        assert any(words["en"] == label for words in TERMS.values()), label
    for term, words in TERMS.items():
        assert set(words) == languages and all(words.values()), term


@pytest.mark.parametrize("code", TRANSLATED)
def test_it_names_every_role_in_the_catalog_as_the_glossary_does(code):
    messages = catalog(code)
    for label in Role.labels:
        word = next(words[code] for words in TERMS.values() if words["en"] == label)
        assert messages[label] == word, (code, label)


@pytest.mark.parametrize("code", TRANSLATED)
def test_it_translates_every_term_that_is_a_catalog_entry_as_the_glossary_does(code):
    messages = catalog(code)
    checked = 0
    for words in TERMS.values():
        if words["en"] in messages:
            assert messages[words["en"]] == words[code], (code, words["en"])
            checked += 1
    assert checked >= len(Role.labels) + 2  # the roles, "Incident" and "Alert" at least


@pytest.mark.parametrize("code", TRANSLATED)
def test_it_never_calls_the_monitor_by_the_legal_observers_word(code):
    monitor, observer = TERMS["monitor"][code].lower(), TERMS["legal observer"][code].lower()
    assert not set(monitor.split()) & set(observer.split()), code
    if code.startswith("zh"):
        bigrams = {observer[i : i + 2] for i in range(len(observer) - 1)}
        assert not any(monitor[i : i + 2] in bigrams for i in range(len(monitor) - 1)), code

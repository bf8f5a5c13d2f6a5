"""Language names for the reader, from CLDR through Babel, with the English name and the autonym where
CLDR has no name in the reader's language."""

import pytest

from vigil.cases.language_names import autonym, display_name


def test_it_names_a_language_in_the_readers_language():
    assert display_name("yue", "es") == "cantonés"
    assert display_name("zh-yue", "zh-hant") == "粵語"
    assert display_name("es-MX", "fr") == "espagnol"


def test_it_names_kiche_from_cldr_with_its_autonym():
    # What Babel 2.19 (CLDR 47) returns: K'iche' has names in most of the deployment's languages and a
    # locale of its own.
    assert display_name("quc", "en") == "Kʼicheʼ"
    assert display_name("quc", "es") == "quiché"
    assert autonym("quc") == "kʼicheʼ"


def test_it_shows_the_english_name_of_mam_for_which_cldr_has_neither_a_name_nor_an_autonym():
    assert autonym("mam") == ""
    for reader in ("en", "es", "zh-hans", "ht"):
        assert display_name("mam", reader) == "Mam"


def test_it_falls_back_to_english_and_the_autonym_where_cldr_has_no_name_in_the_readers_language():
    # CLDR's Haitian Creole locale names no other language.
    assert display_name("es", "ht") == "Spanish (español)"
    assert display_name("yue", "ht") == "Cantonese (粵語)"


def test_it_does_not_take_likely_subtags_for_an_autonym():
    # Locale.parse("cmn") fills in "zh_Hans_CN", whose name is not Mandarin's.
    assert autonym("cmn") == ""
    assert display_name("cmn", "zh-hans") == "Mandarin Chinese"


@pytest.mark.parametrize("tag", ["not a tag", ""])
def test_it_returns_what_is_not_a_tag_as_it_is(tag):
    assert display_name(tag, "en") == tag

"""Street-name normalisation: every way of writing a street reduces to one key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from vigil.geo.streets import (
    BOUNDARY,
    CONNECTORS,
    Street,
    fold,
    is_connector,
    normalize_street,
    parse_street,
    street_from_key,
    street_score,
    words,
)


def test_it_folds_case_accents_and_digits_of_every_script():
    assert fold("ÉSTE Avenida") == "este avenida"
    assert fold("৭৪ স্ট্রিট") == "74 স্ট্রিট"  # Bengali digits
    assert fold("٧٤") == "74"  # Arabic-Indic digits
    assert fold("۷۴") == "74"  # Urdu (extended Arabic-Indic) digits
    assert fold("７４街") == "74街"  # full-width
    assert fold("Piąta") == "piata"
    # Hangul and Bengali vowel signs survive (only marks on Latin letters are dropped).
    assert fold("플러싱") == "플러싱"
    assert fold("জ্যাকসন") == "জ্যাকসন"


@pytest.mark.parametrize(
    "written",
    [
        "74",
        "74th",
        "seventy-fourth",
        "seventy fourth street",
        "la 74",
        "calle 74",
        "la calle setenta y cuatro",
        "74 ST",
        "74-я улица",
        "74번가",
        "74街",
        "第七十四街",
        "74e rue",
        "74ème rue",
        "74yèm ri",
        "74. ulica",
        "৭৪ স্ট্রিট",
        "৭৪তম স্ট্রিট",
        "74ویں اسٹریٹ",
        "شارع 74",
    ],
)
def test_it_reads_the_number_of_a_numbered_street_however_written(written):
    street = parse_street(written)
    assert street is not None
    assert street.core == "74"
    assert street.kind in (None, "ST")


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Roosevelt Ave", "ROOSEVELT AVE"),
        ("Roosevelt Avenue", "ROOSEVELT AVE"),
        ("Roosevelt Av.", "ROOSEVELT AVE"),
        ("Avenida Roosevelt", "ROOSEVELT AVE"),
        ("avni Roosevelt", "ROOSEVELT AVE"),
        ("Third Avenue", "3 AVE"),
        ("3rd Ave", "3 AVE"),
        ("tercera avenida", "3 AVE"),
        ("la 3ra avenida", "3 AVE"),
        ("Troisième Avenue", "3 AVE"),
        ("twazyèm avni", "3 AVE"),
        ("Trzecia Aleja", "3 AVE"),
        ("Третья авеню", "3 AVE"),
        ("第三大道", "3 AVE"),
        ("3번 애비뉴", "3 AVE"),
        ("الجادة الثالثة", "3 AVE"),
        ("Queens Boulevard", "QUEENS BLVD"),
        ("Queens Blvd", "QUEENS BLVD"),
        ("Ocean Parkway", "OCEAN PKWY"),
        ("Kings Highway", "KINGS HWY"),
        ("Flatbush Avenue Extension", "FLATBUSH AVE EXTENSION"),
        ("FLATBUSH AVE EXTENSION", "FLATBUSH AVE EXTENSION"),
        ("Broadway", "BROADWAY"),
    ],
)
def test_it_spells_kinds_one_way_in_every_language(written, key):
    assert normalize_street(written) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("E  149 ST", "East 149th Street"),  # the centreline's double space
        ("E  149 ST", "calle 149 este"),
        ("W  72 ST", "West 72nd St."),
        ("ST NICHOLAS AVE", "Saint Nicholas Avenue"),
        ("ST NICHOLAS AVE", "St. Nicholas Ave"),
        ("BCH 116 ST", "Beach 116th Street"),
        ("AVE X", "Avenue X"),
        ("AVE C", "Avenida C"),
        ("MC DONALD AVE", "McDonald Avenue"),
        ("E MOSHOLU PKWY S", "East Mosholu Parkway South"),
        ("OCEAN AVE N", "Ocean Avenue North"),
        ("FT HAMILTON PKWY", "Fort Hamilton Parkway"),
    ],
)
def test_it_matches_the_city_file_spelling_to_the_full_spelling(a, b):
    assert parse_street(a, edges=False) == parse_street(b)


def test_it_keeps_a_particle_that_is_part_of_a_data_name():
    # "DE KALB AVE" in the centreline is "DeKalb Avenue" in OpenStreetMap.
    assert parse_street("DE KALB AVE", edges=False) == parse_street("DeKalb Avenue")


def test_it_drops_a_house_number_but_not_a_street_number():
    assert normalize_street("123 Main St") == "MAIN ST"
    assert normalize_street("37-02 74th St") == "74 ST"
    assert normalize_street("74 St") == "74 ST"


def test_it_reads_directions_before_and_after_the_name():
    assert parse_street("E 149 ST").direction == "E"
    assert parse_street("West 4th Street").direction == "W"
    assert parse_street("calle 74 oeste").direction == "W"
    assert parse_street("东149街") == Street("149", "ST", "E")
    assert parse_street("South St") == Street("SOUTH", "ST", None)  # a street called South


def test_it_reads_number_words_in_english_and_spanish():
    assert words("one hundred forty-ninth street") == ["149", "street"]
    assert words("a hundred and tenth") == ["110"]
    assert words("ciento cuarenta y nueve") == ["149"]
    assert words("Roosevelt y setenta y cuatro") == ["roosevelt", "y", "74"]


@pytest.mark.parametrize(
    "text",
    [
        "Main St and Roosevelt Ave",
        "Main St & Roosevelt Ave",
        "Main y Roosevelt",
        "Main con Roosevelt",
        "Main esquina Roosevelt",
        "Main et Roosevelt",
        "Main ak Roosevelt",
        "Main i Roosevelt",
        "Main и Roosevelt",
        "缅街 和 罗斯福大道",
        "缅街 與 罗斯福大道",
        "메인스트리트와 루스벨트",
        "مين ستريت و روزفلت",
        "مين اور روزفلت",
        "মেইন এবং রুজভেল্ট",
    ],
)
def test_it_finds_the_word_that_joins_two_streets_in_each_language(text):
    assert any(is_connector(w) for w in words(text))


def test_it_does_not_take_a_letter_avenue_for_a_connector():
    # "x" joins streets in some countries, but Avenue X is a Brooklyn street.
    assert "x" not in CONNECTORS
    assert normalize_street("Avenue X") == "AVE X"


def test_it_marks_breaks_between_clauses():
    assert words("Main St, then Roosevelt") == ["main", "st", BOUNDARY, "then", "roosevelt"]


def test_it_scores_a_written_kind_against_the_real_one():
    assert street_score(Street("74", "ST"), Street("74", "ST")) == 1.0
    assert street_score(Street("74"), Street("74", "ST")) > street_score(Street("74"), Street("74", "TER"))
    assert street_score(Street("149"), Street("149", "ST", "E")) < street_score(Street("149"), Street("149", "ST"))
    assert street_score(Street("74", "AVE"), Street("74", "ST")) < 0.5


@pytest.mark.parametrize(
    "key", ["E 149 ST", "AVE X", "ROOSEVELT AVE", "BROADWAY", "SAINT NICHOLAS AVE", "BEACH 116 ST"]
)
def test_it_reads_its_own_keys_back(key):
    assert street_from_key(key).key == key


@settings(max_examples=300, deadline=None)
@given(hs.text(max_size=80))
def test_it_never_fails_on_arbitrary_text(text):
    tokens = words(text)
    assert all(t and " " not in t for t in tokens)
    street = parse_street(text)
    if street is not None:
        assert street.core
    assert fold(fold(text)) == fold(text)

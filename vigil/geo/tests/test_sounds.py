"""Sound keys: a street name spelled in another script meets the city's spelling of it."""

from __future__ import annotations

import pytest

from vigil.geo.sounds import SoundIndex, name_key, script_key


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("ডিটমাস", "DITMAS"),
        ("ڈٹمس", "DITMAS"),
        ("Стейнвей", "STEINWAY"),
        ("سٹارلنگ", "STARLING"),
        ("লেফার্টস", "LEFFERTS"),
        ("آئی لینڈ", "ISLAND"),
        ("নিউকার্ক", "NEWKIRK"),
        ("চার্চ", "CHURCH"),
    ],
)
def test_it_gives_a_name_in_another_script_the_key_of_the_citys_spelling(written, name):
    assert script_key(written.replace(" ", "")) == name_key(name)


def test_it_keeps_consonant_classes_apart():
    assert name_key("PARK") != name_key("MARK")
    assert name_key("KINGS") != name_key("QUEENS")


def test_it_picks_the_name_whose_vowels_fall_where_the_words_do_between_names_with_one_key():
    index = SoundIndex([("HEUSDEN", 40), ("STEINWAY", 12)])
    keys = [script_key("Стейнвей")]
    assert index.match(keys, ["steynvey"], 0) == (1, ["steinway"])


def test_it_leaves_out_streets_with_few_corners():
    index = SoundIndex([("DITMAS", 2)])
    assert index.match([script_key("ডিটমাস")], ["ditmas"], 0) is None


def test_it_reads_the_longest_name_first():
    index = SoundIndex([("CONEY ISLAND", 30), ("CONEY", 5)])
    keys = [script_key("কোনি"), script_key("আইল্যান্ড")]
    assert index.match(keys, ["koni", "ailyand"], 0) == (2, ["coney", "island"])


def test_it_lets_corners_choose_for_a_word_written_without_its_vowels():
    # Urdu leaves short vowels out: "ڈٹمس" is as near Deems as Ditmas by its letters, and Ditmas Ave,
    # with more corners, is the one people name.
    index = SoundIndex([("DEEMS", 5), ("DITMAS", 40)])
    assert index.match([script_key("ڈٹمس")], ["dtms"], 0) == (1, ["ditmas"])

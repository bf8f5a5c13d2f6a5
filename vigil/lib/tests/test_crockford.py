"""Crockford base32 codes: what they are made of, how they are grouped, how forgiving the reading is."""

import math

import pytest

from vigil.lib import crockford


def test_it_uses_thirty_two_symbols_without_look_alikes():
    assert len(crockford.ALPHABET) == len(set(crockford.ALPHABET)) == 32
    assert crockford.BITS_PER_SYMBOL == math.log2(len(crockford.ALPHABET))
    assert not set("ILOU") & set(crockford.ALPHABET)
    assert set(crockford.ALPHABET) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def test_it_draws_every_symbol_from_the_alphabet_and_not_always_the_same():
    assert [len(crockford.random_code(n)) for n in (1, 5, 8, 13, 16, 20)] == [1, 5, 8, 13, 16, 20]
    codes = {crockford.random_code(16) for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 and set(code) <= set(crockford.ALPHABET) for code in codes)
    assert set("".join(codes)) == set(crockford.ALPHABET)  # 3,200 draws reach all 32 symbols


def test_it_groups_by_four_for_reading_aloud():
    assert crockford.group("0123456789ABCDEF") == "0123-4567-89AB-CDEF"
    assert crockford.group("0123456789ABCDEF", separator=" ") == "0123 4567 89AB CDEF"
    assert crockford.group("012345", size=3) == "012-345"


@pytest.mark.parametrize(
    "typed",
    [
        "7K3M-Q9XD-2HBT-F0RW",
        "7k3m-q9xd-2hbt-f0rw",
        "7K3MQ9XD2HBTF0RW",
        "7K3M Q9XD 2HBT F0RW",
        "  7k3m q9xd\t2hbt\nf0rw  ",
        "7K3M—Q9XD–2HBT‐F0RW",  # dashes a phone keyboard or a word processor puts in
        "7K3M-Q9XD-2HBT-FORW",  # O for 0
        "7K3M-Q9XD-2HBT-FoRW",
        "７Ｋ３Ｍ　Ｑ９ＸＤ　２ＨＢＴ　Ｆ０ＲＷ",  # full-width, from a Chinese keyboard
    ],
)
def test_it_reads_a_code_typed_in_any_of_the_usual_ways(typed):
    assert crockford.parse(typed, 16) == "7K3MQ9XD2HBTF0RW"


def test_it_reads_i_and_l_as_one():
    assert crockford.parse("I1L1-il11-0000-0000", 16) == "1111111100000000"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "7K3M-Q9XD-2HBT-F0R",
        "7K3M-Q9XD-2HBT-F0RWX",
        "7K3M-Q9XD-2HBT-F0RU",
        "7K3M_Q9XD_2HBT_F0RW",
        "7K3M-Q9XD-2HBT-F0RЖ",
    ],
)
def test_it_refuses_what_is_not_such_a_code(typed):
    assert crockford.parse(typed, 16) is None

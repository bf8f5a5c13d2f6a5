"""A-numbers as people write them; the numbers mistaken for them are refused with what they are."""

import pytest

from vigil.cases.anumber import ANumberError, display_a_number, normalize_a_number


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("A123456789", "123456789"),
        ("a123456789", "123456789"),
        ("A-123-456-789", "123456789"),
        ("A 123 456 789", "123456789"),
        ("123-456-789", "123456789"),
        ("A#123456789", "123456789"),
        ("123.456.789", "123456789"),
        ("A12345678", "012345678"),
        ("12345678", "012345678"),
        ("A-12-345-678", "012345678"),
        ("  A123456789  ", "123456789"),
    ],
)
def test_it_accepts_the_ways_people_write_an_a_number(written, stored):
    assert normalize_a_number(written) == stored


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("IOE0123456789", "receipt_number"),
        ("EAC-21-123-45678", "receipt_number"),
        ("msc2190123456", "receipt_number"),
        ("123456789012", "online_account_number"),
        ("1234-5678-9012", "online_account_number"),
        ("A1234567", "length"),
        ("A1234567890", "length"),
        ("A12B456789", "not_digits"),
        ("", "empty"),
        ("  -- ", "empty"),
    ],
)
def test_it_refuses_what_is_not_an_a_number_saying_what_it_is(written, code):
    with pytest.raises(ANumberError) as caught:
        normalize_a_number(written)
    assert caught.value.code == code
    assert str(caught.value.message)


def test_it_names_the_receipt_number_and_the_account_number_in_its_message():
    with pytest.raises(ANumberError) as receipt:
        normalize_a_number("IOE0123456789")
    assert "receipt number" in str(receipt.value.message)
    with pytest.raises(ANumberError) as account:
        normalize_a_number("123456789012")
    assert "online account number" in str(account.value.message)


def test_it_reads_the_stored_form_back_unchanged_and_displays_it_grouped():
    assert normalize_a_number("012345678") == "012345678"
    assert display_a_number("012345678") == "A012-345-678"

"""Phone numbers and e-mail addresses as they are stored, mailed, and looked up through a blind index."""

from __future__ import annotations

import pytest

from vigil.lib.normalize import InvalidAddress, address_key, normalize_contact_value, normalize_email


@pytest.mark.parametrize("raw", ["a@b.", "a@.c", "a<b>@x.org", "a b@x.org", "@x.org", "a@", "plain"])
def test_it_refuses_what_is_not_an_email_address(raw):
    with pytest.raises(InvalidAddress):
        normalize_email(raw)


def test_it_keeps_the_local_part_as_written_and_lower_cases_the_domain():
    assert normalize_email("  Straße@Example.ORG ") == "Straße@example.org"
    assert normalize_email("Ana.Ruiz@Example.org") == "Ana.Ruiz@example.org"


def test_it_keys_one_mailbox_typed_in_two_cases_on_one_index_without_folding_sharp_s():
    assert address_key(normalize_email("Ana.Ruiz@Example.org")) == address_key(normalize_email("ana.ruiz@example.org"))
    assert address_key(normalize_email("Straße@example.org")) == "straße@example.org"
    assert normalize_contact_value("ANA@EXAMPLE.ORG") == "ana@example.org"


def test_it_keys_a_phone_number_on_its_e164_form():
    assert normalize_contact_value("(718) 555-0123") == "+17185550123"

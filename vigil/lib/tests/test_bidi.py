"""Direction marks: removed from what people type, added around left-to-right values in right-to-left texts."""

import pytest
from django.conf import settings

from vigil.lib.bidi import BIDI_CONTROLS, LRI, PDI, is_right_to_left, isolate_ltr, strip_bidi_controls


def test_it_strips_every_bidi_control_and_nothing_else():
    controls = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
    assert set(controls) == BIDI_CONTROLS
    assert strip_bidi_controls(f"\u2067{controls}AB CD\u200f-é\u061c") == "AB CD-é"


@pytest.mark.parametrize("language", ["ar", "ur", "ar-eg", "ur_PK", "AR"])
def test_it_isolates_in_arabic_and_urdu(language):
    assert isolate_ltr("ABCD-EFGH", language) == f"{LRI}ABCD-EFGH{PDI}"


def test_it_isolates_in_no_other_deployment_language():
    # The isolates are outside GSM-7: in an English or Spanish SMS they would make the whole message UCS-2.
    others = [code for code, _name in settings.LANGUAGES if code not in ("ar", "ur")]
    assert len(others) == 10
    for language in [*others, "und", ""]:
        assert not is_right_to_left(language)
        assert isolate_ltr("ABCD-EFGH", language) == "ABCD-EFGH"


def test_it_leaves_an_empty_value_empty():
    assert isolate_ltr("", "ar") == ""


def test_it_ends_a_web_address_with_a_space_before_the_closing_mark():
    # Phones make a link of everything up to the next space: the PDI must not become part of the address.
    assert (
        isolate_ltr("https://vigil.example.org/a?t=1", "ur", link=True) == f"{LRI}https://vigil.example.org/a?t=1 {PDI}"
    )
    assert isolate_ltr("https://vigil.example.org/a?t=1", "en", link=True) == "https://vigil.example.org/a?t=1"

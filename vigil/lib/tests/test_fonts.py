"""The faces for a text in any script: the script's own face for what the Latin face lacks, in the order
the text needs them, the Latin face last; a character no face has refused by its code point; the
paragraph direction by the first strong character."""

from __future__ import annotations

import shutil

import pytest

from vigil.lib import fonts


def _installed() -> bool:
    try:
        fonts.chain("ar"), fonts.chain("bn"), fonts.chain("zh-hans"), fonts.chain("ko")
    except fonts.FontMissing:
        return False
    return shutil.which("fc-list") is not None


needs_fonts = pytest.mark.skipif(not _installed(), reason="fontconfig and the Noto fonts are not installed")


def _families(text: str, **kwargs) -> list[str]:
    return [face.family for face in fonts.chain_for_text(text, **kwargs)]


@needs_fonts
@pytest.mark.parametrize(
    "text,families",
    [
        ("Ana Example", ["Noto Sans"]),
        ("Аня Иванова", ["Noto Sans"]),
        ("محمد علي", ["Noto Naskh Arabic", "Noto Sans"]),
        ("অনিক রহমান", ["Noto Sans Bengali", "Noto Sans"]),
        ("王小明", ["Noto Sans CJK SC", "Noto Sans"]),
        ("김민준", ["Noto Sans CJK KR", "Noto Sans"]),
        ("Wang 王 / محمد", ["Noto Sans CJK SC", "Noto Naskh Arabic", "Noto Sans"]),
    ],
)
def test_it_picks_the_faces_a_text_needs_with_the_latin_face_last(text, families):
    assert _families(text) == families


@needs_fonts
def test_it_prefers_the_readers_own_face():
    assert _families("محمد", preferred=("Noto Nastaliq Urdu",)) == ["Noto Nastaliq Urdu", "Noto Sans"]
    assert _families("王", preferred=("Noto Sans CJK TC",)) == ["Noto Sans CJK TC", "Noto Sans"]


@needs_fonts
def test_it_finds_a_face_for_a_script_outside_the_deployments_languages():
    chain = fonts.chain_for_text("ஆனந்த்")  # Tamil
    assert fonts.uncovered("ஆனந்த்", chain) == set()
    assert chain[-1].family == "Noto Sans"


@needs_fonts
def test_it_refuses_a_character_no_face_has_naming_its_code_point_not_the_text():
    with pytest.raises(fonts.FontMissing) as refused:
        fonts.chain_for_text("Ana \U000e0000 Example")  # an unassigned code point
    assert "U+E0000" in str(refused.value)
    assert "Ana" not in str(refused.value)


@pytest.mark.parametrize(
    "text,direction",
    [
        ("Ana", "ltr"),
        ("محمد Ali", "rtl"),
        ("• محمد", "rtl"),
        ("12 אברהם", "rtl"),
        ("\u2066A123\u2069 محمد", "rtl"),
        ("王小明", "ltr"),
        ("", "ltr"),
    ],
)
def test_it_gives_the_paragraph_direction_by_the_first_strong_character(text, direction):
    assert fonts.direction_of(text) == direction

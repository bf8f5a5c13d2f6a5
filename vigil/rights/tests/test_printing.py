"""The printed card, sheet and flyer: exact sizes, fonts that cover and shape the text, a text layer, a QR
code that scans, digits in order inside right-to-left text, and DRAFT on what is not reviewed."""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from vigil.lib import fonts
from vigil.rights.printing import pdf
from vigil.rights.tests.samples import HOTLINE, LANGUAGES, sample

pdfium = pytest.importorskip("pypdfium2")


def _fonts_installed() -> bool:
    try:
        for language in LANGUAGES:
            fonts.chain(language)
    except fonts.FontMissing:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not _fonts_installed(),
    reason="the Noto fonts are not installed (Debian: fonts-noto-core fonts-noto-cjk; .ci/run installs them)",
)

MM_TO_PT = 72 / 25.4


@functools.cache
def card(language: str, reviewed: bool = False) -> bytes:
    return pdf.render_card(sample(language, reviewed=reviewed))


def _pages(data: bytes):
    return pdfium.PdfDocument(data)


def _text(data: bytes, page: int) -> str:
    return _pages(data)[page].get_textpage().get_text_range()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _font_streams(data: bytes) -> list[bytes]:
    """The embedded font programs (FontFile2 streams) of a PDF written by fpdf2."""
    streams = []
    for number in re.findall(rb"/FontFile2 (\d+) 0 R", data):
        match = re.search(rb"\n%s 0 obj\s*<<(.*?)>>\s*stream\r?\n" % number, data, re.S)
        length = int(re.search(rb"/Length (\d+)", match.group(1)).group(1))
        raw = data[match.end() : match.end() + length]
        streams.append(zlib.decompress(raw) if b"FlateDecode" in match.group(1) else raw)
    return streams


def test_it_prints_a_card_of_exactly_85_by_55_mm_front_and_back():
    document = _pages(card("en"))
    assert len(document) == 2
    for page in document:
        width, height = page.get_size()
        assert width == pytest.approx(85 * MM_TO_PT, abs=0.1)
        assert height == pytest.approx(55 * MM_TO_PT, abs=0.1)


@pytest.mark.parametrize("paper,size", [("letter", (612.0, 792.0)), ("a4", (595.28, 841.89))])
def test_it_prints_a_sheet_of_eight_on_letter_and_a4_with_the_backs_mirrored(paper, size):
    data = pdf.render_sheet(sample("ar"), paper)
    document = _pages(data)
    assert len(document) == 2
    for page in document:
        assert page.get_size() == pytest.approx(size, abs=0.1)
    # Eight fronts on page 1, eight backs on page 2.
    assert _squash(_text(data, 0)).count(_squash(sample("ar").hotline)) == 8
    assert _squash(_text(data, 1)).count("Documentwhatyousee") == 8
    left, top = pdf.sheet_origin(paper)
    assert left > pdf.CUT_MARK + 1 and top > pdf.CUT_MARK + 1  # the cut marks stay on the page


def test_it_puts_each_back_behind_its_front_for_long_edge_duplex(monkeypatch):
    placed = {"front": [], "back": []}
    monkeypatch.setattr(pdf, "_front", lambda _pdf, _ff, _content, x, y: placed["front"].append((x, y)))
    monkeypatch.setattr(pdf, "_back", lambda _pdf, _ff, _content, x, y: placed["back"].append((x, y)))
    pdf.render_sheet(sample("en"), "letter")
    page_width = pdf.PAPERS["letter"][0]
    assert len(placed["front"]) == len(placed["back"]) == 8
    # Turned over its long edge, a point at x on the front lies at page_width - x on the back: each
    # back's right edge is its front's left edge mirrored, on the same row.
    for (fx, fy), (bx, by) in zip(placed["front"], placed["back"], strict=True):
        assert fy == by
        assert bx + pdf.CARD_W == pytest.approx(page_width - fx)


def test_it_refuses_a_text_no_installed_font_covers_and_names_the_fonts():
    content = sample("bn")
    broken = content.__class__(**{**content.__dict__, "rights": ("\U00013000",)})
    with pytest.raises(fonts.FontMissing, match="Noto Sans Bengali, Noto Sans cannot print 1 character"):
        pdf.render_card(broken)


def test_it_checks_coverage_before_rendering_with_the_latin_fallback_for_punctuation():
    chain = fonts.chain("ar")
    assert fonts.uncovered("وثّق / https://vigil.example.org - 212", chain) == set()
    # The Arabic face alone would drop the slash, the hyphen and the address's letters.
    assert {"/", "-", "h"} <= fonts.uncovered("/ - https", chain[:1])


@pytest.mark.parametrize("language", ["ar", "ur", "bn"])
def test_it_shapes_the_text_and_embeds_the_shaped_glyphs(language):
    uharfbuzz = pytest.importorskip("uharfbuzz")
    from fontTools.ttLib import TTFont

    face = fonts.chain(language)[0]
    line = sample(language).rights[1]
    original = TTFont(face.path, fontNumber=face.index)
    order, cmap, glyf = original.getGlyphOrder(), original.getBestCmap(), original["glyf"]
    hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(face.path), face.index))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(line)
    buffer.guess_segment_properties()
    uharfbuzz.shape(hb_font, buffer, {})
    shaped = {order[info.codepoint] for info in buffer.glyph_infos}
    plain = {cmap[ord(ch)] for ch in line if ord(ch) in cmap}
    assert shaped - plain, "shaping changed no glyph: the plain cmap glyphs would print unjoined letters"

    def outline(font, name):
        coordinates, ends, _ = font["glyf"][name].getCoordinates(font["glyf"])
        return (tuple(map(tuple, coordinates)), tuple(ends))

    embedded = set()
    for stream in _font_streams(card(language)):
        subset = TTFont(io.BytesIO(stream))
        if "glyf" in subset:
            embedded |= {outline(subset, name) for name in subset.getGlyphOrder()}
    contextual = {outline(original, name) for name in shaped - plain if glyf[name].numberOfContours}
    assert contextual and contextual <= embedded


@pytest.mark.parametrize(
    "language,family",
    [("ar", "NotoNaskhArabic"), ("ur", "NotoNastaliqUrdu"), ("bn", "NotoSansBengali"), ("en", "NotoSans")],
)
def test_it_embeds_the_expected_families_as_subsets(language, family):
    names = set(re.findall(rb"/BaseFont /([A-Z]{6})\+([A-Za-z-]+)", card(language)))
    assert any(name.decode().startswith(family) for _, name in names)
    assert b"NotoSans" in {name[:8] for _, name in names}  # the Latin fallback rides along


@pytest.mark.parametrize("language", ["en", "es", "ru", "zh-hans", "zh-hant", "ko", "ar", "ht", "fr", "pl"])
def test_it_keeps_a_text_layer_pdfium_reads(language):
    expected = sample(language).rights[1]
    assert _squash(expected) in _squash(_text(card(language), 0))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_it_keeps_a_bengali_text_layer_pdftotext_reads():
    # pdfium splits Bengali vowel signs from their consonants; poppler reads the ToUnicode map whole.
    # Urdu in Nastaliq is read by no extractor we have: its text layer is not tested (docs/rights.md).
    result = subprocess.run(["pdftotext", "-", "-"], input=card("bn"), capture_output=True, check=True)
    assert _squash(sample("bn").rights[1]) in _squash(result.stdout.decode("utf-8"))


@pytest.mark.parametrize("language", ["en", "ar", "zh-hant"])
def test_it_prints_a_qr_code_that_scans_to_the_report_form_in_that_language(language):
    zxingcpp = pytest.importorskip("zxingcpp")
    back = _pages(card(language))[1]
    image = back.render(scale=150 / 72).to_pil()
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [sample(language).report_address]
    assert pdf.QR_MM >= 18 and pdf.QR_ERROR in ("m", "q", "h")


def test_it_refuses_a_text_that_does_not_fit_at_the_smallest_size():
    content = sample("ko")
    crowded = content.__class__(**{**content.__dict__, "rights": content.rights * 6})
    with pytest.raises(pdf.DoesNotFit, match="at 9 pt"):
        pdf.render_card(crowded)


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_it_prints_the_hotline_digit_groups_in_order_in_right_to_left_text(language):
    page = _pages(card(language))[0].get_textpage()
    lines: dict[int, list[tuple[float, str]]] = {}
    for i in range(page.count_chars()):
        if page.get_text_range(i, 1).isdigit():
            left, bottom, _, top = page.get_charbox(i)
            lines.setdefault(round((bottom + top) / 2), []).append((left, page.get_text_range(i, 1)))
    hotline_digits = re.sub(r"\D", "", HOTLINE)
    # The hotline's line is the one with its ten digits (the version line has five); read by position.
    (hotline_line,) = [sorted(line) for line in lines.values() if len(line) == len(hotline_digits)]
    assert "".join(d for _, d in hotline_line) == hotline_digits


def test_it_would_reverse_the_digit_groups_without_isolation():
    from fpdf import FPDF

    face = fonts.chain("ar")
    document = FPDF(unit="mm", format=(85, 55))
    document.add_page()
    document.add_font("ar", fname=face[0].path)
    document.add_font("latin", fname=face[1].path)
    document.set_font("ar", size=9)
    document.set_fallback_fonts(["latin"])
    document.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="ar")
    document.multi_cell(80, 5, f"{sample('ar').hotline_label} {HOTLINE}", align="R")
    page = pdfium.PdfDocument(bytes(document.output()))[0].get_textpage()
    digits = sorted(
        (page.get_charbox(i)[0], page.get_text_range(i, 1))
        for i in range(page.count_chars())
        if page.get_text_range(i, 1).isdigit()
    )
    assert "".join(d for _, d in digits) != re.sub(r"\D", "", HOTLINE)


def test_it_prints_draft_across_both_sides_until_reviewed():
    draft, reviewed = card("en"), card("en", reviewed=True)
    assert "DRAFT" in _text(draft, 0) and "DRAFT" in _text(draft, 1)
    assert "DRAFT" not in _text(reviewed, 0) + _text(reviewed, 1)
    assert "Reviewed by Example Legal Aid" in _text(reviewed, 0)


def test_it_prints_the_review_line_version_and_html_address_and_sets_language_and_title():
    data = pdf.render_flyer(sample("es", reviewed=True), "a4")
    text = _squash(_text(data, 0))
    assert _squash(sample("es").html_address) in text and "v13f2a9c1" in text
    assert b"/Lang (es)" in data
    assert _pages(data).get_metadata_dict()["Title"].startswith(sample("es").title)


def test_it_names_a_file_by_its_content():
    assert sample("es").digest() == sample("es").digest()
    assert sample("es").digest() != sample("es", reviewed=True).digest()
    assert card("fr") == pdf.render_card(sample("fr"))  # the same content makes the same bytes


REFERENCES = Path(__file__).parent / "references"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_renders_each_language_as_its_committed_reference(language):
    """A 100 dpi render of each side against the one committed in references/. Regenerate them, after
    looking at them, with VIGIL_WRITE_REFERENCES=1 make test -k reference (a font or layout change)."""
    from PIL import Image, ImageChops

    for side, page in enumerate(_pages(card(language))):
        image = page.render(scale=100 / 72).to_pil().convert("L")
        path = REFERENCES / f"{language}-card-{side + 1}.png"
        if os.environ.get("VIGIL_WRITE_REFERENCES") == "1":
            path.parent.mkdir(exist_ok=True)
            image.save(path, optimize=True)
        reference = Image.open(path).convert("L")
        assert image.size == reference.size
        histogram = ImageChops.difference(image, reference).histogram()
        changed = sum(histogram[65:]) / (image.size[0] * image.size[1])
        assert changed < 0.005, f"{path.name}: {changed:.2%} of the pixels differ"

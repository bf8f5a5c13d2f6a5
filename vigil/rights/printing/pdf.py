"""Cards, sheets of cards and flyers as PDF, with fpdf2 (layout, HarfBuzz shaping through uharfbuzz, font
subsetting) and segno (QR codes). docs/decisions.md says why fpdf2 rather than WeasyPrint.

Sizes are in millimetres; font sizes in points. A card is 85 × 55 mm. A sheet holds 8 cards in 2 columns and
4 rows, with cut marks outside the grid; its second page holds the backs, mirrored left to right, so that a
long-edge duplex print puts each back behind its front.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from vigil.lib import fonts
from vigil.lib.bidi import LRI, PDI
from vigil.rights.printing.content import CardContent

# fontTools logs every table it prunes while subsetting, at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

PT = 25.4 / 72  # millimetres per point
CARD_W, CARD_H = 85.0, 55.0
PAPERS = {"letter": (215.9, 279.4), "a4": (210.0, 297.0)}
SHEET_COLUMNS, SHEET_ROWS = 2, 4
CARD_PADDING = 3.5
CARD_GAP = 0.3  # mm between the front's statements
CUT_MARK = 4.0  # length of a cut mark, outside the grid
# At least 18 mm with its quiet zone, error correction M or higher (a creased card still scans).
QR_MM = 19.0
QR_BORDER = 4  # modules of quiet zone, as the QR standard asks
QR_ERROR = "m"
ENGLISH = "en"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


class DoesNotFit(Exception):
    """The text does not fit its box even at the smallest size allowed for its script."""


@dataclass
class _Fonts:
    """The faces registered in one PDF, by language: the main family name and its fallbacks."""

    pdf: FPDF
    registered: dict[str, tuple[str, list[str]]]

    def use(self, language: str, size: float) -> fonts.Script:
        script = fonts.script_for(language)
        if language not in self.registered:
            names = []
            for i, face in enumerate(fonts.chain(language)):
                name = f"{language}-{i}"
                self.pdf.add_font(name, fname=face.path, collection_font_number=face.index)
                names.append(name)
            self.registered[language] = (names[0], names[1:])
        main, fallbacks = self.registered[language]
        self.pdf.set_font(main, size=size)
        self.pdf.set_fallback_fonts(fallbacks, exact_match=False)
        self.pdf.set_text_shaping(
            use_shaping_engine=True, direction=script.direction, script=script.script, language=script.language
        )
        return script


def isolate(value: str, language: str) -> str:
    """A phone number, code or web address isolated left to right inside right-to-left text: unisolated,
    "212-555-0100" in Arabic prints as "0100-555-212"."""
    return f"{LRI}{value}{PDI}" if fonts.script_for(language).direction == "rtl" else value


def _new_pdf(content: CardContent, size: tuple[float, float], title: str) -> tuple[FPDF, _Fonts]:
    pdf = FPDF(unit="mm", format=size)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.set_lang(content.language)
    pdf.set_title(title)
    pdf.set_creator("Vigil")
    pdf.set_producer("Vigil")
    # A fixed date keeps the file a function of its content, so its name (a hash) is stable.
    pdf.set_creation_date(FIXED_DATE)
    return pdf, _Fonts(pdf, {})


def _line_mm(size: float, script: fonts.Script) -> float:
    return size * script.line_height * PT


def _paragraphs_height(pdf: FPDF, ff: _Fonts, language: str, texts, width: float, size: float, gap: float):
    script = ff.use(language, size)
    total = 0.0
    for text in texts:
        total += pdf.multi_cell(
            width, _line_mm(size, script), text, dry_run=True, output=MethodReturnValue.HEIGHT, align="L"
        )
    return total + gap * max(0, len(texts) - 1)


def fit_size(pdf, ff, language, texts, width, height, *, largest: float, gap: float = 0.8) -> float:
    """The largest size, in half points, at which the paragraphs fit the box; never below the script's
    minimum body size (DoesNotFit then)."""
    smallest = fonts.script_for(language).min_body_pt
    size = largest
    while size >= smallest:
        if _paragraphs_height(pdf, ff, language, texts, width, size, gap) <= height:
            return size
        size -= 0.5
    raise DoesNotFit(f"{language}: the text does not fit {width:.1f} x {height:.1f} mm at {smallest} pt")


def _write(pdf, ff, language, texts, x, y, width, size, gap=0.8) -> float:
    script = ff.use(language, size)
    align = "R" if script.direction == "rtl" else "L"
    for i, text in enumerate(texts):
        pdf.set_xy(x, y)
        y += pdf.multi_cell(width, _line_mm(size, script), text, align=align, output=MethodReturnValue.HEIGHT)
        if i < len(texts) - 1:
            y += gap
    return y


def _draft_mark(pdf, ff, x, y, w, h, label: str, language: str) -> None:
    """DRAFT across the side, light grey under the text: readable in black and white, never hiding it."""
    size = min(w, h) * 0.9 / PT / max(3, len(label)) * 1.6
    ff.use(language, size)
    pdf.set_text_color(200)
    with pdf.rotation(angle=28, x=x + w / 2, y=y + h / 2):
        pdf.set_xy(x, y + h / 2 - size * PT / 2)
        pdf.cell(w, size * PT, label, align="C")
    pdf.set_text_color(0)


def draw_qr(pdf: FPDF, address: str, x: float, y: float, size_mm: float = QR_MM) -> None:
    """The QR code as filled rectangles (vector: sharp at any print resolution), quiet zone included in
    `size_mm`. Runs of dark modules in a row are one rectangle each."""
    code = segno.make(address, error=QR_ERROR, micro=False)
    rows = list(code.matrix_iter(scale=1, border=QR_BORDER))
    module = size_mm / len(rows)
    pdf.set_fill_color(0)
    for r, row in enumerate(rows):
        start = None
        for c, dark in enumerate(list(row) + [False]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
                start = None


# The front's margin when its text needs the room (Nastaliq's tall lines): still clear of a 1 mm cutting error.
CARD_PADDING_TIGHT = 2.5


def _front_layouts(content: CardContent) -> list[tuple[float, list[str], list[str]]]:
    """The front's layouts to try, in order, as (margin, footer, small print): the hotline above the review
    line and version; then, for a script whose lines are too tall for that (Nastaliq's), a narrower margin and
    all three on one line."""
    lang = content.language
    hotline = f"{content.hotline_label} {isolate(content.hotline, lang)}"
    review = f"{content.review_line} · {isolate(content.version, lang)}"
    return [(CARD_PADDING, [hotline], [review]), (CARD_PADDING_TIGHT, [f"{hotline}  {review}"], [])]


def _front(pdf, ff, content: CardContent, x: float, y: float) -> None:
    lang = content.language
    script = fonts.script_for(lang)
    title_size = script.min_body_pt + 1.5
    one_line = _line_mm(script.min_body_pt, script) + 0.01
    body = [f"• {line}" for line in content.rights]
    for padding, footer, small in _front_layouts(content):
        inner_w = CARD_W - 2 * padding
        footer_h = _paragraphs_height(pdf, ff, lang, footer, inner_w, script.min_body_pt, 0)
        small_h = _paragraphs_height(pdf, ff, lang, small, inner_w, script.min_body_pt, 0) if small else 0.0
        if not small and footer_h > one_line:
            continue  # the one-line footer wraps: no room is gained
        top = y + padding + _paragraphs_height(pdf, ff, lang, [content.title], inner_w, title_size, 0)
        bottom = y + CARD_H - padding - footer_h - small_h - 0.5
        # The wallet card's statements sit closer than a flyer's paragraphs: five of them must fit 85 × 55 mm
        # at 9 pt in the scripts that need it.
        try:
            size = fit_size(
                pdf, ff, lang, body, inner_w, bottom - top - 1.0, largest=script.min_body_pt + 2.5, gap=CARD_GAP
            )
        except DoesNotFit:
            continue
        break
    else:
        raise DoesNotFit(f"{lang}: the wallet card's front does not fit at {script.min_body_pt} pt")
    if not content.reviewed:
        _draft_mark(pdf, ff, x, y, CARD_W, CARD_H, content.draft_label, lang)
    _write(pdf, ff, lang, [content.title], x + padding, y + padding, inner_w, title_size)
    _write(pdf, ff, lang, body, x + padding, top + 0.5, inner_w, size, gap=CARD_GAP)
    _write(pdf, ff, lang, footer, x + padding, bottom, inner_w, script.min_body_pt)
    if small:
        _write(pdf, ff, lang, small, x + padding, bottom + footer_h + 0.5, inner_w, script.min_body_pt)


def _back(pdf, ff, content: CardContent, x: float, y: float) -> None:
    """The side shown to officers: in English, with the QR code and the address beside it."""
    text_w = CARD_W - 2 * CARD_PADDING - QR_MM - 1.5
    if not content.reviewed:
        _draft_mark(pdf, ff, x, y, CARD_W, CARD_H, "DRAFT", ENGLISH)
    minimum = fonts.script_for(ENGLISH).min_body_pt
    top = _write(pdf, ff, ENGLISH, [content.officer_title], x + CARD_PADDING, y + CARD_PADDING, text_w, minimum + 1.5)
    small = [content.back_review_line + " · " + content.version]
    small_h = _paragraphs_height(pdf, ff, ENGLISH, small, CARD_W - 2 * CARD_PADDING, minimum, 0)
    bottom = y + CARD_H - CARD_PADDING - small_h
    size = fit_size(pdf, ff, ENGLISH, list(content.officer_lines), text_w, bottom - top - 1.0, largest=minimum + 2)
    _write(pdf, ff, ENGLISH, list(content.officer_lines), x + CARD_PADDING, top + 0.5, text_w, size)
    qr_x = x + CARD_W - CARD_PADDING - QR_MM
    draw_qr(pdf, content.report_address, qr_x, y + CARD_PADDING)
    # The address printed under the code, for a phone that cannot scan.
    ff.use(ENGLISH, minimum)
    pdf.set_xy(qr_x - 6, y + CARD_PADDING + QR_MM + 0.3)
    pdf.multi_cell(QR_MM + 6, _line_mm(minimum, fonts.script_for(ENGLISH)), content.report_address, align="C")
    _write(pdf, ff, ENGLISH, small, x + CARD_PADDING, bottom, CARD_W - 2 * CARD_PADDING, minimum)


def render_card(content: CardContent) -> bytes:
    """One card: page 1 the front, page 2 the back, each exactly 85 × 55 mm."""
    fonts.check_coverage(content.language, _front_texts(content))
    fonts.check_coverage(ENGLISH, _back_texts(content))
    pdf, ff = _new_pdf(content, (CARD_W, CARD_H), f"{content.title} ({content.html_address})")
    pdf.add_page()
    _front(pdf, ff, content, 0, 0)
    pdf.add_page()
    _back(pdf, ff, content, 0, 0)
    return bytes(pdf.output())


def _cut_marks(pdf: FPDF, left: float, top: float) -> None:
    pdf.set_draw_color(0)
    pdf.set_line_width(0.15)
    width, height = SHEET_COLUMNS * CARD_W, SHEET_ROWS * CARD_H
    for c in range(SHEET_COLUMNS + 1):
        x = left + c * CARD_W
        pdf.line(x, top - CUT_MARK - 1, x, top - 1)
        pdf.line(x, top + height + 1, x, top + height + CUT_MARK + 1)
    for r in range(SHEET_ROWS + 1):
        y = top + r * CARD_H
        pdf.line(left - CUT_MARK - 1, y, left - 1, y)
        pdf.line(left + width + 1, y, left + width + CUT_MARK + 1, y)


def sheet_origin(paper: str) -> tuple[float, float]:
    page_w, page_h = PAPERS[paper]
    return (page_w - SHEET_COLUMNS * CARD_W) / 2, (page_h - SHEET_ROWS * CARD_H) / 2


def render_sheet(content: CardContent, paper: str = "letter") -> bytes:
    """Eight cards on Letter or A4: page 1 the fronts, page 2 the backs mirrored for long-edge duplex."""
    fonts.check_coverage(content.language, _front_texts(content))
    fonts.check_coverage(ENGLISH, _back_texts(content))
    pdf, ff = _new_pdf(content, PAPERS[paper], f"{content.title} ({content.html_address})")
    left, top = sheet_origin(paper)
    for side in (_front, _back):
        pdf.add_page()
        _cut_marks(pdf, left, top)
        for r in range(SHEET_ROWS):
            for c in range(SHEET_COLUMNS):
                column = c if side is _front else SHEET_COLUMNS - 1 - c
                side(pdf, ff, content, left + column * CARD_W, top + r * CARD_H)
    return bytes(pdf.output())


def render_flyer(content: CardContent, paper: str = "letter") -> bytes:
    """One page: the title, the rights, the hotline, the QR code with its address, the HTML version's
    address, the review line and version."""
    fonts.check_coverage(content.language, _front_texts(content) + [content.report_label, content.html_address])
    page_w, page_h = PAPERS[paper]
    pdf, ff = _new_pdf(content, (page_w, page_h), f"{content.title} ({content.html_address})")
    pdf.add_page()
    lang = content.language
    margin = 18.0
    width = page_w - 2 * margin
    if not content.reviewed:
        _draft_mark(pdf, ff, 0, 0, page_w, page_h, content.draft_label, lang)
    y = _write(pdf, ff, lang, [content.title], margin, margin, width, 22)
    body = list(content.rights)
    qr_block = 50.0
    size = fit_size(pdf, ff, lang, body, width, page_h - y - margin - qr_block - 12, largest=14, gap=3)
    y = _write(pdf, ff, lang, body, margin, y + 6, width, size, gap=3)
    y = _write(pdf, ff, lang, [f"{content.hotline_label} {isolate(content.hotline, lang)}"], margin, y + 6, width, 14)
    qr_size = 32.0
    draw_qr(pdf, content.report_address, margin, y + 4, qr_size)
    text_x = margin + qr_size + 5
    lines = [content.report_label, isolate(content.report_address, lang), isolate(content.html_address, lang)]
    _write(pdf, ff, lang, lines, text_x, y + 8, width - qr_size - 5, 11, gap=1.5)
    small = f"{content.review_line} · {isolate(content.version, lang)}"
    _write(pdf, ff, lang, [small], margin, page_h - margin, width, fonts.script_for(lang).min_body_pt + 1)
    return bytes(pdf.output())


def _front_texts(content: CardContent) -> list[str]:
    return [
        content.title,
        *content.rights,
        content.hotline_label,
        content.hotline,
        content.review_line,
        content.version,
        content.draft_label,
    ]


def _back_texts(content: CardContent) -> list[str]:
    return [
        content.officer_title,
        *content.officer_lines,
        content.report_address,
        content.back_review_line,
        content.version,
        "DRAFT",
    ]

"""The referral packet as a print-ready PDF (US Letter): the very dict of `actions.referral_packet`, laid out
for the provider's staff, with nothing added but the provider's name, the time it was made and the labels.

Labels are in the reader's language (the staff member's interface language, English unless they chose
another), dates in the deployment's time zone by Babel. Names, aliases and places may be in any script:
each text is printed with the faces its characters need (`vigil.lib.fonts.chain_for_text`, the Latin face
last) and shaped by HarfBuzz in its own direction, so an Arabic name reads right to left on an English
page and a code reads left to right on an Arabic one. A character no installed face covers stops the
rendering (`fonts.FontMissing`) rather than printing a box. Every page ends with "Confidential — for
<provider> only — page N of M".
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import TTFFont

from vigil.cases.anumber import display_a_number
from vigil.cases.language_names import display_name
from vigil.cases.models import Case, DetentionStatus, Referral, ServiceKind
from vigil.cases.urgency import UrgentNeed
from vigil.lib import fonts
from vigil.lib.bidi import BIDI_CONTROLS, PDI
from vigil.templatetags.localeformat import babel_locale, in_locale_digits

# fontTools logs every table it prunes while subsetting, at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

PT = 25.4 / 72  # millimetres per point
LETTER = (215.9, 279.4)
MARGIN = 18.0
FOOTER_ROOM = 16.0  # mm kept free at the bottom of every page for the footer
LRI, FSI = "\u2066", "\u2068"
TITLE_PT, HEADING_PT, LABEL_PT, VALUE_PT, SMALL_PT = 16, 12.5, 8.5, 11, 8.5
GREY = 90


class _FaceWithoutBidiControls(TTFFont):
    """A face that draws no glyph for the isolates around a code or a name. HarfBuzz gives each one the
    space glyph with no advance; the PDF still lists that glyph at the space's width, over the next
    letter, and a reader such as poppler then takes that letter for another line ("AJ10…" read back as
    "J10…" and "A" on a page in Arabic). The direction they set is already applied: fpdf2 orders runs
    before it shapes them."""

    __slots__ = ()

    def shape_text(self, text, font_size_pt, text_shaping_params):
        if not text.strip("".join(BIDI_CONTROLS)):
            return []
        return super().shape_text(text, font_size_pt, text_shaping_params)

    def perform_harfbuzz_shaping(self, text, font_size_pt, text_shaping_params):
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        drawn = [i for i, info in enumerate(infos) if text[info.cluster] not in BIDI_CONTROLS]
        return [infos[i] for i in drawn], [positions[i] for i in drawn]


class PacketDocument:
    """One PDF being written: the faces registered so far, the reading direction of its labels."""

    def __init__(self, *, title: str, language: str):
        self.language = language
        self.rtl = language.split("-")[0] in settings.LANGUAGES_BIDI
        # The labels' own faces first (Nastaliq for an Urdu reader, the Traditional Chinese face for a
        # zh-hant one); a name's characters they lack find their own.
        script = fonts.SCRIPTS.get(language)
        self.preferred = script.families[:-1] if script else ()
        self.pdf = FPDF(unit="mm", format=LETTER)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(True, margin=FOOTER_ROOM + 4)
        self.pdf.c_margin = 0
        self.pdf.set_lang(language)
        self.pdf.set_title(title)
        self.pdf.set_creator("Vigil")
        self.pdf.set_producer("Vigil")
        self.registered: dict[fonts.Face, str] = {}
        self.width = LETTER[0] - 2 * MARGIN

    def isolate(self, value: str, *, ltr: bool = True) -> str:
        """A code or a number (left to right) or a name (its own direction) isolated inside a sentence of a
        right-to-left page; unchanged on a left-to-right page."""
        if not self.rtl or not value:
            return value
        return f"{LRI if ltr else FSI}{value}{PDI}"

    def _use(self, text: str, size: float) -> float:
        """Set the faces and shaping for `text`; the line height in mm."""
        chain = fonts.chain_for_text(text, preferred=self.preferred)
        names = []
        for face in chain:
            if face not in self.registered:
                name = f"face{len(self.registered)}"
                self.pdf.add_font(name, fname=face.path, collection_font_number=face.index)
                # fpdf2's add_font builds the TTFFont itself; the subclass adds behaviour, not state.
                self.pdf.fonts[name].__class__ = _FaceWithoutBidiControls
                self.registered[face] = name
            names.append(self.registered[face])
        self.pdf.set_font(names[0], size=size)
        self.pdf.set_fallback_fonts(names[1:], exact_match=False)
        self.pdf.set_text_shaping(use_shaping_engine=True, direction=fonts.direction_of(text))
        return size * fonts.line_height_for(chain) * PT

    def height(self, text: str, size: float) -> float:
        line = self._use(text, size)
        return self.pdf.multi_cell(self.width, line, text, dry_run=True, output=MethodReturnValue.HEIGHT)

    def write(self, text: str, size: float, *, grey: bool = False, after: float = 0.0) -> None:
        line = self._use(text, size)
        self.pdf.set_text_color(GREY if grey else 0)
        self.pdf.set_x(MARGIN)
        self.pdf.multi_cell(self.width, line, text, align="R" if self.rtl else "L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_text_color(0)
        self.pdf.set_y(self.pdf.get_y() + after)

    def keep_room(self, needed: float) -> None:
        if self.pdf.get_y() + needed > self.pdf.h - self.pdf.b_margin:
            self.pdf.add_page()

    def heading(self, text: str) -> None:
        self.keep_room(self.height(text, HEADING_PT) + 14)
        self.pdf.set_y(self.pdf.get_y() + 4)
        self.write(text, HEADING_PT, after=0.8)
        self.pdf.set_draw_color(150)
        self.pdf.set_line_width(0.2)
        self.pdf.line(MARGIN, self.pdf.get_y(), LETTER[0] - MARGIN, self.pdf.get_y())
        self.pdf.set_y(self.pdf.get_y() + 2)

    def field(self, label: str, values) -> None:
        """A label over its value, or over one line per value; nothing for an empty value."""
        values = [v for v in ([values] if isinstance(values, str) else values) if v]
        if not values:
            return
        self.keep_room(self.height(label, LABEL_PT) + self.height(values[0], VALUE_PT))
        self.write(label, LABEL_PT, grey=True)
        for i, value in enumerate(values):
            self.write(value, VALUE_PT, after=2.2 if i == len(values) - 1 else 0.6)

    def footers(self, provider: str) -> None:
        """The footer, "Confidential — for <provider> only — page N of M", on every page once all are known."""
        total = self.pdf.page
        self.pdf.set_auto_page_break(False)
        for number in range(1, total + 1):
            self.pdf.page = number
            # fpdf2 skips a set_font equal to the last one, though that one was set on another page: this
            # page's stream must be told the footer's font and size.
            self.pdf.font_family = ""
            text = _("Confidential — for %(provider)s only — page %(page)s of %(pages)s") % {
                "provider": self.isolate(provider, ltr=False),
                "page": self.isolate(self.digits(number)),
                "pages": self.isolate(self.digits(total)),
            }
            line = self._use(text, SMALL_PT)
            self.pdf.set_draw_color(150)
            self.pdf.line(MARGIN, LETTER[1] - FOOTER_ROOM, LETTER[0] - MARGIN, LETTER[1] - FOOTER_ROOM)
            self.pdf.set_xy(MARGIN, LETTER[1] - FOOTER_ROOM + 2)
            self.pdf.multi_cell(self.width, line, text, align="C")

    def digits(self, number: int) -> str:
        return in_locale_digits(str(number), babel_locale())

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _when(value: str | None) -> str:
    """An ISO moment of the packet in the deployment's time zone, in the reader's locale."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    locale = babel_locale()
    return in_locale_digits(format_datetime(moment, "long", tzinfo=ZoneInfo(settings.TIME_ZONE), locale=locale), locale)


def _label(choices, code: str) -> str:
    return str(dict(choices).get(code, code))


def _borough(code: str) -> str:
    from vigil.incidents.labels import borough_choices

    return dict(borough_choices()).get(code, code) if code else ""


def render(packet: dict, *, provider_name: str, generated_at: datetime) -> bytes:
    """The packet as PDF bytes, labels in the active language. Raises fonts.FontMissing when a character
    of the packet has no installed face."""
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    referral, case, person = packet["referral"], packet["case"], packet["person"]
    doc = PacketDocument(title=f"Referral packet {case['code']}", language=language)
    doc.pdf.set_creation_date(generated_at)
    doc.pdf.add_page()

    doc.write(_("Referral packet: case %(code)s") % {"code": doc.isolate(case["code"])}, TITLE_PT, after=1)
    doc.write(_("For %(provider)s") % {"provider": doc.isolate(provider_name, ltr=False)}, VALUE_PT + 1, after=0.5)
    generated = _("Generated %(when)s") % {"when": _when(generated_at.isoformat())}
    doc.write(generated, SMALL_PT, grey=True, after=2)

    doc.heading(_("The detained person"))
    doc.field(_("Name"), person["name"])
    doc.field(_("Other names"), person["aliases"])
    doc.field(_("Date of birth"), person["birth_date"] or "")
    doc.field(_("Country of birth"), person["birth_country"])
    doc.field(_("A-number"), display_a_number(person["a_number"]) if person["a_number"] else "")

    doc.heading(_("Urgent needs"))
    needs = [f"• {_label(UrgentNeed.choices, code)}" for code in case["urgent_needs"]]
    for i, line in enumerate(needs or [_("None recorded.")]):
        doc.write(line, VALUE_PT, after=2 if i == len(needs) - 1 else 0.6)

    doc.heading(_("Case"))
    doc.field(_("State"), _label(Case.State.choices, case["state"]))
    doc.field(_("Tier"), doc.digits(case["urgency_tier"]))
    doc.field(_("Services needed"), [_label(ServiceKind.choices, code) for code in case["services_needed"]])
    doc.field(_("Detention status"), _label(DetentionStatus.choices, case["detention_status"]))
    doc.field(_("Language"), display_name(case["language"], language) if case["language"] else "")
    doc.field(_("Family's borough"), _borough(case["borough"]))
    doc.field(_("When taken"), _when(case["taken_at"]))
    doc.field(_("Where taken"), case["taken_place"])

    doc.heading(_("Referral"))
    doc.field(_("Service"), _label(ServiceKind.choices, referral["service"]))
    doc.field(_("State"), _label(Referral.State.choices, referral["state"]))
    doc.field(_("Sent on"), _when(referral["sent_at"]))
    doc.field(_("Answer due"), _when(referral["response_due_at"]))
    doc.field(_("Referral ID"), referral["id"])
    if referral["conflict_review"]:
        doc.write(_("Another case from the same incident was sent to this provider: review conflicts."), VALUE_PT)

    check = packet.get("conflict_check")
    if check:
        doc.heading(_("For your conflict check"))
        doc.field(_("Name"), check.get("person_name", ""))
        doc.field(_("Other names"), check.get("aliases", []))
        doc.field(_("Related parties"), check.get("related_parties", []))
        doc.field(_("Workplace"), check.get("workplace", ""))

    doc.footers(provider_name)
    return doc.output()

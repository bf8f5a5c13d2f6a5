"""The red card as the printer needs it: CardContent per language from the card's texts, and the PDF files
rendered ahead of time into MEDIA_ROOT/rights/<CardContent.digest()>/ (a request only links them)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.lib.urls import public_url
from vigil.rights import content, library
from vigil.rights.models import SOURCE_LANGUAGE, Revision
from vigil.rights.printing.content import CardContent

CARD_SLUG = "red-card"
FILES = (
    ("card.pdf", "card", None),
    ("sheet-letter.pdf", "sheet", "letter"),
    ("sheet-a4.pdf", "sheet", "a4"),
    ("flyer-letter.pdf", "flyer", "letter"),
    ("flyer-a4.pdf", "flyer", "a4"),
)
# What each file is, in the reader's words (the file names stay ASCII for every system that saves them).
FILE_LABELS = {
    "card.pdf": gettext_lazy("Wallet card, 85 × 55 mm"),
    "sheet-letter.pdf": gettext_lazy("Sheet of 8 cards, Letter"),
    "sheet-a4.pdf": gettext_lazy("Sheet of 8 cards, A4"),
    "flyer-letter.pdf": gettext_lazy("Flyer, Letter"),
    "flyer-a4.pdf": gettext_lazy("Flyer, A4"),
}
FONT_MISSING = "font-missing.txt"
# The files whose text does not fit their boxes at the script's smallest size, one name a line.
NOT_FITTING = "does-not-fit.txt"
DIGEST = re.compile(r"^[0-9a-f]{64}$")
MARKERS = re.compile(r"\s*\[\[[a-z]+(?::[a-z0-9_-]+)?\]\]")


def output_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "rights"


def _lines(revision: Revision) -> tuple[str, ...]:
    return tuple(MARKERS.sub("", line).strip() for line in content.plain(revision.body))


def review_line(item: library.Shown) -> str:
    if item.review is None:
        return _("Draft, not reviewed by a lawyer")
    return _("Reviewed by %(organization)s, %(date)s") % {
        "organization": item.review.organization.name,
        "date": date_format(item.review.reviewed_at, "DATE_FORMAT"),
    }


def _english_review_line(item: library.Shown) -> str:
    with translation.override(SOURCE_LANGUAGE):
        return review_line(item)


def card_content(language: str) -> CardContent | None:
    """The card in `language` as it may be printed now (None: nothing to print)."""
    with translation.override(language):
        item = library.shown(Revision.Kind.CARD, CARD_SLUG, language)
        if item.revision is None:
            return None
        source = library.shown(Revision.Kind.CARD, CARD_SLUG, SOURCE_LANGUAGE).revision or item.revision
        shown_language = item.revision.language
        return CardContent(
            language=shown_language,
            title=item.revision.title,
            rights=_lines(item.revision),
            officer_title="To the officer",
            officer_lines=_lines(source),
            hotline_label=_("Hotline"),
            hotline=settings.HOTLINE_NUMBER or "",
            report_label=_("Report what you see"),
            report_address=public_url(reverse("report_form")) + f"?lang={shown_language}",
            html_address=public_url(reverse("rights_card")) + f"?lang={shown_language}",
            review_line=review_line(item),
            version=f"v{item.revision.number}",
            reviewed=item.review is not None,
            citations=tuple(item.revision.cites),
            # The back is read by officers, in English: its review line too.
            officer_review_line=_english_review_line(item),
        )


def render_files(card: CardContent) -> Path:
    """Write every PDF of one card into its digest's folder; a missing font is written down in words."""
    from vigil.lib import fonts
    from vigil.rights.printing import pdf

    folder = output_root() / card.digest()
    folder.mkdir(parents=True, exist_ok=True)
    not_fitting = []
    try:
        for name, kind, paper in FILES:
            target = folder / name
            if target.exists():
                continue
            try:
                data = pdf.render_card(card) if kind == "card" else getattr(pdf, f"render_{kind}")(card, paper)
            except pdf.DoesNotFit:
                # A translation too long for the wallet card still prints as a flyer.
                not_fitting.append(name)
                continue
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(target)
        (folder / FONT_MISSING).unlink(missing_ok=True)
        if not_fitting:
            (folder / NOT_FITTING).write_text("\n".join(not_fitting), encoding="utf-8")
    except fonts.FontMissing as error:
        (folder / FONT_MISSING).write_text(str(error), encoding="utf-8")
    return folder


def files_for(item: library.Shown) -> tuple[list[tuple[str, str]], str]:
    """[(label, address)] of the rendered PDFs of what the reader is shown, and a missing font's words.
    Files whose text did not fit are left out (`not_fitting` says whether any were)."""
    card = card_content(item.revision.language)
    if card is None:
        return [], ""
    folder = output_root() / card.digest()
    missing = folder / FONT_MISSING
    if missing.exists():
        return [], missing.read_text(encoding="utf-8")
    found = [
        (FILE_LABELS[name], reverse("rights_card_file", kwargs={"digest": card.digest(), "filename": name}))
        for name, _kind, _paper in FILES
        if (folder / name).exists()
    ]
    return found, ""


def library_version() -> str:
    """Changes whenever any text changes: the service worker's cache name."""
    ids = Revision.objects.order_by("pk").values_list("text_hash", flat=True)
    return hashlib.sha256("".join(ids).encode()).hexdigest()[:16]


def not_fitting(item: library.Shown) -> bool:
    """Whether some file of the card shown could not be printed because its text is too long for it."""
    card = card_content(item.revision.language)
    return card is not None and (output_root() / card.digest() / NOT_FITTING).exists()

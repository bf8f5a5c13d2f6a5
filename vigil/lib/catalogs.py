"""Translation catalogs without GNU gettext: Babel extracts and compiles.

    python -m vigil.lib.catalogs extract   update locale/<lang>/LC_MESSAGES/django.po from the sources
    python -m vigil.lib.catalogs compile   write the .mo files Django reads

Templates are turned into Python-like text by Django's own `templatize` (what makemessages feeds
xgettext), then read by Babel's Python extractor.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
# Django locale directory names for the codes in settings.LANGUAGES.
LOCALES = ["es", "zh_Hans", "zh_Hant", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl"]


def _sources():
    for path in sorted((ROOT / "vigil").rglob("*")):
        if "tests" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py" or (path.suffix in (".html", ".txt") and "templates" in path.parts):
            yield path


def extract_messages() -> Catalog:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True)
        django.setup()
    from django.utils.translation.template import templatize

    catalog = Catalog(project="vigil", charset="utf-8")
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html" or (path.suffix == ".txt" and "templates" in path.parts):
            text = templatize(text, origin=str(path))
        rel = path.relative_to(ROOT).as_posix()
        for lineno, message, comments, context in extract(
            "python", io.BytesIO(text.encode("utf-8")), keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            catalog.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def update_catalogs() -> None:
    template = extract_messages()
    for code in LOCALES:
        po_path = LOCALE / code / "LC_MESSAGES" / "django.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=code)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=code, project="vigil", charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False, sort_output=True, ignore_obsolete=True)


def compile_catalogs() -> int:
    compiled = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        with po_path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        compiled += 1
    return compiled


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "extract":
        update_catalogs()
    else:
        print(f"compiled {compile_catalogs()} catalogs")

"""Languages named in the reader's language (staff pages never show a language code).

Only gettext here, no models: accounts (below incidents) names the languages a staff member reads.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The languages reports and staff use (settings.LANGUAGES), named in the reader's language; "und" is what
# language detection answers when it cannot tell.
LANGUAGE_NAMES = {
    "en": _("English"),
    "es": _("Spanish"),
    "zh-hans": _("Chinese (simplified)"),
    "zh-hant": _("Chinese (traditional)"),
    "ru": _("Russian"),
    "bn": _("Bengali"),
    "ht": _("Haitian Creole"),
    "ko": _("Korean"),
    "ar": _("Arabic"),
    "ur": _("Urdu"),
    "fr": _("French"),
    "pl": _("Polish"),
}
UNKNOWN_LANGUAGE = _("Language not known")


def language_label(code: str) -> str:
    """'es' → 'Spanish' in the reader's language. Detected codes may carry a region ('zh-Hant-TW')."""
    code = (code or "").lower().replace("_", "-")
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    base = code.split("-")[0]
    if base == "zh":
        return str(LANGUAGE_NAMES["zh-hant" if "hant" in code or code.endswith(("-tw", "-hk")) else "zh-hans"])
    return str(LANGUAGE_NAMES.get(base, UNKNOWN_LANGUAGE))


def language_choices() -> list[tuple[str, str]]:
    from django.conf import settings

    return [(code, language_label(code)) for code, _native in settings.LANGUAGES]

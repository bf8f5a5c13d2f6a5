"""Card content for the printing tests, made of the project's own translated interface strings: the layout
is tested in every script without stating any law (the rights library supplies the real, reviewed text)."""

from django.utils import translation

from vigil.rights.printing.content import CardContent

LANGUAGES = ["en", "es", "zh-hans", "zh-hant", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl"]
HOTLINE = "212-555-0100"
BASE = "https://vigil.example.org"


def sample(language: str, *, reviewed: bool = False) -> CardContent:
    with translation.override(language):
        _ = translation.gettext
        return CardContent(
            language=language,
            title=_("Know-your-rights reminder"),
            rights=(
                _("A community network that verifies reports of immigration enforcement before anyone is alerted."),
                _("Document what you see"),
                _("Check a report you sent"),
            ),
            officer_title="Know-your-rights reminder",
            officer_lines=("Document what you see", "Check a report you sent"),
            hotline_label=_("Hotline"),
            hotline=HOTLINE,
            report_label=_("Check a report"),
            report_address=f"{BASE}/{language}/report/",
            html_address=f"{BASE}/{language}/rights/",
            review_line="Reviewed by Example Legal Aid, 2026-12-01" if reviewed else "Not reviewed",
            version="v1 3f2a9c1",
            reviewed=reviewed,
        )

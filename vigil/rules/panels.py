"""The findings panel of the incident page (registered with vigil.incidents.panels)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigil.rules.current import current_pack
from vigil.rules.models import Finding

LEVEL_TEXT = {
    "possible_violation": _("Possible violation, for legal review"),
    "needs_information": _("Information needed"),
    "information": _("For information"),
}


def shown(findings, language: str | None = None) -> list[dict]:
    """Findings as a page shows them: level in the reader's language, the rule's title and citation, the
    plain-language explanation (an unreviewed one with the English beside it), the facts asked for."""
    pack = current_pack()
    rules = {rule.id: rule for rule in pack.rules}
    language = (language or get_language() or "en").lower()
    out = []
    for finding in findings:
        rule = rules.get(finding.rule)
        explained = rule.explain(language if language in rule.explanation else "en") if rule else None
        out.append(
            {
                "finding": finding,
                "level_text": LEVEL_TEXT.get(finding.level, finding.level),
                "title": rule.shown_title if rule else finding.rule,
                "explanation": explained,
                "old_pack": finding.pack_hash != pack.hash,
            }
        )
    return out


def findings_panel(request, incident) -> str:
    findings = Finding.objects.filter(incident=incident, superseded_at__isnull=True)
    return render_to_string("rules/_findings.html", {"findings": shown(findings)}, request=request)

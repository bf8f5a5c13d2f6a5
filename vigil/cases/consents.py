"""Whether the family's consent still allows a kind of sharing (read by the case and interpreting actions)."""

from __future__ import annotations

from vigil.cases.models import Case, Consent


def sharing_withdrawn(case: Case, scope: str) -> bool:
    """True when consent for this scope was given and withdrawn, and no one's consent is left in force: the
    sharing stops. A case with no consent recorded (opened on a call) is the caseworker's to judge."""
    rows = Consent.objects.filter(case=case, scope=scope)
    return rows.exists() and not rows.filter(withdrawn_at__isnull=True).exists()

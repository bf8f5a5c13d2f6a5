"""Whether the family's consent still allows a kind of sharing or acting (read by the case, interpreting and
locating actions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vigil.cases.models import Case, Consent

AUTHORITIES = "contact_authorities"
# The sources of a location check or a hearing that mean someone of the coalition contacted the facility,
# ICE or the court on the person's behalf (a call, a visit). The online detainee locator and the court's
# automated case information are public look-ups that contact nobody; a lawyer, the family or a hearing
# notice are told, not asked.
CONTACT_SOURCES = frozenset({"facility"})


def sharing_withdrawn(case: Case, scope: str) -> bool:
    """True when consent for this scope was given and withdrawn, and no one's consent is left in force: the
    sharing stops. A case with no consent recorded (opened on a call) is the caseworker's to judge."""
    rows = Consent.objects.filter(case=case, scope=scope)
    return rows.exists() and not rows.filter(withdrawn_at__isnull=True).exists()


def consent_in_force(case: Case, scope: str) -> bool:
    return Consent.objects.filter(case=case, scope=scope, withdrawn_at__isnull=True).exists()


def authorities_refusal(case: Case, source: str, *, acting_for_family: bool = True) -> tuple[str, str] | None:
    """Why contacting the facility, ICE or the court (a check or a hearing from `source`) is refused for the
    case, as (code, message), or None. Contacting them on the person's behalf needs a relative's consent for
    it in force: none recorded, or all withdrawn, refuses. `acting_for_family` is False for the staff of the
    provider that accepted the case: a lawyer acts on the person's own agreement, not the family's."""
    if source not in CONTACT_SOURCES or not acting_for_family or consent_in_force(case, AUTHORITIES):
        return None
    if Consent.objects.filter(case=case, scope=AUTHORITIES).exists():
        return (
            "consent_withdrawn",
            _("The family withdrew consent to contact the facility, ICE or the court on the person's behalf."),
        )
    return (
        "consent_missing",
        _(
            "The family has not consented to contact the facility, ICE or the court on the person's behalf: "
            "use the online detainee locator, or record their consent on the case's family page first."
        ),
    )

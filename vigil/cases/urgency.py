"""Urgent needs a caseworker records, and the urgency tier they give a case (docs/cases.md).

Tier 3: a hearing or removal within 72 hours, expedited-removal or reinstatement risk, a child without
care, a medical need. Tier 2: a transfer feared, a hearing within 14 days. Tier 1: every other case. The
queue and the matcher order by tier first.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UrgentNeed(models.TextChoices):
    HEARING_OR_REMOVAL_72H = "hearing_or_removal_within_72h", _("Hearing or removal within 72 hours")
    EXPEDITED_REMOVAL = "expedited_removal_risk", _("In the US under two years, or cannot prove it (expedited removal)")
    PREVIOUS_REMOVAL_ORDER = "previous_removal_order", _("A previous removal order")
    FEAR_OF_RETURN = "fear_of_return", _("Fear of return")
    CHILD_WITHOUT_CARE = "child_without_care", _("A child without care")
    MEDICAL_NEED = "medical_need", _("Medical need or medication")
    MINOR_OR_UNACCOMPANIED = "minor_or_unaccompanied", _("Under 18 or unaccompanied")
    CLAIMS_US_CITIZENSHIP = "claims_us_citizenship", _("Claims US citizenship")
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident", _("Lawful permanent resident")
    PREGNANT = "pregnant", _("Pregnant")
    NO_BOND_HEARING = "no_bond_hearing", _("Held without a bond hearing")
    TRANSFER_FEARED = "transfer_feared", _("A transfer is feared")
    HEARING_14_DAYS = "hearing_within_14_days", _("A hearing within 14 days")


TIER_3 = frozenset(
    {
        UrgentNeed.HEARING_OR_REMOVAL_72H,
        UrgentNeed.EXPEDITED_REMOVAL,
        UrgentNeed.PREVIOUS_REMOVAL_ORDER,
        UrgentNeed.CHILD_WITHOUT_CARE,
        UrgentNeed.MEDICAL_NEED,
    }
)
TIER_2 = frozenset({UrgentNeed.TRANSFER_FEARED, UrgentNeed.HEARING_14_DAYS})


def clean_needs(needs) -> list[str]:
    """Known codes only, in the order of UrgentNeed, each once."""
    wanted = set(needs or ())
    return [code for code in UrgentNeed.values if code in wanted]


def urgency_tier(needs) -> int:
    given = set(needs or ())
    if given & TIER_3:
        return 3
    if given & TIER_2:
        return 2
    return 1

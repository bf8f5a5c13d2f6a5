"""What the matcher reads and writes: plain dataclasses, no Django (the app adapts its models to these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

# Urgent needs by the tier they put a case in (issue 13, "Matching"); any other need listed here is tier 1.
TIER_3_NEEDS = frozenset(
    {
        "hearing_or_removal_within_72h",
        "expedited_removal_risk",  # in the US under two years, or cannot prove it
        "previous_removal_order",  # reinstatement risk
        "child_without_care",
        "medical_need",
    }
)
TIER_2_NEEDS = frozenset({"transfer_feared", "hearing_within_14_days"})
TIER_1_NEEDS = frozenset(
    {
        "fear_of_return",
        "minor_or_unaccompanied",
        "claims_us_citizenship",
        "lawful_permanent_resident",
        "pregnant",
        "no_bond_hearing",
    }
)
URGENT_NEEDS = TIER_3_NEEDS | TIER_2_NEEDS | TIER_1_NEEDS
TIERS = (1, 2, 3)


def tier_of(needs: frozenset[str]) -> int:
    if needs & TIER_3_NEEDS:
        return 3
    if needs & TIER_2_NEEDS:
        return 2
    return 1


@dataclass(frozen=True)
class Case:
    id: str
    tier: int = 1
    urgent_needs: frozenset[str] = frozenset()
    language: str | None = None  # a normalized BCP 47 tag (languages.normalize)
    borough: str | None = None
    services: frozenset[str] = frozenset()  # every one of them must be offered
    court: str | None = None  # the court or venue; when given, the provider must serve it
    residence: str | None = None  # funding facts: None is "not known"
    detention: str | None = None
    income_band: int | None = None
    received_at: datetime | None = None  # for the order of the greedy baseline and of ties
    conflict_declined_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Provider:
    id: str
    capacity: int  # capacity left
    services: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()  # spoken by its staff
    interpreter_languages: frozenset[str] = frozenset()  # an interpreter is available for these
    boroughs: frozenset[str] = frozenset()
    courts: frozenset[str] = frozenset()
    # Funding eligibility: None accepts anyone; a set or a bound requires the case's fact to be known.
    residence: frozenset[str] | None = None
    detention: frozenset[str] | None = None
    max_income_band: int | None = None
    automatic: bool = True  # False: intake assigned elsewhere, listed but left out of automatic proposals


@dataclass(frozen=True)
class Reason:
    code: str
    text: str

    def as_json(self) -> dict:
        return {"code": self.code, "text": self.text}


@dataclass(frozen=True)
class Objective:
    """The documented objective, level by level; `key()` orders objectives from worst to best."""

    tier_weighted: int = 0
    native: int = 0
    interpreter: int = 0
    borough: int = 0
    max_share: Fraction = Fraction(0)

    def key(self) -> tuple:
        return (self.tier_weighted, self.native, self.interpreter, self.borough, -self.max_share)

    def as_json(self) -> dict:
        return {
            "tier_weighted_assigned": self.tier_weighted,
            "native_language": self.native,
            "through_interpreter": self.interpreter,
            "borough_served": self.borough,
            "max_capacity_share": float(self.max_share),
        }


@dataclass(frozen=True)
class CaseResult:
    case_id: str
    provider_id: str | None
    tier: int
    reasons: tuple[Reason, ...]
    pinned: bool = False

    def as_json(self) -> dict:
        return {
            "case": self.case_id,
            "provider": self.provider_id,
            "tier": self.tier,
            "pinned": self.pinned,
            "reasons": [reason.as_json() for reason in self.reasons],
        }


@dataclass(frozen=True)
class Assignment:
    results: tuple[CaseResult, ...]
    objective: Objective
    pairs: dict[str, str | None] = field(default_factory=dict)  # case id -> provider id or None

    def as_json(self) -> dict:
        return {
            "assignments": [result.as_json() for result in self.results],
            "unassigned": sum(1 for result in self.results if result.provider_id is None),
            "objective": self.objective.as_json(),
        }


@dataclass(frozen=True)
class RankedProvider:
    provider_id: str
    reasons: tuple[Reason, ...]
    value: int


class MatchingInputError(ValueError):
    """Bad input: the message names the object and the field."""

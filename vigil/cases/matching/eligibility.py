"""Hard constraints and the score of one case-provider pair, with the reasons a caseworker reads."""

from __future__ import annotations

from enum import IntEnum

from . import languages
from .model import Case, Provider, Reason


class Language(IntEnum):
    NONE = 0
    INTERPRETER = 1
    NATIVE = 2


def exclusion(case: Case, provider: Provider, *, dropped: bool = False, manual: bool = False) -> Reason | None:
    """The first hard constraint the pair breaks, as a reason, or None when the provider may take the case.

    Capacity is not checked here: the solver counts it across all cases. `manual` is a caseworker's own pin,
    which may name a provider left out of automatic proposals.
    """
    if dropped:
        return Reason("dropped", "dropped for this case by the caseworker")
    if provider.id in case.conflict_declined_by:
        return Reason("conflict", "declined this case (conflict)")
    if not manual and not provider.automatic:
        return Reason("not_automatic", "its intake is assigned elsewhere; not proposed automatically")
    missing = case.services - provider.services
    if missing:
        return Reason("service", "does not offer " + ", ".join(sorted(missing)))
    if case.court is not None and case.court not in provider.courts:
        return Reason("court", f"does not serve court {case.court}")
    if provider.residence is not None and case.residence not in provider.residence:
        return Reason("funding", _funding_text("residence", case.residence, ", ".join(sorted(provider.residence))))
    if provider.detention is not None and case.detention not in provider.detention:
        return Reason("funding", _funding_text("detention", case.detention, ", ".join(sorted(provider.detention))))
    if provider.max_income_band is not None and (
        case.income_band is None or case.income_band > provider.max_income_band
    ):
        return Reason("funding", _funding_text("income band", case.income_band, f"at most {provider.max_income_band}"))
    return None


def _funding_text(fact: str, value, required: str) -> str:
    if value is None:
        return f"its funding requires {fact} {required}; not known for this case (ask)"
    return f"its funding requires {fact} {required}; the case has {value}"


def language_level(case: Case, provider: Provider) -> Language:
    key = languages.matchable(case.language)
    if key is None:
        return Language.NONE
    if key in languages.matchable_set(provider.languages):
        return Language.NATIVE
    if key in languages.matchable_set(provider.interpreter_languages):
        return Language.INTERPRETER
    return Language.NONE


def borough_served(case: Case, provider: Provider) -> bool:
    return case.borough is not None and case.borough in provider.boroughs


def reasons(case: Case, provider: Provider, *, pinned: bool = False) -> tuple[Reason, ...]:
    """Why this provider fits this case, level by level of the objective."""
    out = []
    if pinned:
        out.append(Reason("pinned", "pinned by the caseworker"))
    needs = ", ".join(sorted(case.urgent_needs)) or "no urgent need"
    out.append(Reason("tier", f"tier {case.tier} ({needs})"))
    if case.services:
        out.append(Reason("service", "offers " + ", ".join(sorted(case.services))))
    if case.court is not None:
        out.append(Reason("court", f"serves court {case.court}"))
    if provider.residence is not None or provider.detention is not None or provider.max_income_band is not None:
        out.append(Reason("funding", "eligible under its funding rules"))
    out.append(language_reason(case, language_level(case, provider)))
    if borough_served(case, provider):
        out.append(Reason("borough", f"serves {case.borough}"))
    elif case.borough is not None:
        out.append(Reason("borough_not_served", f"does not serve {case.borough}"))
    return tuple(out)


def language_reason(case: Case, level: Language) -> Reason:
    if case.language is None:
        return Reason("language_unknown", "the family's language is not known")
    which = languages.asks_which(case.language)
    if which:
        options = ", ".join(f"{languages.english_name(code)} ({code})" for code in which)
        return Reason("language_ask_which", f"'{case.language}' does not say which language: ask ({options})")
    name = f"{languages.english_name(case.language)} ({case.language})"
    if level is Language.NATIVE:
        return Reason("language_native", f"staff speak {name}")
    if level is Language.INTERPRETER:
        return Reason("language_interpreter", f"an interpreter for {name} is available")
    return Reason("language_none", f"no one speaks {name} and no interpreter for it is available")

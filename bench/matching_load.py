"""A seeded surge for the case matcher (bench/matching.py): 2,000 waiting cases, 60 providers.

What the load is made of (every share below is an assumption of this benchmark, not a measurement: the
repository holds no figures of NYC's limited-English population, and none is stated from memory):
- case languages (`LANGUAGES`): Spanish the largest group by far, then the Chinese languages (Mandarin,
  Cantonese, Fuzhounese), Haitian Creole, Bengali, Russian, Arabic, French, Urdu, Korean, Polish, English;
  5% of cases speak one of `RARE` (Mam, K'iche', Wolof, Fula, Tibetan, Nepali, Tigrinya, Uzbek, Quechua,
  Garifuna-less Mixtec...), spoken by few providers' staff and by few interpreters;
- tiers: 30% tier 3, 25% tier 2, 45% tier 1; waiting times spread over 48 hours;
- services: four common services; twelve more each offered by exactly one provider (20% of the providers
  are the only ones offering a service), needed by 12% of cases;
- courts: six; 60% of cases name one; a provider serves one to four;
- funding: 30% of providers require residence in NYC, 40% detained people only, 25% an income band of at
  most 3; cases: 85% NYC residents, 85% detained, income band 1-5 with 15% not known;
- capacity: 70% of the number of cases, spread unevenly (log-normal weights) over the providers.

`load(seed)` returns (cases, providers); `adversarial()` the documented instance where greedy fails.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from vigil.cases.matching import Case, Provider, tier_of

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
BOROUGHS = ["bronx", "brooklyn", "manhattan", "queens", "staten_island"]
BOROUGH_WEIGHTS = [22, 30, 14, 30, 4]
COURTS = [f"court-{n}" for n in range(1, 7)]
COMMON_SERVICES = ["detained_removal_defense", "bond", "kyr_screening", "family_preparedness"]
UNIQUE_SERVICES = [
    "habeas",
    "children_sijs",
    "credible_fear_review",
    "bond_appeal",
    "citizenship_claim",
    "lpr_defense",
    "medical_parole",
    "trafficking_relief",
    "violence_survivor_relief",
    "disability_accommodation",
    "juvenile_court",
    "criminal_immigration_advice",
]
# Assumed shares of the 95% of cases in a common language (percent of all cases).
LANGUAGES = {
    "es": 46,
    "cmn": 8,
    "yue": 6,
    "cdo": 3,
    "ht": 6,
    "bn": 5,
    "ru": 4,
    "ar": 4,
    "fr": 3,
    "ur": 3,
    "ko": 2,
    "pl": 2,
    "en": 3,
}
RARE = ["mam", "quc", "wo", "ff", "bo", "ne", "ti", "uz", "qu", "mxb"]
TIER_3 = [
    "hearing_or_removal_within_72h",
    "expedited_removal_risk",
    "previous_removal_order",
    "child_without_care",
    "medical_need",
]
TIER_2 = ["transfer_feared", "hearing_within_14_days"]
TIER_1 = ["fear_of_return", "pregnant", "no_bond_hearing", "lawful_permanent_resident"]
# How likely a provider's staff speak each language (English: all of them).
NATIVE_CHANCE = {
    "es": 0.7,
    "cmn": 0.2,
    "yue": 0.15,
    "cdo": 0.05,
    "ht": 0.15,
    "bn": 0.12,
    "ru": 0.1,
    "ar": 0.1,
    "fr": 0.2,
}


def _capacities(rng: random.Random, providers: int, total: int) -> list[int]:
    weights = [rng.lognormvariate(0, 0.6) for _ in range(providers)]
    scale = total / sum(weights)
    capacities = [int(w * scale) for w in weights]
    for i in rng.sample(range(providers), total - sum(capacities)):
        capacities[i] += 1
    return capacities


def _providers(rng: random.Random, count: int, total_capacity: int) -> list[Provider]:
    capacities = _capacities(rng, count, total_capacity)
    unique_owner = dict(zip(rng.sample(range(count), len(UNIQUE_SERVICES)), UNIQUE_SERVICES, strict=True))
    providers = []
    for i in range(count):
        services = set(rng.sample(COMMON_SERVICES, rng.randint(2, 4)))
        if i in unique_owner:
            services.add(unique_owner[i])
        languages = {"en"} | {code for code, chance in NATIVE_CHANCE.items() if rng.random() < chance}
        languages |= {code for code in LANGUAGES if code not in NATIVE_CHANCE and rng.random() < 0.05}
        languages |= {code for code in RARE if rng.random() < 0.03}
        interpreters = {code for code in LANGUAGES if rng.random() < 0.4} | {
            code for code in RARE if rng.random() < 0.15
        }
        providers.append(
            Provider(
                id=f"provider-{i:02d}",
                capacity=capacities[i],
                services=frozenset(services),
                languages=frozenset(languages),
                interpreter_languages=frozenset(interpreters - languages),
                boroughs=frozenset(rng.sample(BOROUGHS, rng.randint(1, 3))),
                courts=frozenset(rng.sample(COURTS, rng.randint(1, 4))),
                residence=frozenset({"nyc"}) if rng.random() < 0.3 else None,
                detention=frozenset({"detained"}) if rng.random() < 0.4 else None,
                max_income_band=3 if rng.random() < 0.25 else None,
            )
        )
    return providers


def _case(rng: random.Random, i: int) -> Case:
    roll = rng.random()
    needs = set(rng.sample(TIER_1, rng.randint(0, 2)))
    if roll < 0.30:
        needs |= set(rng.sample(TIER_3, rng.randint(1, 2)))
    elif roll < 0.55:
        needs |= set(rng.sample(TIER_2, 1))
    if rng.random() < 0.05:
        language = rng.choice(RARE)
    else:
        language = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
    services = {rng.choice(COMMON_SERVICES)}
    if rng.random() < 0.15:
        services.add(rng.choice(COMMON_SERVICES))
    if rng.random() < 0.12:
        services = {rng.choice(UNIQUE_SERVICES)}
    return Case(
        id=f"case-{i:04d}",
        tier=tier_of(frozenset(needs)),
        urgent_needs=frozenset(needs),
        language=language,
        borough=rng.choices(BOROUGHS, weights=BOROUGH_WEIGHTS)[0],
        services=frozenset(services),
        court=rng.choice(COURTS) if rng.random() < 0.6 else None,
        residence=rng.choices(["nyc", "nj", None], weights=[85, 10, 5])[0],
        detention="detained" if rng.random() < 0.85 else "released",
        income_band=None if rng.random() < 0.15 else rng.randint(1, 5),
        received_at=NOW - timedelta(minutes=rng.randint(0, 48 * 60)),
    )


def load(seed: int = 13, cases: int = 2000, providers: int = 60, capacity_share: float = 0.7):
    rng = random.Random(seed)
    provider_list = _providers(rng, providers, round(cases * capacity_share))
    case_list = [_case(rng, i) for i in range(cases)]
    return case_list, provider_list


def adversarial(pairs: int = 50):
    """Greedy's blind spot, documented in docs/cases.md: per pair, two urgent cases and two providers.

    Case A (tier 3, Spanish, needs bond) has waited longer; case B (tier 3, arrived later) needs a service
    only provider N offers. N speaks Spanish and has one slot; G offers bond only, one slot, no Spanish.
    Greedy gives A to N for its language and leaves B with no one; the matcher gives A to G and B to N.
    """
    cases, providers = [], []
    for k in range(pairs):
        providers.append(
            Provider(id=f"n{k}", capacity=1, services=frozenset({"bond", f"only-{k}"}), languages=frozenset({"es"}))
        )
        providers.append(Provider(id=f"g{k}", capacity=1, services=frozenset({"bond"})))
        cases.append(
            Case(
                id=f"a{k}",
                tier=3,
                urgent_needs=frozenset({"child_without_care"}),
                language="es",
                services=frozenset({"bond"}),
                received_at=NOW - timedelta(hours=2),
            )
        )
        cases.append(
            Case(
                id=f"b{k}",
                tier=3,
                urgent_needs=frozenset({"medical_need"}),
                language="es",
                services=frozenset({f"only-{k}"}),
                received_at=NOW - timedelta(hours=1),
            )
        )
    return cases, providers

"""The bridge from the database to the matcher (docs/cases.md, "Proposals"): reads cases, providers and their
services, capacity left and conflict declines, and builds the plain `matching` objects the solver takes.

Reads only; the changes (approving a proposal, the next-best provider after an expiry or a decline) are in
`proposal_actions.py`. How the database's facts map onto the matcher's:

- **Income band.** The matcher compares integers, lower is poorer: a case's `low` is 1, `not_low` 2, and
  `unknown` is no fact at all (None). A service funded for `low` households only has `max_income_band` 1;
  `any` has no limit. So a case of unknown income is never proposed to a low-income-only service (the
  matcher does not guess: the caseworker asks), while a referral by hand still may be.
- **Residence** is the family's borough (an area code); **detention** the case's detention status. A service
  with an empty list of either accepts anyone.
- **Funding per service.** The database keeps funding rules per service, the matcher per provider. A
  provider is held to the rules of every one of its services that the cases in the problem need (for one
  case: exactly the services it needs). In a surge where cases need different services of one provider,
  that is the strictest of them: a proposal is never one a referral would refuse.
- **Referral service**: the first service the case needs; a case with none recorded goes to the provider's
  first service (in the order of `ServiceKind`).
- **Courts**: the court of the facility where the person was last confirmed. A provider that lists no
  courts is not held to one (as when a transfer is checked), so it serves every court of the directory.
- **Interpreters**: the languages of the organization's interpreters on the roster with an availability
  window still to end, for every provider (the coalition's interpreters work with any provider).
- **Capacity** is `actions.capacity_left`; providers with `automatic_proposals` off are left out (a
  caseworker may still pin a case to one on the surge page, or refer by hand).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.utils import timezone

from vigil.cases import actions, matching
from vigil.cases.matching import eligibility, languages
from vigil.cases.models import (
    AvailabilityWindow,
    Case,
    Consent,
    Court,
    IncomeBand,
    LocationRecord,
    Provider,
    Referral,
    ServiceKind,
)

# The matcher's integer income bands (lower is poorer; None: not known).
CASE_INCOME_BAND = {IncomeBand.LOW: 1, IncomeBand.NOT_LOW: 2, IncomeBand.UNKNOWN: None}
# A service's income rule as the highest band it funds (None: any income).
SERVICE_MAX_INCOME_BAND = {"low": 1, "any": None}
SERVICE_ORDER = {code: position for position, code in enumerate(ServiceKind.values)}
# Cases a surge takes at most (the matcher's own bound is far above: this keeps the page readable).
SURGE_LIMIT = 2000


@dataclass
class Problem:
    """The matcher's input built from the database, with the rows each id stands for."""

    cases: list[matching.Case]
    providers: list[matching.Provider]
    case_rows: dict[str, Case]
    provider_rows: dict[str, Provider]
    # Waiting cases left out of the matcher, with the reason's code (the family withdrew provider sharing).
    left_out: list[tuple[Case, str]] = field(default_factory=list)
    # Open proposed (not yet sent) referral of each case, by case id.
    proposed: dict[str, Referral] = field(default_factory=dict)

    def fingerprint(self, pinned=(), dropped=()) -> str:
        """A hash of everything the matcher sees: if a case stops waiting, its needs change, a provider's
        capacity moves or a proposal is made meanwhile, the fingerprint changes."""
        payload = {
            "cases": [_plain(case) for case in self.cases],
            "providers": [_plain(provider) for provider in self.providers],
            "left_out": sorted(str(case.pk) for case, _code in self.left_out),
            "proposed": sorted(f"{case_id}:{r.provider_id}:{r.service}" for case_id, r in self.proposed.items()),
            "pinned": sorted(f"{c}:{p}" for c, p in pinned),
            "dropped": sorted(f"{c}:{p}" for c, p in dropped),
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _plain(item) -> dict:
    out = {}
    for name, value in vars(item).items():
        if isinstance(value, frozenset):
            value = sorted(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out


def _lower(codes) -> frozenset[str]:
    return frozenset(str(code).strip().lower() for code in codes or () if str(code).strip())


def _language(tag: str) -> str | None:
    try:
        return languages.normalize(tag) if tag else None
    except languages.LanguageTagError:
        return None


def needed_services(case: Case) -> list[str]:
    return sorted((s for s in case.services_needed or () if s in SERVICE_ORDER), key=SERVICE_ORDER.__getitem__)


def referral_service(case: Case, provider: Provider) -> str | None:
    """The service a referral of `case` to `provider` is for: the first the case needs, else the provider's
    first (None when the provider offers nothing)."""
    needed = needed_services(case)
    if needed:
        return needed[0]
    offered = sorted((s.kind for s in provider.services.all()), key=lambda kind: SERVICE_ORDER.get(kind, 99))
    return offered[0] if offered else None


def _current_courts(case_ids) -> dict:
    """Case id -> the court code of the facility where the person was last confirmed (None when unknown)."""
    courts: dict = {}
    records = (
        LocationRecord.objects.filter(case_id__in=case_ids, confirmed=True)
        .select_related("facility__court")
        .order_by("case_id", "-checked_at", "-created_at")
    )
    for record in records:
        if record.case_id in courts:
            continue
        court = record.facility.court if record.facility is not None else None
        courts[record.case_id] = court.code.lower() if court is not None else None
    return courts


def _conflict_declines(case_ids) -> dict:
    declined: dict = {}
    rows = Referral.objects.filter(
        case_id__in=case_ids, state=Referral.State.DECLINED, decline_reason=Referral.DeclineReason.CONFLICT
    ).values_list("case_id", "provider_id")
    for case_id, provider_id in rows:
        declined.setdefault(case_id, set()).add(str(provider_id))
    return declined


def _sharing_withdrawn(case_ids) -> set:
    """Cases whose provider-sharing consent was given and withdrawn, with none left in force (as
    `consents.sharing_withdrawn`, for many cases in one query): sending them is refused."""
    given, in_force = set(), set()
    for case_id, withdrawn_at in Consent.objects.filter(case_id__in=case_ids, scope="share_provider").values_list(
        "case_id", "withdrawn_at"
    ):
        given.add(case_id)
        if withdrawn_at is None:
            in_force.add(case_id)
    return given - in_force


def matching_case(case: Case, *, court: str | None, conflict_declined_by=()) -> matching.Case:
    borough = (case.borough or "").strip().lower() or None
    return matching.Case(
        id=str(case.pk),
        tier=case.urgency_tier,
        urgent_needs=frozenset(case.urgent_needs or ()),
        language=_language(case.language),
        borough=borough,
        services=frozenset(needed_services(case)),
        court=court,
        residence=borough,
        detention=case.detention_status or None,
        income_band=CASE_INCOME_BAND.get(case.income_band),
        received_at=case.created_at,
        conflict_declined_by=frozenset(conflict_declined_by),
    )


def _funding(services) -> dict:
    """One provider-level rule from the rules of several services: the strictest of them."""
    residence = detention = income = None
    for service in services:
        if service.residence:
            rule = _lower(service.residence)
            residence = rule if residence is None else residence & rule
        if service.detention_statuses:
            rule = _lower(service.detention_statuses)
            detention = rule if detention is None else detention & rule
        band = SERVICE_MAX_INCOME_BAND.get(service.income_band)
        if band is not None:
            income = band if income is None else min(income, band)
    return {"residence": residence, "detention": detention, "max_income_band": income}


def matching_provider(
    provider: Provider, *, capacity: int, kinds: set[str], default_service: bool, all_courts, interpreters
) -> matching.Provider:
    """`kinds`: the services the cases need; `default_service`: some case needs none (its referral is for
    the provider's first service, whose rules then apply too)."""
    services = list(provider.services.all())
    ruled = [s for s in services if s.kind in kinds]
    if default_service and services:
        ruled.append(min(services, key=lambda s: SERVICE_ORDER.get(s.kind, 99)))
    courts = _lower(court.code for court in provider.courts.all()) or all_courts
    return matching.Provider(
        id=str(provider.pk),
        capacity=max(0, capacity),
        services=frozenset(s.kind for s in services),
        languages=frozenset(filter(None, map(_language, provider.languages or ()))),
        interpreter_languages=interpreters,
        boroughs=_lower(provider.boroughs),
        courts=courts,
        automatic=provider.automatic_proposals,
        **_funding(ruled),
    )


def interpreter_languages(organization_id) -> frozenset[str]:
    """Languages of the organization's interpreters on the roster with an availability window still to end."""
    windows = AvailabilityWindow.objects.filter(
        interpreter__organization_id=organization_id, interpreter__is_active=True, ends_at__gt=timezone.now()
    ).values_list("interpreter__languages", flat=True)
    return frozenset(filter(None, (_language(tag) for tags in windows for tag in tags or ())))


def provider_rows(*, automatic_only: bool, lock: bool = False) -> list[Provider]:
    """Providers offering at least one service; `lock` takes their rows, in one order, for an approval."""
    rows = Provider.objects.filter(services__isnull=False).distinct().order_by("pk")
    if automatic_only:
        rows = rows.filter(automatic_proposals=True)
    if lock:
        # Locked by id first (no join: PostgreSQL refuses FOR UPDATE with DISTINCT).
        ids = list(rows.values_list("pk", flat=True))
        list(Provider.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        rows = Provider.objects.filter(pk__in=ids).order_by("pk")
    return list(rows.prefetch_related("services", "courts"))


def build_problem(cases: list[Case], providers: list[Provider], organization_id) -> Problem:
    """The matcher's input for these cases and providers (capacity counted now)."""
    case_ids = [case.pk for case in cases]
    courts = _current_courts(case_ids)
    declined = _conflict_declines(case_ids)
    kinds = {kind for case in cases for kind in needed_services(case)}
    default_service = any(not needed_services(case) for case in cases)
    all_courts = _lower(Court.objects.values_list("code", flat=True))
    interpreters = interpreter_languages(organization_id)
    built_providers = [
        matching_provider(
            provider,
            capacity=actions.capacity_left(provider),
            kinds=kinds,
            default_service=default_service,
            all_courts=all_courts,
            interpreters=interpreters,
        )
        for provider in providers
    ]
    proposed = {
        str(r.case_id): r
        for r in Referral.objects.filter(case_id__in=case_ids, state=Referral.State.PROPOSED).select_related("provider")
    }
    problem = Problem([], built_providers, {}, {str(p.pk): p for p in providers}, proposed=proposed)
    withdrawn = _sharing_withdrawn(case_ids)
    for case in cases:
        if case.pk in withdrawn:
            problem.left_out.append((case, "consent_withdrawn"))
            continue
        problem.cases.append(
            matching_case(case, court=courts.get(case.pk), conflict_declined_by=declined.get(case.pk, ()))
        )
        problem.case_rows[str(case.pk)] = case
    return problem


def waiting_cases(organization_id, *, lock: bool = False) -> list[Case]:
    """The organization's cases waiting for a provider (the queue's waiting states), longest waiting first."""
    rows = Case.objects.filter(organization_id=organization_id, state__in=Case.WAITING_STATES)
    if lock:
        rows = rows.select_for_update()
    return list(rows.order_by("created_at", "pk")[:SURGE_LIMIT])


def surge_problem(organization_id, *, lock: bool = False) -> Problem:
    """Every waiting case of the organization and every provider (automatic or not: a caseworker may pin a
    case to one whose intake is assigned elsewhere; the matcher never proposes it on its own)."""
    providers = provider_rows(automatic_only=False, lock=lock)
    return build_problem(waiting_cases(organization_id, lock=lock), providers, organization_id)


def tried_provider_ids(case: Case) -> set[str]:
    """Providers whose referral of this case was declined or expired: the next proposal is someone else."""
    ended = Referral.objects.filter(case=case, state__in=(Referral.State.DECLINED, Referral.State.EXPIRED))
    return {str(pk) for pk in ended.values_list("provider_id", flat=True)}


def rank_for_case(case: Case, *, dropped=()) -> tuple[Problem, list[matching.RankedProvider], list]:
    """The providers that may take this one case, best first, and the others with why not."""
    problem = build_problem([case], provider_rows(automatic_only=False), case.organization_id)
    if not problem.cases:
        return problem, [], []
    ranked, excluded = matching.rank_providers(problem.cases[0], problem.providers, dropped=dropped)
    return problem, ranked, excluded


def exclusion_for_pin(problem: Problem, case_id: str, provider_id: str) -> str | None:
    """Why a caseworker may not pin this pair (a reason code), or None."""
    case = next((c for c in problem.cases if c.id == case_id), None)
    provider = next((p for p in problem.providers if p.id == provider_id), None)
    if case is None or provider is None:
        return "unknown"
    why = eligibility.exclusion(case, provider, manual=True)
    if why is not None:
        return why.code
    return "capacity" if provider.capacity <= 0 else None

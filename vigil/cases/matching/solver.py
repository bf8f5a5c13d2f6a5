"""The matcher: a ranked list of providers for one case, and an optimal assignment of all waiting cases.

The objective, in strict (lexicographic) order, each level mattering only among the best of the ones above:
1. the assigned cases weighted by tier (3, 2 or 1 for each case assigned);
2. the cases assigned to a provider whose staff speak the family's language;
3. the cases assigned to a provider with an interpreter available for it;
4. the cases assigned to a provider serving the family's borough;
5. the largest share of its capacity left that any provider is given (smaller is better).

Levels 1-4 are one min-cost flow whose integer weights dominate (`Weights`: each weight exceeds the most all
the levels below it can add up to over all cases), so the flow's optimum is the lexicographic optimum of 1-4.
Level 5 is found by bisection over the shares a provider can reach (k / capacity): the smallest share cap
that still lets the flow reach the same optimum of 1-4. Cases whose options (providers and values) are the
same are one node of the flow with their count as its supply: a surge has far fewer kinds of case than cases.
The solver is OR-Tools' min-cost flow (exact int64 costs; see docs/decisions.md).
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

import numpy as np
from ortools.graph.python import min_cost_flow

from . import eligibility
from .eligibility import Language
from .model import Assignment, Case, CaseResult, MatchingInputError, Objective, Provider, RankedProvider, Reason

# Above this many cases the dominating weights could overflow the solver's 64-bit costs.
MAX_CASES = 20_000
LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Weights:
    """Integer weights of the levels 1-4 for `cases` cases: each dominates all the levels below it together.

    Borough 1; interpreter M+1 (borough adds at most M); native (M+1)^2 (interpreter and borough add at most
    M(M+1)+M); tier (M+1)^3 (the three below add at most (M+1)^3-1, native and interpreter being exclusive).
    """

    tier: int
    native: int
    interpreter: int
    borough: int

    @classmethod
    def for_cases(cls, cases: int) -> Weights:
        base = cases + 1
        return cls(tier=base**3, native=base**2, interpreter=base, borough=1)

    def value(self, tier: int, language: Language, borough: bool) -> int:
        return (
            tier * self.tier
            + (self.native if language is Language.NATIVE else 0)
            + (self.interpreter if language is Language.INTERPRETER else 0)
            + (self.borough if borough else 0)
        )


@dataclass
class _Problem:
    cases: Sequence[Case]
    providers: Sequence[Provider]
    options: list[dict[int, tuple[Language, bool]]]  # per case: provider index -> (language, borough)
    pins: dict[int, int]  # case index -> provider index
    dropped: set[tuple[int, int]]


def _index(items: Iterable, kind: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, item in enumerate(items):
        if item.id in index:
            raise MatchingInputError(f"{kind}[{position}] (id {item.id!r}): field 'id': the id is used twice")
        index[item.id] = position
    return index


def _pairs(pairs: Iterable[tuple[str, str]], kind: str, cases: dict, providers: dict) -> list[tuple[int, int]]:
    out = []
    for position, (case_id, provider_id) in enumerate(pairs):
        if case_id not in cases:
            raise MatchingInputError(f"{kind}[{position}]: field 'case': no case has the id {case_id!r}")
        if provider_id not in providers:
            raise MatchingInputError(f"{kind}[{position}]: field 'provider': no provider has the id {provider_id!r}")
        out.append((cases[case_id], providers[provider_id]))
    return out


class _Prefilter:
    """Providers by service and court, to screen a case only against those offering what it needs.

    Only a shortcut: every candidate is still screened in full by `eligibility.exclusion`.
    """

    def __init__(self, providers: Sequence[Provider]):
        self.automatic = frozenset(p for p, provider in enumerate(providers) if provider.automatic)
        self.by_service: dict[str, set[int]] = defaultdict(set)
        self.by_court: dict[str, set[int]] = defaultdict(set)
        for p, provider in enumerate(providers):
            for service in provider.services:
                self.by_service[service].add(p)
            for court in provider.courts:
                self.by_court[court].add(p)

    def candidates(self, case: Case) -> set[int]:
        found = set(self.automatic)
        for service in case.services:
            found &= self.by_service.get(service, set())
        if case.court is not None:
            found &= self.by_court.get(case.court, set())
        return found


def _prepare(cases, providers, pinned, dropped) -> _Problem:
    """Steps: index the ids; read the pins and drops; screen every pair once per kind of case; check the pins."""
    if len(cases) > MAX_CASES:
        raise MatchingInputError(f"cases: at most {MAX_CASES} cases in one run, got {len(cases)}")
    case_index = _index(cases, "cases")
    provider_index = _index(providers, "providers")
    pins_list = _pairs(pinned, "pinned", case_index, provider_index)
    dropped_set = set(_pairs(dropped, "dropped", case_index, provider_index))
    pins: dict[int, int] = {}
    for position, (c, p) in enumerate(pins_list):
        if c in pins:
            raise MatchingInputError(f"pinned[{position}]: field 'case': case {cases[c].id!r} is pinned twice")
        if (c, p) in dropped_set:
            raise MatchingInputError(
                f"pinned[{position}] (case {cases[c].id!r}, provider {providers[p].id!r}): the pair is also dropped"
            )
        pins[c] = p

    dropped_by_case: dict[int, frozenset[int]] = defaultdict(frozenset)
    for c, p in dropped_set:
        dropped_by_case[c] = dropped_by_case[c] | {p}
    prefilter = _Prefilter(providers)
    screened: dict[tuple, dict[int, tuple[Language, bool]]] = {}
    options = []
    for c, case in enumerate(cases):
        profile = (
            case.services,
            case.court,
            case.residence,
            case.detention,
            case.income_band,
            case.conflict_declined_by,
            case.language,
            case.borough,
            dropped_by_case.get(c, frozenset()),
        )
        if profile not in screened:
            screened[profile] = {
                p: (eligibility.language_level(case, providers[p]), eligibility.borough_served(case, providers[p]))
                for p in sorted(prefilter.candidates(case))
                if eligibility.exclusion(case, providers[p], dropped=p in profile[-1]) is None
            }
        options.append(screened[profile])

    used: Counter[int] = Counter()
    for position, (c, p) in enumerate(pins_list):
        why = eligibility.exclusion(cases[c], providers[p], manual=True)
        if why is not None:
            raise MatchingInputError(
                f"pinned[{position}] (case {cases[c].id!r}, provider {providers[p].id!r}): {why.text}"
            )
        used[p] += 1
        if used[p] > providers[p].capacity:
            raise MatchingInputError(
                f"pinned[{position}]: field 'provider': provider {providers[p].id!r} has capacity "
                f"{providers[p].capacity} left, and this is pin number {used[p]} to it"
            )
    return _Problem(cases, providers, options, pins, dropped_set)


def evaluate(cases: Sequence[Case], providers: Sequence[Provider], pairs: dict[str, str | None]) -> Objective:
    """The objective of an assignment (case id -> provider id or None), as the levels above define it."""
    by_id = {provider.id: provider for provider in providers}
    tier_weighted = native = interpreter = borough = 0
    load: Counter[str] = Counter()
    for case in cases:
        provider_id = pairs.get(case.id)
        if provider_id is None:
            continue
        provider = by_id[provider_id]
        load[provider_id] += 1
        tier_weighted += case.tier
        level = eligibility.language_level(case, provider)
        native += level is Language.NATIVE
        interpreter += level is Language.INTERPRETER
        borough += eligibility.borough_served(case, provider)
    shares = [Fraction(load[p.id], p.capacity) for p in providers if p.capacity > 0]
    return Objective(tier_weighted, native, interpreter, borough, max(shares, default=Fraction(0)))


def rank_providers(
    case: Case, providers: Sequence[Provider], *, dropped: Iterable[str] = ()
) -> tuple[list[RankedProvider], list[tuple[str, Reason]]]:
    """For one case: the providers that may take it, best first, with reasons; and the others with why not.

    Best first is the objective's order for one case: native language, then interpreter, then borough; ties
    go to the provider with the most capacity left, then by id.
    """
    weights = Weights.for_cases(1)
    dropped = set(dropped)
    ranked, excluded = [], []
    for provider in providers:
        why = eligibility.exclusion(case, provider, dropped=provider.id in dropped)
        if why is None and provider.capacity <= 0:
            why = Reason("capacity", "no capacity left")
        if why is not None:
            excluded.append((provider.id, why))
            continue
        value = weights.value(
            case.tier, eligibility.language_level(case, provider), eligibility.borough_served(case, provider)
        )
        ranked.append(RankedProvider(provider.id, eligibility.reasons(case, provider), value))
    capacity = {provider.id: provider.capacity for provider in providers}
    ranked.sort(key=lambda r: (-r.value, -capacity[r.provider_id], r.provider_id))
    return ranked, excluded


class _Flow:
    """Kinds of free case -> providers -> sink, in one OR-Tools min-cost flow reused across the bisection."""

    SOURCE, SINK = 0, 1

    def __init__(self, problem: _Problem, free: list[int], weights: Weights, room: list[int]):
        providers = problem.providers
        self.kinds: dict[tuple, list[int]] = defaultdict(list)
        for c in free:
            signature = tuple(
                sorted(
                    (p, weights.value(problem.cases[c].tier, language, borough))
                    for p, (language, borough) in problem.options[c].items()
                    if room[p] > 0
                )
            )
            if signature:
                self.kinds[signature].append(c)
        top = 3 * weights.tier + weights.native + weights.borough + 1  # above any pair's value: costs stay >= 0
        tails, heads, capacities, costs = [], [], [], []

        def arc(tail, head, capacity, cost):
            tails.append(tail)
            heads.append(head)
            capacities.append(capacity)
            costs.append(cost)
            return len(tails) - 1

        first_kind = 2 + len(providers)
        self.provider_arcs = [arc(2 + p, self.SINK, room[p], 0) for p in range(len(providers))]
        self.kind_arcs: list[tuple[list[int], list[tuple[int, int]]]] = []
        self.total = 0
        for k, (signature, members) in enumerate(self.kinds.items()):
            size = len(members)
            self.total += size
            arc(self.SOURCE, first_kind + k, size, 0)
            arc(first_kind + k, self.SINK, size, top)  # left unassigned
            self.kind_arcs.append((members, [(p, arc(first_kind + k, 2 + p, size, top - v)) for p, v in signature]))
        self.flow = min_cost_flow.SimpleMinCostFlow()
        if tails:
            self.flow.add_arcs_with_capacity_and_unit_cost(
                np.array(tails, dtype=np.int32),
                np.array(heads, dtype=np.int32),
                np.array(capacities, dtype=np.int64),
                np.array(costs, dtype=np.int64),
            )
            self.flow.set_node_supply(self.SOURCE, self.total)
            self.flow.set_node_supply(self.SINK, -self.total)

    def solve(self, room: list[int]) -> int:
        if not self.kind_arcs:
            return 0
        for p, arc in enumerate(self.provider_arcs):
            self.flow.set_arc_capacity(arc, room[p])
        status = self.flow.solve()
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"the min-cost flow did not solve: status {status}")
        return self.flow.optimal_cost()

    def max_share(self, providers: Sequence[Provider], pinned_count: Counter[int]) -> Fraction:
        shares = [
            Fraction(pinned_count[p] + (self.flow.flow(arc) if self.kind_arcs else 0), provider.capacity)
            for p, (provider, arc) in enumerate(zip(providers, self.provider_arcs, strict=True))
            if provider.capacity > 0
        ]
        return max(shares, default=Fraction(0))

    def assigned(self) -> dict[int, int]:
        """Case index -> provider index from the last solve; within a kind, the longest waiting first."""
        out: dict[int, int] = {}
        if not self.kind_arcs:
            return out
        arcs = [arc for _, kind in self.kind_arcs for _, arc in kind]
        flows = iter(self.flow.flows(np.array(arcs, dtype=np.int32)).tolist())
        for members, kind in self.kind_arcs:
            waiting = iter(members)
            for p, _ in kind:
                for _ in range(next(flows)):
                    out[next(waiting)] = p
        return out


def assign(
    cases: Sequence[Case],
    providers: Sequence[Provider],
    *,
    pinned: Iterable[tuple[str, str]] = (),
    dropped: Iterable[tuple[str, str]] = (),
) -> Assignment:
    """The optimal assignment of all the cases, the caseworker's pinned pairs kept and dropped pairs avoided.

    Steps: screen every pair (hard constraints) and check the pins; solve the flow for levels 1-4 with the
    capacity the pins leave; bisect on the largest share of capacity to the smallest that keeps that optimum;
    read the assignment back, the longest-waiting case of a kind first; write the reasons.
    """
    problem = _prepare(cases, providers, pinned, dropped)
    weights = Weights.for_cases(len(cases))
    pinned_count = Counter(problem.pins.values())
    room = [provider.capacity - pinned_count[p] for p, provider in enumerate(providers)]
    order = sorted(
        (c for c in range(len(cases)) if c not in problem.pins),
        key=lambda c: (cases[c].received_at or LATEST, c),
    )
    flow = _Flow(problem, order, weights, room)
    best = flow.solve(room)

    shares = sorted(
        {
            Fraction(k, provider.capacity)
            for p, provider in enumerate(providers)
            if provider.capacity > 0
            for k in range(pinned_count[p], provider.capacity + 1)
        }
    )
    floor = max(
        (Fraction(pinned_count[p], pr.capacity) for p, pr in enumerate(providers) if pr.capacity > 0), default=0
    )
    shares = [share for share in shares if share >= floor] or [Fraction(0)]

    def room_at(share: Fraction) -> list[int]:
        return [
            max(0, min(room[p], share.numerator * provider.capacity // share.denominator - pinned_count[p]))
            for p, provider in enumerate(providers)
        ]

    # The first solution bounds the answer from above; in a surge (every provider full) the share just
    # below it is already out of reach, so search down from there before bisecting.
    low, high = 0, bisect.bisect_left(shares, flow.max_share(providers, pinned_count))
    chosen = flow.assigned()  # the best solution found so far: it fits the room at shares[high]

    def reaches_best(index: int) -> bool:
        nonlocal chosen
        if flow.solve(room_at(shares[index])) != best:
            return False
        chosen = flow.assigned()
        return True

    if high > low:
        if reaches_best(high - 1):
            high -= 1
        else:
            low = high
    while low < high:
        middle = (low + high) // 2
        if reaches_best(middle):
            high = middle
        else:
            low = middle + 1
    chosen.update(problem.pins)
    return _result(problem, chosen, room)


def _result(problem: _Problem, chosen: dict[int, int], room: list[int]) -> Assignment:
    cases, providers = problem.cases, problem.providers
    results, pairs = [], {}
    for c, case in enumerate(cases):
        p = chosen.get(c)
        pairs[case.id] = None if p is None else providers[p].id
        if p is not None:
            reasons = eligibility.reasons(case, providers[p], pinned=c in problem.pins)
        else:
            reasons = _why_unassigned(problem, c, room)
        results.append(CaseResult(case.id, pairs[case.id], case.tier, reasons, pinned=c in problem.pins))
    return Assignment(tuple(results), evaluate(cases, providers, pairs), pairs)


def _why_unassigned(problem: _Problem, c: int, room: list[int]) -> tuple[Reason, ...]:
    case = problem.cases[c]
    tier = Reason("tier", f"tier {case.tier} ({', '.join(sorted(case.urgent_needs)) or 'no urgent need'})")
    eligible = problem.options[c]
    if eligible:
        full = sum(1 for p in eligible if room[p] <= 0)
        return (
            tier,
            Reason(
                "capacity",
                f"{len(eligible)} providers may take it; their capacity went to other cases "
                f"(higher tiers first; {full} had none left after pinned cases)",
            ),
        )
    counts: Counter[str] = Counter()
    for p, provider in enumerate(problem.providers):
        why = eligibility.exclusion(case, provider, dropped=(c, p) in problem.dropped)
        if why is not None:
            counts[why.text] += 1
    summary = "; ".join(f"{n} {'provider' if n == 1 else 'providers'}: {text}" for text, n in counts.most_common())
    return (tier, Reason("no_eligible_provider", f"no provider may take it ({summary or 'no providers'})"))

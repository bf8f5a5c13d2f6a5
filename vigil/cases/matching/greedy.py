"""The greedy baseline the benchmark measures the matcher against (issue 13).

Cases in order of tier (highest first), then waiting time (longest first); each to the provider that may take
it with the best score (the objective's levels 2-4 for that one pair), ties to the most capacity left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .model import Case, Provider
from .solver import LATEST, Weights, _prepare


def greedy(
    cases: Sequence[Case],
    providers: Sequence[Provider],
    *,
    pinned: Iterable[tuple[str, str]] = (),
    dropped: Iterable[tuple[str, str]] = (),
) -> dict[str, str | None]:
    problem = _prepare(cases, providers, pinned, dropped)
    weights = Weights.for_cases(len(cases))
    pinned_count = Counter(problem.pins.values())
    room = [provider.capacity - pinned_count[p] for p, provider in enumerate(providers)]
    pairs: dict[str, str | None] = {case.id: None for case in cases}
    for c, p in problem.pins.items():
        pairs[cases[c].id] = providers[p].id
    order = sorted(
        (c for c in range(len(cases)) if c not in problem.pins),
        key=lambda c: (-cases[c].tier, cases[c].received_at or LATEST, c),
    )
    for c in order:
        open_options = [(p, option) for p, option in problem.options[c].items() if room[p] > 0]
        if not open_options:
            continue
        p, _ = max(open_options, key=lambda item: (weights.value(cases[c].tier, *item[1]), room[item[0]], -item[0]))
        room[p] -= 1
        pairs[cases[c].id] = providers[p].id
    return pairs

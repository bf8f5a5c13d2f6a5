"""Benchmark: the case matcher on a surge, against the greedy baseline in the same run.

Steps:
1. build the seeded load (bench/matching_load.py: 2,000 cases, 60 providers, capacity for 70% of them)
   and the adversarial instance (documented there and in docs/cases.md);
2. run the matcher (vigil.cases.matching.assign) ROUNDS times on the load, timing each run whole (screening,
   flow, bisection, reasons); run greedy once per instance;
3. compare: urgent (tier 3) cases left unassigned, the objective level by level;
4. print the figures, then, as the last line, one JSON object with the figures and goals.

Run from the repository root: ``python bench/matching.py``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.matching_load import adversarial, load  # noqa: E402
from vigil.cases.matching import assign, evaluate, greedy  # noqa: E402

ROUNDS = 3
TIME_GOAL_S = 2.0


def unassigned(cases, pairs, tier):
    return sum(1 for case in cases if case.tier == tier and pairs[case.id] is None)


def main() -> int:
    cases, providers = load()
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = assign(cases, providers)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    greedy_pairs = greedy(cases, providers)
    greedy_s = time.perf_counter() - started
    ours, theirs = result.objective, evaluate(cases, providers, greedy_pairs)

    hard_cases, hard_providers = adversarial()
    hard_ours = assign(hard_cases, hard_providers).pairs
    hard_greedy = greedy(hard_cases, hard_providers)

    figures = {
        "cases": len(cases),
        "providers": len(providers),
        "capacity": sum(p.capacity for p in providers),
        "cases_by_tier": {str(t): sum(1 for c in cases if c.tier == t) for t in (3, 2, 1)},
        "matcher_seconds_worst": round(max(timings), 3),
        "matcher_seconds_median": round(sorted(timings)[len(timings) // 2], 3),
        "greedy_seconds": round(greedy_s, 3),
        "tier3_unassigned_matcher": unassigned(cases, result.pairs, 3),
        "tier3_unassigned_greedy": unassigned(cases, greedy_pairs, 3),
        "tier3_with_no_eligible_provider": sum(
            1
            for row in result.results
            if row.tier == 3 and any(reason.code == "no_eligible_provider" for reason in row.reasons)
        ),
        "tier2_unassigned_matcher": unassigned(cases, result.pairs, 2),
        "tier2_unassigned_greedy": unassigned(cases, greedy_pairs, 2),
        "assigned_matcher": sum(1 for p in result.pairs.values() if p),
        "assigned_greedy": sum(1 for p in greedy_pairs.values() if p),
        "objective_matcher": ours.as_json(),
        "objective_greedy": theirs.as_json(),
        "adversarial_tier3_unassigned_matcher": unassigned(hard_cases, hard_ours, 3),
        "adversarial_tier3_unassigned_greedy": unassigned(hard_cases, hard_greedy, 3),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    goals = [
        {
            "figure": "matcher_seconds_worst",
            "target": f"< {TIME_GOAL_S}",
            "value": figures["matcher_seconds_worst"],
            "met": figures["matcher_seconds_worst"] < TIME_GOAL_S,
        },
        {
            "figure": "tier3_unassigned_matcher",
            "target": f"<= greedy's {figures['tier3_unassigned_greedy']}",
            "value": figures["tier3_unassigned_matcher"],
            "met": figures["tier3_unassigned_matcher"] <= figures["tier3_unassigned_greedy"],
        },
        {
            "figure": "adversarial_tier3_unassigned_matcher",
            "target": f"< greedy's {figures['adversarial_tier3_unassigned_greedy']}",
            "value": figures["adversarial_tier3_unassigned_matcher"],
            "met": figures["adversarial_tier3_unassigned_matcher"] < figures["adversarial_tier3_unassigned_greedy"],
        },
        {
            "figure": "objective_matcher",
            "target": "lexicographically >= greedy's",
            "value": ours.as_json(),
            "met": ours.key() >= theirs.key(),
        },
    ]
    print(json.dumps({"name": "matching", "figures": figures, "goals": goals}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

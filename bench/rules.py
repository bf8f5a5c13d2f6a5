"""Rule evaluation speed on the NYC pack (with the tests' fictional offence list).

Run ``python bench/rules.py``; the last line is one JSON object.

1. Draw 100,000 incidents with 1-4 detention records each (seeded): facts from the domains of the tests, so
   that every rule's conditions are fully evaluated in at least 30% of incidents, and 20% of facts unknown.
   Both are measured and printed: the share of unknown facts among the fields drawn, and per rule the share
   of incidents in which its conditions are fully evaluated (applicability known and, where it applies, the
   violation condition known under every reading, on the incident or on every detention record).
2. Time `findings_for` over all of them, counting findings per level as they come (facts already parsed; the
   pack compiled on load, before the clock starts; the parsed inputs frozen out of the garbage collector's
   passes; each incident's findings let go after counting, but for the sample's). CPU time (process time) is given beside wall time, in all and per
   incident: a shared machine's load shows in the wall time, much less in the CPU time.
3. Check a 1,000-incident sample against the plain tree-walking interpreter of the same pack (the baseline).
The second goal (recompute 10,000 stored incidents on SQLite, under 60 s) is `make bench-rules_recompute`
(bench/rules_recompute.py).
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vigil.rules.engine import findings_for, fully_evaluated  # noqa: E402
from vigil.rules.facts import parse_incident  # noqa: E402
from vigil.rules.pack import LEVELS, load_pack  # noqa: E402
from vigil.rules.tests.cases import OFFENCES, PACK  # noqa: E402
from vigil.rules.tests.test_properties import DETENTION, INCIDENT  # noqa: E402

SEED, N, SAMPLE, UNKNOWN_SHARE, COVERAGE_GOAL = 12, 100_000, 1_000, 0.2, 0.30


def draw(rng: random.Random, i: int) -> dict:
    inc = {"id": str(i), "date": "2025-06-10"}
    for name, values in INCIDENT.items():
        if rng.random() >= UNKNOWN_SHARE:
            inc[name] = rng.choice(values)
    inc["detentions"] = []
    for _ in range(rng.randint(1, 4)):
        det = {name: rng.choice(values) for name, values in DETENTION.items() if rng.random() >= UNKNOWN_SHARE}
        inc["detentions"].append(det)
    return inc


def unknown_share(raw: list) -> float:
    """The share of the drawn fields left unknown (incident and detention fields; the id and date excluded)."""
    drawn = unknown = 0
    for inc in raw:
        unknown += sum(name not in inc for name in INCIDENT)
        drawn += len(INCIDENT)
        for det in inc["detentions"]:
            unknown += sum(name not in det for name in DETENTION)
            drawn += len(DETENTION)
    return unknown / drawn


def coverage(pack, parsed) -> dict:
    """Per rule, the share of incidents in which its conditions are fully evaluated."""
    counts = Counter({rule.id: 0 for rule in pack.rules})
    for inc in parsed:
        records = [{**inc.facts, **det} for det in inc.detentions]
        for rule in pack.in_force(inc.date):
            if rule.scope == "incident":
                counts[rule.id] += fully_evaluated(rule, inc.facts)
            else:
                counts[rule.id] += all(fully_evaluated(rule, facts) for facts in records)
    return {rule: round(count / len(parsed), 3) for rule, count in counts.items()}


def main() -> dict:
    pack = load_pack(PACK, offences=OFFENCES)
    rng = random.Random(SEED)
    raw = [draw(rng, i) for i in range(N)]
    parsed = [parse_incident(inc, i, pack.zone) for i, inc in enumerate(raw)]
    share = unknown_share(raw)
    del raw
    sample = set(rng.sample(range(N), SAMPLE))
    # As the recompute job does, each incident's findings are counted and let go (the sample's kept for the
    # check), not all held at once. The inputs (100,000 parsed incidents, millions of objects: the bench's
    # setup, not the evaluator's work) are left out of the garbage collector's passes during the run.
    gc.collect()
    gc.freeze()
    levels = Counter({level: 0 for level in LEVELS})
    kept = {}
    start, cpu = time.perf_counter(), time.process_time()
    for i, inc in enumerate(parsed):
        findings = findings_for(pack, inc)
        for f in findings:
            levels[f["level"]] += 1
        if i in sample:
            kept[i] = findings
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.unfreeze()
    covered = coverage(pack, parsed)
    least = min(covered.values())
    t0 = time.perf_counter()
    agree = sum(findings_for(pack, parsed[i], baseline=True) == kept[i] for i in sorted(sample))
    baseline_s = (time.perf_counter() - t0) * N / SAMPLE
    figures = {
        "incidents": N,
        "detentions": sum(len(inc.detentions) for inc in parsed),
        "evaluate_s": round(seconds, 2),
        "evaluate_cpu_s": round(cpu, 2),
        "evaluate_cpu_us_per_incident": round(cpu / N * 1e6, 1),
        "unknown_fact_share": round(share, 3),
        "least_rule_coverage": least,
        "rule_coverage": covered,
        "baseline_estimate_s": round(baseline_s, 2),
        "sample_agreement": f"{agree}/{SAMPLE}",
        "findings_per_level": dict(levels),
    }
    result = {
        "name": "rules",
        "figures": figures,
        "goals": [
            {"figure": "evaluate_s", "target": "<5", "value": figures["evaluate_s"], "met": seconds < 5},
            {"figure": "unknown_fact_share", "target": "0.2", "value": round(share, 3), "met": abs(share - 0.2) < 0.01},
            {
                "figure": "least_rule_coverage",
                "target": f">={COVERAGE_GOAL}",
                "value": least,
                "met": least >= COVERAGE_GOAL,
            },
            {
                "figure": "sample_agreement",
                "target": f"{SAMPLE}/{SAMPLE}",
                "value": figures["sample_agreement"],
                "met": agree == SAMPLE,
            },
        ],
    }
    for level, count in levels.items():
        print(f"{LEVELS[level]}: {count}")
    print(f"unknown facts: {share:.1%}; conditions fully evaluated, share of incidents per rule:")
    for rule, value in covered.items():
        print(f"  {rule:36} {value:6.1%}{'' if value >= COVERAGE_GOAL else '  BELOW GOAL'}")
    print(
        f"{N} incidents in {seconds:.2f} s ({cpu:.2f} s CPU, {cpu / N * 1e6:.1f} µs per incident; baseline "
        f"interpreter: about {baseline_s:.2f} s); "
        f"sample {agree}/{SAMPLE}"
    )
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()

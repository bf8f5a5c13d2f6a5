"""Benchmark: grouping reports into candidate incidents, quality and speed.

Run from the repository root: `python bench/clustering.py` (`--quick` times 20,000 reports instead of
100,000 and skips the harder variant, the hand-labeled sets and the surge case, unless `--sets` or
`--surge` asks for them; `--fit`
refits the scoring weights instead, see `fit_rules`).

Steps:
1. Generate the labeled quality set (about 5,000 reports, fixed seed) and check its two shares: events
   sharing a neighborhood with another event within two hours, and reports giving the place as text only.
2. Group it with `Grouper` (neighboring areas from `vigil.geo.areas` when available, the jurisdiction's
   street names for the street-name rule) and with a naive baseline (same area and same two-hour
   bucket); pairwise precision and recall of both, from contingency counts.
3. For reference, the same on a harder variant (denser activity, more sibling events) and without the
   street list.
4. Generate 100,000 reports (same density, longer span) and time `Grouper` over them, signatures
   included (they are computed on arrival in production too); best of two runs, wall clock.
5. Unless `--quick` (or with `--sets`): the hand-labeled sets of `bench/data/grouping/` through the
   production intake path (`bench/quality_sets.measure`), precision and recall per kind of grouping
   error, each with its goal. Those sets are held out: measured here, never used to fit or tune.
6. Unless `--quick` (or with `--surge`): the surge case (`bench/surge.py`): 5,000 open incidents in one
   borough, then 1,000 reports about them through the production path; grouping time per report and
   recall, with the old search (200 newest) as baseline.
7. Print human lines, then one JSON object as the last line.

The scoring weights in `vigil.incidents.grouping.Rules` were fitted (`--fit`) on sets generated with
other seeds (1001-1003) than the ones measured here (20260501 for quality, 20260502 for speed).
"""

from __future__ import annotations

import dataclasses
import gc
import heapq
import json
import math
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_places import AreaIndex, street_names  # noqa: E402
from bench.gen_reports import SEED, Noise, generate  # noqa: E402
from vigil.incidents import grouping  # noqa: E402
from vigil.incidents.grouping import DEFAULT_THRESHOLD, Grouper, conflict_word_features  # noqa: E402

QUALITY_REPORTS = 5_000
SPEED_REPORTS = 100_000
HARD_NOISE = Noise(events_per_day=150.0, sibling_share=0.2)
# Other seeds measured the same way, to show how much the figures move from one generated set to the next.
SPREAD_SEEDS = (7, 8)
FIT_SEEDS = (1001, 1002, 1003)
# The Rules fields the fit sets, in the order of the columns of `_fit_row` after the constant.
FIT_FIELDS = (
    "point",
    "per_100m",
    "per_100m_far",
    "same_area",
    "neighbor_area",
    "other_area",
    "per_log_minute",
    "per_half_hour",
    "text_match",
    "mismatch",
    "number_conflict",
    "street_conflict",
    "count_match",
    "count_mismatch",
    "named_place_conflict",
)


def pairwise(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against labels, in O(n).

    Steps:
    1. Count reports per (predicted, true) cell, per predicted cluster and per true event.
    2. Pairs in the same cell are the true positives; pairs within a predicted cluster are what was
       claimed; pairs within a true event are what should have been found.
    """

    def pairs(counts: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    together = pairs(Counter(zip(predicted, truth, strict=True)))
    claimed = pairs(Counter(predicted))
    actual = pairs(Counter(truth))
    precision = together / claimed if claimed else 1.0
    recall = together / actual if actual else 1.0
    return precision, recall


def baseline(reports) -> list[tuple]:
    """The naive grouping a spreadsheet would do: same area, same two-hour bucket."""
    return [(r.area, int(r.at.timestamp() // 7200)) for r in reports]


def _fit_row(probe, c, rules) -> list[float]:
    """The score's contributions for one (report, candidate) pair, before their weights (see Rules)."""
    r = probe.report
    both = r.lat is not None and c.lat is not None
    d = grouping.meters_between(r.lat, r.lon, c.lat, c.lon) if both else 0.0
    same = not both and r.area in c.areas
    near = not both and not same and bool(probe.near_areas) and not probe.near_areas.isdisjoint(c.areas)
    other = not both and not same and not near and bool(r.area) and bool(c.areas)
    minutes = probe.gap(c) / 60.0
    matched, unmatched, report_numbers, candidate_numbers, report_streets, candidate_streets = probe.text_parts(c)
    counts = probe.counts(c) if probe.counts_given and c.numbers else 0.0
    ncap, scap = rules.number_cap, rules.street_cap
    return [
        1.0,
        float(both),
        both * min(d, rules.bend_m) / 100.0,
        both * max(0.0, d - rules.bend_m) / 100.0,
        float(same),
        float(near),
        float(other),
        math.log1p(minutes),
        minutes / 30.0,
        min(matched, rules.text_cap),
        min(unmatched, rules.mismatch_cap) * min(c.text_weight, rules.candidate_text_cap) / rules.candidate_text_cap,
        min(report_numbers, ncap) * min(candidate_numbers, ncap) / ncap,
        min(report_streets, scap) * min(candidate_streets, scap) / scap,
        float(counts > 0),
        float(counts < 0),
        float(probe.places_apart(c)),
    ]


def fit_rules(index, neighbors, place_words) -> grouping.Rules:
    """Fit the score's contributions by logistic regression, as `Rules` holds them (rounded).

    Steps:
    1. Generate training sets with seeds other than the measured ones.
    2. Replay each with the true grouping (every report joins its own event's candidate), and for each
       report record the contributions against every candidate blocking offers, labeled "own or not".
    3. Weighted logistic regression, each row weighted by the candidate's size: the pairwise measures
       count a wrong decision about a big incident once per report in it.
    """
    import numpy as np

    base = grouping.DEFAULT_RULES
    rows: list[list[float]] = []
    labels: list[float] = []
    sizes: list[float] = []
    for seed in FIT_SEEDS:
        items, _stats = generate(QUALITY_REPORTS, seed, index=index)
        g = Grouper(neighbors=neighbors, place_words=place_words)
        own: dict[int, str] = {}
        for report, label in items:
            probe = grouping.Probe(report, g._neighbors_arg, base, g.stats, place_words)
            g._expire(probe.ts)
            for c in g.candidates_for(report, probe.weights):
                if probe.gap(c) is None or probe.place(c) == grouping.EXCLUDED:
                    continue
                rows.append(_fit_row(probe, c, base))
                labels.append(float(c.incident_id == own.get(label)))
                sizes.append(float(c.report_count))
            cid = own.get(label)
            if cid in g._open:
                c = g._open[cid]
                added = c.absorb(report, g.stats, probe.weights, place_words)
                heads = [h for h, _parts in report.units if h in added]
                g.stats.observe_features(heads, report.at)
            else:
                g._next += 1
                cid = own[label] = f"c{g._next:07d}"
                c = grouping.CandidateState.start(cid, report, g.stats, probe.weights, place_words)
                g.incidents[cid] = g._open[cid] = c
                heapq.heappush(g._expiry, (c._last_ts, cid))
                heads = [h for h, _parts in report.units]
                g.stats.observe_incident(heads, report.at)
            g._index(c, [h for h in heads if h & 3 in (grouping.KIND_NUMBER, grouping.KIND_WORD)])
    x = np.array(rows)
    y = np.array(labels)
    weight = np.array(sizes) / np.mean(sizes)
    coef = np.zeros(x.shape[1])
    for _ in range(30_000):
        p = 1.0 / (1.0 + np.exp(-x @ coef))
        coef -= 0.5 * (x.T @ (weight * (p - y)) / len(y) + 1e-4 * coef)
    p = 1.0 / (1.0 + np.exp(-x @ coef))
    print(f"fit: {len(y)} pairs from seeds {FIT_SEEDS}, accuracy {float(np.mean((p > 0.5) == y)):.4f}")
    # The constant and the "both have points" column are bias and point; the rest map one to one.
    values = {"bias": coef[0], **dict(zip(FIT_FIELDS, coef[1:], strict=True))}
    return dataclasses.replace(base, **{k: round(float(v), 2) for k, v in values.items()})


def _calibration_seconds() -> float:
    """Seconds this machine takes for a plain loop of 3 million additions, to read the timings by."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - start


def _quality_sets() -> tuple[dict, list[dict]]:
    """Figures and goals of the hand-labeled sets (`bench/quality_sets.py`), per kind and overall."""
    from bench import quality_sets

    result = quality_sets.measure()
    figures: dict = {"sets_precision": result["precision"], "sets_recall": result["recall"]}
    goals = []
    for kind, f in result["kinds"].items():
        print(f"hand-labeled set {kind}: precision {f['precision']:.4f} recall {f['recall']:.4f}")
        for measure_name in ("precision", "recall"):
            name = f"sets_{measure_name}.{kind}"
            figures[name] = f[measure_name]
            goals.append(
                {
                    "figure": name,
                    "target": f">={quality_sets.GOAL}",
                    "value": f[measure_name],
                    "met": f[measure_name] >= quality_sets.GOAL,
                }
            )
    for name in ("group_ms_p50", "group_ms_p99"):
        figures[f"sets_{name}"] = result[name]
    print(f"hand-labeled sets overall: precision {result['precision']:.4f} recall {result['recall']:.4f}")
    return figures, goals


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    with_sets = "--sets" in argv or not quick
    with_surge = "--surge" in argv or not quick
    speed_n = 20_000 if quick else SPEED_REPORTS
    index = AreaIndex()
    neighbors, neighbors_source = index.neighbors_function(250.0)
    names, streets_source = street_names()
    place_words = conflict_word_features(names)
    if "--fit" in argv:
        rules = fit_rules(index, neighbors, place_words)
        print({name: getattr(rules, name) for name in ("bias", *FIT_FIELDS)})
        return 0

    def group(reports, **kwargs):
        options = {"threshold": DEFAULT_THRESHOLD, "neighbors": neighbors, "place_words": place_words}
        options.update(kwargs)
        return Grouper(**options).add_all(reports)

    items, stats = generate(QUALITY_REPORTS, SEED, index=index)
    reports = [r for r, _ in items]
    labels = [label for _, label in items]
    print(f"quality set: {stats.reports} reports, {stats.events} events (seed {SEED})")
    print(f"  noise: {dataclasses.asdict(Noise())}")
    print(f"  areas from {stats.areas_source}; neighbors from {neighbors_source}")
    print(f"  street names: {len(names)} from {streets_source}")
    print(f"  events sharing a neighborhood with another within 2 h: {stats.share_events_sharing_neighborhood:.1%}")
    print(f"  reports giving the place as text only: {stats.share_text_only_place:.1%}")
    if stats.gazetteer_used:
        print(
            f"  gazetteer (vigil.geo.places) resolved {stats.text_only_resolved_by_gazetteer} of "
            f"{stats.text_only_reports} text-only reports; {stats.gazetteer_area_matches_truth:.1%} to the true NTA"
        )
    else:
        print("  gazetteer not importable: text-only reports carry the NTA their text names")

    precision, recall = pairwise(group(reports), labels)
    base_p, base_r = pairwise(baseline(reports), labels)
    print(f"grouper:  precision {precision:.4f}  recall {recall:.4f}")
    print(f"baseline (area + 2-hour bucket): precision {base_p:.4f}  recall {base_r:.4f}")

    for r in reports:  # the next run must not reuse anything computed above
        r.signature = None
    nostreet_p, nostreet_r = pairwise(group(reports, place_words=None), labels)
    print(f"without the street list: precision {nostreet_p:.4f}  recall {nostreet_r:.4f}")

    spread = {}
    if not quick:
        seen = [(precision, recall)]
        for seed in SPREAD_SEEDS:
            other_items, _other_stats = generate(QUALITY_REPORTS, seed, index=index)
            seen.append(pairwise(group([r for r, _ in other_items]), [label for _, label in other_items]))
        spread = {
            "spread_seeds": [SEED, *SPREAD_SEEDS],
            "precision_min_over_seeds": round(min(p for p, _ in seen), 4),
            "precision_max_over_seeds": round(max(p for p, _ in seen), 4),
            "recall_min_over_seeds": round(min(r for _, r in seen), 4),
            "recall_max_over_seeds": round(max(r for _, r in seen), 4),
            "precision_median_over_seeds": round(statistics.median(p for p, _ in seen), 4),
            "recall_median_over_seeds": round(statistics.median(r for _, r in seen), 4),
        }
        print(
            "over seeds " + ", ".join(map(str, spread["spread_seeds"])) + ": precision "
            f"{spread['precision_min_over_seeds']:.4f}-{spread['precision_max_over_seeds']:.4f}, recall "
            f"{spread['recall_min_over_seeds']:.4f}-{spread['recall_max_over_seeds']:.4f} (medians "
            f"{spread['precision_median_over_seeds']:.4f} / {spread['recall_median_over_seeds']:.4f})"
        )

    hard = {}
    if not quick:
        hard_items, hard_stats = generate(QUALITY_REPORTS, SEED, index=index, noise=HARD_NOISE)
        hard_p, hard_r = pairwise(group([r for r, _ in hard_items]), [label for _, label in hard_items])
        hard_bp, hard_br = pairwise(baseline([r for r, _ in hard_items]), [label for _, label in hard_items])
        hard = {
            "hard_precision": round(hard_p, 4),
            "hard_recall": round(hard_r, 4),
            "hard_baseline_precision": round(hard_bp, 4),
            "hard_baseline_recall": round(hard_br, 4),
            "hard_share_events_sharing_neighborhood": round(hard_stats.share_events_sharing_neighborhood, 4),
        }
        print(
            f"harder variant ({HARD_NOISE.events_per_day:.0f} events/day, sibling share {HARD_NOISE.sibling_share}, "
            f"{hard_stats.share_events_sharing_neighborhood:.1%} sharing): precision {hard_p:.4f} recall {hard_r:.4f} "
            f"(baseline {hard_bp:.4f} / {hard_br:.4f})"
        )

    speed_items, _speed_stats = generate(speed_n, SEED + 1, index=index)
    speed_reports = [r for r, _ in speed_items]
    runs = []
    for _ in range(3):
        for r in speed_reports:
            r.signature = None
            r._units = None
        # The 100,000 input reports are the harness's, not the grouper's: keep the garbage collector
        # from walking them again and again while the grouper runs.
        gc.collect()
        gc.freeze()
        start, cpu = time.perf_counter(), time.process_time()
        speed_predicted = group(speed_reports)
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
        gc.unfreeze()
    seconds, cpu_seconds = min(runs)
    # For reference: the same with signatures computed beforehand (as if computed at intake).
    for r in speed_reports:
        r.signature = None
        r._units = None
        r.sig  # noqa: B018 - computes and keeps the signature
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    group(speed_reports)
    grouping_only = time.perf_counter() - start
    gc.unfreeze()
    sp, sr = pairwise(speed_predicted, [label for _, label in speed_items])
    seconds_100k = seconds * SPEED_REPORTS / len(speed_reports)
    rate = len(speed_reports) / seconds
    calibration = _calibration_seconds()
    print(
        f"speed: {len(speed_reports)} reports in {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU (best of 3; "
        f"{rate:,.0f} reports/s, signatures included); on that set precision {sp:.4f} recall {sr:.4f}"
    )
    print(f"  with signatures computed beforehand: {grouping_only:.2f} s")
    print(f"  machine: Python {platform.python_version()}, 3M-addition loop in {calibration:.3f} s")

    figures = {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "reports_per_second": round(rate),
        "seconds_100k": round(seconds_100k, 3),
        "cpu_seconds_100k": round(cpu_seconds * SPEED_REPORTS / len(speed_reports), 3),
        "seconds_100k_signatures_precomputed": round(grouping_only * SPEED_REPORTS / len(speed_reports), 3),
        "baseline_precision": round(base_p, 4),
        "baseline_recall": round(base_r, 4),
        "share_events_sharing_neighborhood": round(stats.share_events_sharing_neighborhood, 4),
        "share_text_only_place": round(stats.share_text_only_place, 4),
        "precision_without_street_list": round(nostreet_p, 4),
        "recall_without_street_list": round(nostreet_r, 4),
        **spread,
        **hard,
        "quality_reports": stats.reports,
        "quality_events": stats.events,
        "speed_reports": len(speed_reports),
        "speed_set_precision": round(sp, 4),
        "speed_set_recall": round(sr, 4),
        "gazetteer_used": stats.gazetteer_used,
        "gazetteer_resolved_text_only": stats.text_only_resolved_by_gazetteer,
        "gazetteer_true_nta_share": round(stats.gazetteer_area_matches_truth, 4),
        "areas_source": stats.areas_source,
        "neighbors_source": neighbors_source,
        "street_names_source": streets_source,
        "calibration_loop_seconds": round(calibration, 3),
        "seed": SEED,
    }
    goals = [
        {"figure": "precision", "target": ">=0.95", "value": figures["precision"], "met": precision >= 0.95},
        {"figure": "recall", "target": ">=0.95", "value": figures["recall"], "met": recall >= 0.95},
        {"figure": "seconds_100k", "target": "<10", "value": figures["seconds_100k"], "met": seconds_100k < 10},
        {
            "figure": "share_events_sharing_neighborhood",
            "target": ">=0.20",
            "value": figures["share_events_sharing_neighborhood"],
            "met": stats.share_events_sharing_neighborhood >= 0.20,
        },
        {
            "figure": "share_text_only_place",
            "target": ">=0.20",
            "value": figures["share_text_only_place"],
            "met": stats.share_text_only_place >= 0.20,
        },
    ]
    for measure_name in ("precision", "recall") if spread else ():
        median, low = spread[f"{measure_name}_median_over_seeds"], spread[f"{measure_name}_min_over_seeds"]
        goals += [
            {"figure": f"{measure_name}_median_over_seeds", "target": ">=0.97", "value": median, "met": median >= 0.97},
            {"figure": f"{measure_name}_min_over_seeds", "target": ">=0.95", "value": low, "met": low >= 0.95},
        ]
    if with_sets:
        sets_figures, sets_goals = _quality_sets()
        figures.update(sets_figures)
        goals += sets_goals
    if with_surge:
        from bench import surge

        surge_figures = surge.measure()
        old = surge.measure(baseline=True)
        surge_figures.update({f"baseline_{k}": v for k, v in old.items() if k != "surge_database"})
        print(
            f"surge: {surge_figures['surge_open_incidents']} open incidents: group_report "
            f"{surge_figures['surge_group_ms_p99']:.1f} ms p99 ({surge_figures['surge_group_cpu_ms_p99']:.1f} ms CPU), "
            f"recall {surge_figures['surge_recall']:.4f} "
            f"(old search: {surge_figures['baseline_surge_group_ms_p99']:.1f} ms p99, recall "
            f"{surge_figures['baseline_surge_recall']:.4f})"
        )
        figures.update(surge_figures)
        goals += surge.goals(surge_figures)
    print(json.dumps({"name": "clustering", "figures": figures, "goals": goals}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: grouping reports into candidate incidents, quality and speed.

Run from the repository root: `python bench/clustering.py` (add `--quick` for a 20,000-report speed run).

Steps:
1. Generate the labeled quality set (about 5,000 reports, fixed seed) and check its two shares: events
   sharing a neighborhood with another event within two hours, and reports giving the place as text only.
2. Group it with `Grouper` (neighboring areas from `vigil.geo.areas` when available) and with a naive
   baseline (same area and same two-hour bucket); pairwise precision and recall of both, from
   contingency counts.
3. Generate 100,000 reports (same density, longer span) and time `Grouper` over them, signatures
   included (they are computed on arrival in production too).
4. Print human lines, then one JSON object as the last line.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_reports import SEED, AreaIndex, generate  # noqa: E402
from vigil.incidents.grouping import DEFAULT_THRESHOLD, Grouper  # noqa: E402

QUALITY_REPORTS = 5_000
SPEED_REPORTS = 100_000


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


def main(argv: list[str]) -> int:
    speed_n = 20_000 if "--quick" in argv else SPEED_REPORTS
    index = AreaIndex()
    neighbors, neighbors_source = index.neighbors_function(250.0)

    items, stats = generate(QUALITY_REPORTS, SEED, index=index)
    reports = [r for r, _ in items]
    labels = [label for _, label in items]
    print(f"quality set: {stats.reports} reports, {stats.events} events (seed {SEED})")
    print(f"  areas from {stats.areas_source}; neighbors from {neighbors_source}")
    print(f"  events sharing a neighborhood with another within 2 h: {stats.share_events_sharing_neighborhood:.1%}")
    print(f"  reports giving the place as text only: {stats.share_text_only_place:.1%}")
    if stats.gazetteer_used:
        print(
            f"  gazetteer (vigil.geo.places) resolved {stats.text_only_resolved_by_gazetteer} of "
            f"{stats.text_only_reports} text-only reports; {stats.gazetteer_area_matches_truth:.1%} to the true NTA"
        )
    else:
        print("  gazetteer not importable: text-only reports carry the NTA their text names")

    grouper = Grouper(threshold=DEFAULT_THRESHOLD, neighbors=neighbors)
    predicted = grouper.add_all(reports)
    precision, recall = pairwise(predicted, labels)
    base_p, base_r = pairwise(baseline(reports), labels)
    print(f"grouper:  precision {precision:.4f}  recall {recall:.4f}  ({len(grouper.incidents)} incidents)")
    print(f"baseline (area + 2-hour bucket): precision {base_p:.4f}  recall {base_r:.4f}")

    speed_items, speed_stats = generate(speed_n, SEED + 1, index=index)
    speed_reports = [r for r, _ in speed_items]
    t0 = time.perf_counter()
    speed_grouper = Grouper(threshold=DEFAULT_THRESHOLD, neighbors=neighbors)
    speed_predicted = speed_grouper.add_all(speed_reports)
    seconds = time.perf_counter() - t0
    sp, sr = pairwise(speed_predicted, [label for _, label in speed_items])
    seconds_100k = seconds * SPEED_REPORTS / len(speed_reports)
    rate = len(speed_reports) / seconds
    print(
        f"speed: {len(speed_reports)} reports in {seconds:.2f} s ({rate:,.0f} reports/s, signatures included); "
        f"on that set precision {sp:.4f} recall {sr:.4f}"
    )

    figures = {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "reports_per_second": round(rate),
        "seconds_100k": round(seconds_100k, 3),
        "baseline_precision": round(base_p, 4),
        "baseline_recall": round(base_r, 4),
        "share_events_sharing_neighborhood": round(stats.share_events_sharing_neighborhood, 4),
        "share_text_only_place": round(stats.share_text_only_place, 4),
        "quality_reports": stats.reports,
        "quality_events": stats.events,
        "speed_reports": len(speed_reports),
        "speed_set_precision": round(sp, 4),
        "speed_set_recall": round(sr, 4),
        "gazetteer_used": stats.gazetteer_used,
        "gazetteer_resolved_text_only": stats.text_only_resolved_by_gazetteer,
        "areas_source": stats.areas_source,
        "neighbors_source": neighbors_source,
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
    print(json.dumps({"name": "clustering", "figures": figures, "goals": goals}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

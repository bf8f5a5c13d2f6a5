"""Point-to-neighbourhood lookup speed on the committed NYC areas.

Run ``python bench/geo_lookup.py`` (or ``python -m bench.geo_lookup``); the last line is one JSON object.

Points are drawn (seeded) from the city's bounding box, so they mix land lookups with the slower
water/shoreline fallback roughly as the map does; land-only and fallback-only figures are reported too.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vigil.geo import areas  # noqa: E402

POINTS = 20_000
SEED = 7
# Roughly the five boroughs' bounding box.
SOUTH, WEST, NORTH, EAST = 40.49, -74.26, 40.92, -73.69


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> dict:
    """Measure.

    1. Time the first call (loads and indexes the committed layer).
    2. Time each of POINTS seeded lookups separately with perf_counter_ns.
    3. Report percentiles overall, for points that hit a polygon, and for the nearest-shore fallback.
    """
    started = time.perf_counter()
    areas.resolve_point(40.7580, -73.9855)
    load_ms = (time.perf_counter() - started) * 1000

    rng = random.Random(SEED)
    points = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(POINTS)]
    exact, approximate, outside = [], [], []
    for lat, lon in points:
        t0 = time.perf_counter_ns()
        match = areas.resolve_point(lat, lon)
        elapsed = (time.perf_counter_ns() - t0) / 1e6
        if match is None:
            outside.append(elapsed)
        elif match.approximate:
            approximate.append(elapsed)
        else:
            exact.append(elapsed)
    every = exact + approximate + outside

    def r(value: float) -> float:
        return round(value, 4)

    figures = {
        "points": POINTS,
        "load_ms": round(load_ms, 1),
        "lookup_ms_p50": r(statistics.median(every)),
        "lookup_ms_p95": r(percentile(every, 0.95)),
        "lookup_ms_p99": r(percentile(every, 0.99)),
        "lookup_ms_max": r(max(every)),
        "inside_points": len(exact),
        "inside_ms_p50": r(statistics.median(exact)) if exact else None,
        "approximate_points": len(approximate),
        "approximate_ms_p50": r(statistics.median(approximate)) if approximate else None,
        "outside_points": len(outside),
        "outside_ms_p50": r(statistics.median(outside)) if outside else None,
    }
    p50 = figures["lookup_ms_p50"]
    p99 = figures["lookup_ms_p99"]
    return {
        "name": "geo_lookup",
        "figures": figures,
        "goals": [
            {"figure": "lookup_ms_p50", "target": "<1", "value": p50, "met": p50 < 1},
            {"figure": "lookup_ms_p99", "target": "<5", "value": p99, "met": p99 < 5},
        ],
    }


if __name__ == "__main__":
    print(json.dumps(main()))

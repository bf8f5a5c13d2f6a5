"""Gazetteer speed and hit rate on the committed NYC pack.

Run ``python bench/places.py`` (or ``python -m bench.places``); the last line is one JSON object.

Steps:
1. Time the first call (it loads the pack) in a fresh process.
2. Build a seeded mix of report texts: corners written in each language, stations, landmarks,
   neighborhoods, and texts with no place at all, each wrapped in filler words of a report.
3. Time every lookup; report median, p95 and max in milliseconds and the share that found a place.
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

from vigil.geo.places import resolve_place_text  # noqa: E402

SEED = 11
LOOKUPS = 5_000

PLACES = [
    "Roosevelt y la 74",
    "149th and 3rd",
    "缅街和罗斯福大道",
    "74-я улица и Рузвельт-авеню",
    "৭৪ স্ট্রিট এবং রুজভেল্ট অ্যাভিনিউ",
    "루스벨트 애비뉴와 74번가",
    "شارع 74 وروزفلت",
    "74ویں اسٹریٹ اور روزویلٹ ایونیو",
    "74yèm ri ak Roosevelt",
    "74e rue et Roosevelt",
    "74. ulica i Roosevelta",
    "la estación de la 74",
    "74 St-Broadway station",
    "26 Federal Plaza",
    "la corte de inmigración",
    "Alto Manhattan",
    "法拉盛",
    "Брайтон-Бич",
    "Jamaica Ave and 168th st",
    "PS 19 in Corona",
]
NO_PLACE = ["3 vans", "they took my husband", "agentes en el tren", "ICE is here", "国土安全部的人在这里"]
FILLER = ["ICE agents at", "now", "please help", "vi a la migra en", "3 vans and a car", "right now!!", ""]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> dict:
    start = time.perf_counter()
    resolve_place_text("warm up")
    load_ms = (time.perf_counter() - start) * 1000

    rng = random.Random(SEED)
    texts = []
    for _ in range(LOOKUPS):
        core = rng.choice(PLACES) if rng.random() < 0.8 else rng.choice(NO_PLACE)
        texts.append(" ".join(filter(None, (rng.choice(FILLER), core, rng.choice(FILLER)))))

    from vigil.geo.gazetteer import gazetteer as loaded_gazetteer

    def run(cold: bool) -> tuple[list[float], int]:
        timings, found = [], 0
        for text in texts:
            if cold:
                loaded_gazetteer()._span_memo.clear()  # as if no report had named these streets before
            t0 = time.perf_counter()
            match = resolve_place_text(text)
            timings.append((time.perf_counter() - t0) * 1000)
            found += match is not None
        return timings, found

    cold, found_cold = run(cold=True)
    warm, found = run(cold=False)
    assert found == found_cold, "the memo changed what was found"
    figures = {
        "lookups": LOOKUPS,
        "load_ms": round(load_ms, 1),
        "median_ms": round(statistics.median(warm), 3),
        "p95_ms": round(percentile(warm, 0.95), 3),
        "max_ms": round(max(warm), 3),
        "cold_median_ms": round(statistics.median(cold), 3),
        "cold_p95_ms": round(percentile(cold, 0.95), 3),
        "found_share": round(found / LOOKUPS, 3),
    }
    result = {
        "name": "places",
        "figures": figures,
        "goals": [
            {
                "figure": "cold_p95_ms",
                "target": "<1",
                "value": figures["cold_p95_ms"],
                "met": figures["cold_p95_ms"] < 1,
            },
            {"figure": "p95_ms", "target": "<1", "value": figures["p95_ms"], "met": figures["p95_ms"] < 1},
        ],
    }
    print(f"first call (loads the pack): {figures['load_ms']} ms")
    print(f"lookup, streets seen before: median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms")
    print(f"lookup, nothing remembered: median {figures['cold_median_ms']} ms, p95 {figures['cold_p95_ms']} ms")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()

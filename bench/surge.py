"""Benchmark: grouping during a surge, through the production intake path: 5,000 open incidents in one
borough inside the look-back, then reports about them, old and new.

Run from the repository root: `python bench/surge.py` (`bench/clustering.py` runs it in its full run).
`measure()` returns the figures as a dict.

Steps:
1. In a separate process: a freshly migrated temporary SQLite file database (or, when `DATABASE_URL`
   names PostgreSQL, a throwaway database on that server, dropped afterwards), keys generated for the
   run, one partner organization.
2. Events at 5,300 distinct street corners of Queens (`jurisdictions/nyc/places/intersections.tsv`,
   fixed seed), one every 1.7 s of occurred time over 150 minutes: each first report goes through
   `build_input` and `submit_report(..., channel="api")`, with a phone point within 40 m of the corner
   and a short text giving the building's number on one street by the other, in one of six languages. At the end
   5,000 incidents or more are open (a few events at neighboring corners are grouped), all inside the
   three-hour look-back.
3. Then 1,000 more reports, one every 1.7 s of occurred time, each about an event drawn at random (most
   of them older than the 200 newest incidents): 90% with a point within 40 m, 10% with only the
   neighborhood picked; the text names the corner again in another wording or language. These are the
   measured ones: the grouping step (`group_report`, wrapped for the run) is timed for each.
4. Pairwise precision and recall of all 6,300 reports against their events (labeled pairs: the 1,000
   second reports with the first of their event), and the per-report times.
5. The baseline, measured the same way in another fresh process: the search as it was (the 200 newest
   open candidates of the borough). One JSON object last.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.freshdb import fresh_database, is_postgres  # noqa: E402
from bench.quality_sets import pairwise, percentile  # noqa: E402

SEED = 20261105
# Events at as many corners: a few of the 5,300 are close enough to a neighbor to be grouped with it,
# and at least 5,000 incidents stay open (the figure `surge_open_incidents` says how many).
EVENTS = 5_300
OPEN_INCIDENTS = 5_000
FOLLOW_UPS = 1_000
SPAN_MINUTES = 150.0
BOROUGH_PREFIX = "QN"
GOAL_P99_MS = 20.0
GOAL_RECALL = 0.95

# Each event's reports give its building's number ({h}), as reporters do: it tells two scenes at neighboring
# corners of one street apart, as it would in a real surge.
FIRST = {
    "en": "ICE agents at {h} {a} by {b}, {n} cars",
    "es": "migra en el {h} de {a} y {b}, {n} carros",
    "zh-hans": "{a}{h}号，靠近{b}，有ICE，{n}辆车",
    "bn": "{a} {h} নম্বরে, {b} এর কাছে আইস, {n}টা গাড়ি",
    "ht": "ajan ICE nan {h} {a} bo {b}, {n} machin",
    "pl": "agenci ICE pod {h} {a} przy {b}, {n} samochody",
}
LATER = {
    "en": "still at {h} {a}, {n} cars",
    "es": "siguen en el {h} de {a} con {b}",
    "zh-hans": "{a}{h}号还在，{n}辆车",
    "bn": "{a} {h} এ এখনও আছে",
    "ht": "yo toujou nan {h} {a} ak {b}",
    "pl": "nadal pod {h} {a}",
}


def _street_names() -> dict[str, str]:
    path = ROOT / "jurisdictions" / "nyc" / "places" / "streets.tsv"
    names = {}
    with path.open(encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            sid, direction, core, kind = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
            names[sid] = " ".join(p for p in (direction, core, kind.title()) if p)
    return names


def events(rng: random.Random) -> list[dict]:
    """Distinct Queens corners, each an event with its place, streets and language."""
    names = _street_names()
    corners = []
    seen = set()
    with (ROOT / "jurisdictions" / "nyc" / "places" / "intersections.tsv").open(encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            a, b, lat, lon, nta = line.rstrip("\n").split("\t")[:5]
            key = (round(float(lat), 4), round(float(lon), 4))
            if nta.startswith(BOROUGH_PREFIX) and a in names and b in names and key not in seen:
                seen.add(key)
                corners.append((names[a], names[b], float(lat), float(lon), nta))
    picked = rng.sample(corners, EVENTS)
    return [
        {
            "a": a,
            "b": b,
            "h": house,
            "lat": lat,
            "lon": lon,
            "area": nta,
            "language": rng.choice(list(FIRST)),
            "n": rng.randint(2, 6),
        }
        for (a, b, lat, lon, nta), house in zip(picked, rng.sample(range(100, 9999), len(picked)), strict=True)
    ]


def _jitter(rng: random.Random, lat: float, lon: float, meters: float = 40.0) -> tuple[float, float]:
    import math

    d, bearing = rng.uniform(0, meters), rng.uniform(0, 2 * math.pi)
    return (
        round(lat + d * math.cos(bearing) / 111_195.0, 6),
        round(lon + d * math.sin(bearing) / (111_195.0 * math.cos(math.radians(lat))), 6),
    )


def plan(rng: random.Random) -> list[tuple[float, int, dict, bool]]:
    """(minutes, event index, raw report, measured) in the order they are sent."""
    evs = events(rng)
    out = []
    for i, ev in enumerate(evs):
        lat, lon = _jitter(rng, ev["lat"], ev["lon"])
        text = FIRST[ev["language"]].format(**ev)
        out.append((i * SPAN_MINUTES / EVENTS, i, {"text": text, "lat": lat, "lon": lon}, False))
    step = 28.0 / FOLLOW_UPS
    for j in range(FOLLOW_UPS):
        i = rng.randrange(EVENTS)
        ev = evs[i]
        language = rng.choice([lang for lang in LATER if lang != ev["language"]])
        raw = {"text": LATER[language].format(**ev)}
        if rng.random() < 0.1:
            raw["area"] = ev["area"]
        else:
            raw["lat"], raw["lon"] = _jitter(rng, ev["lat"], ev["lon"])
        out.append((SPAN_MINUTES + 0.5 + j * step, i, raw, True))
    return out


def _old_search() -> None:
    """For the baseline: the search as it was before the grid cells, the 200 newest open candidates of
    the report's borough (the same query with its old order and limit)."""
    from vigil.incidents import open_candidates

    sql = open_candidates._candidate_sql

    def capped(*, cells: int, in_borough: bool, partner: bool) -> str:
        return sql(cells=0, in_borough=in_borough, partner=partner) + " ORDER BY last_report_at DESC LIMIT 200"

    open_candidates.search_cells = lambda report: None
    open_candidates._candidate_sql = capped


def run(baseline: bool = False) -> dict:
    """The worker: a fresh database, the surge sent through submit_report (`baseline`: with the old search)."""
    with fresh_database("surge"):
        if baseline:
            _old_search()
        return _send(plan(random.Random(SEED)))


def _send(items: list[tuple[float, int, dict, bool]]) -> dict:
    from django.utils import timezone

    from bench.quality_sets import _warm_up
    from vigil.accounts import actions as account_actions
    from vigil.incidents import actions as incident_actions
    from vigil.incidents.models import Incident
    from vigil.intake.actions import submit_report
    from vigil.intake.models import Report
    from vigil.intake.validation import build_input

    org = account_actions.create_organization(name="Bench Surge Hotline", slug="bench-surge", kind="hotline")
    _warm_up()
    # The last report a little before now: every incident is inside the look-back when it arrives.
    base = timezone.now() - timedelta(minutes=SPAN_MINUTES + 40)
    group_ms: list[float] = []
    # CPU time of the thread as well: on a machine whose cores are shared, wall time also counts the
    # waits for a core, which say nothing of grouping.
    group_cpu_ms: list[float] = []
    original = incident_actions.group_report

    def timed_group_report(*args, **kwargs):
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            group_ms.append((time.perf_counter() - start) * 1000)
            group_cpu_ms.append((time.thread_time() - cpu) * 1000)

    incident_actions.group_report = timed_group_report
    ids, labels, measured_ms, setup_ms, measured_cpu_ms = [], [], [], [], []
    open_when_measured = None
    started = time.perf_counter()
    try:
        for minutes, event, raw, measured in items:
            if measured and open_when_measured is None:
                open_when_measured = Incident.objects.filter(grouping_open=True, organization=org).count()
            raw = {**raw, "occurred_at": (base + timedelta(minutes=minutes)).isoformat()}
            report, _secret, _created = submit_report(build_input(raw), channel="api", partner=org)
            (measured_ms if measured else setup_ms).append(group_ms[-1])
            if measured:
                measured_cpu_ms.append(group_cpu_ms[-1])
            ids.append(report.pk)
            labels.append(event)
    finally:
        incident_actions.group_report = original
    seconds = time.perf_counter() - started
    stored = dict(Report.objects.filter(pk__in=ids).values_list("pk", "incident_id"))
    predicted = [str(stored[pk]) for pk in ids]
    precision, recall = pairwise(predicted, labels)
    return {
        "surge_open_incidents": open_when_measured,
        "surge_reports": len(ids),
        "surge_measured_reports": len(measured_ms),
        "surge_precision": round(precision, 4),
        "surge_recall": round(recall, 4),
        "surge_group_ms_p50": round(percentile(measured_ms, 0.5), 2),
        "surge_group_ms_p99": round(percentile(measured_ms, 0.99), 2),
        "surge_group_ms_max": round(max(measured_ms), 2),
        "surge_group_cpu_ms_p50": round(percentile(measured_cpu_ms, 0.5), 2),
        "surge_group_cpu_ms_p99": round(percentile(measured_cpu_ms, 0.99), 2),
        "surge_setup_group_ms_p99": round(percentile(setup_ms, 0.99), 2),
        "surge_seconds": round(seconds, 1),
        "surge_database": "postgresql" if is_postgres(os.environ.get("DATABASE_URL", "")) else "sqlite",
    }


def measure(baseline: bool = False) -> dict:
    """Run the surge in a fresh process (nothing carried over from the caller's grouping context);
    `baseline`: with the old search, the 200 newest candidates of the borough."""
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(Path(__file__).resolve()), "--worker", *(["--baseline"] if baseline else [])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"surge: the worker failed\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def goals(figures: dict) -> list[dict]:
    return [
        {
            "figure": "surge_open_incidents",
            "target": f">={OPEN_INCIDENTS}",
            "value": figures["surge_open_incidents"],
            "met": figures["surge_open_incidents"] >= OPEN_INCIDENTS,
        },
        {
            "figure": "surge_group_ms_p99",
            "target": f"<{GOAL_P99_MS:g}",
            "value": figures["surge_group_ms_p99"],
            "met": figures["surge_group_ms_p99"] < GOAL_P99_MS,
        },
        {
            "figure": "surge_recall",
            "target": f">={GOAL_RECALL}",
            "value": figures["surge_recall"],
            "met": figures["surge_recall"] >= GOAL_RECALL,
        },
    ]


def main(argv: list[str]) -> int:
    if "--worker" in argv:
        print(json.dumps(run(baseline="--baseline" in argv)))
        return 0
    figures = measure()
    old = measure(baseline=True)
    figures.update({f"baseline_{name}": value for name, value in old.items() if name != "surge_database"})
    print(
        f"surge: {figures['surge_open_incidents']} open incidents, {figures['surge_measured_reports']} reports "
        f"measured: group_report {figures['surge_group_ms_p50']:.1f} ms p50, {figures['surge_group_ms_p99']:.1f} ms "
        f"p99; precision {figures['surge_precision']:.4f} recall {figures['surge_recall']:.4f} "
        f"({figures['surge_database']}, {figures['surge_seconds']:.0f} s)"
    )
    print(
        f"baseline (200 newest of the borough): group_report {figures['baseline_surge_group_ms_p99']:.1f} ms p99; "
        f"precision {figures['baseline_surge_precision']:.4f} recall {figures['baseline_surge_recall']:.4f}"
    )
    print(json.dumps({"name": "surge", "figures": figures, "goals": goals(figures)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: grouping quality on the hand-labeled report sets, through the production intake path.

Run from the repository root: `python bench/quality_sets.py` (`--kind near_distinct` for one set, repeatable;
`--dev` for the development sets of `bench/data/grouping/dev/`, the ones changes may be tuned on; `--dev2` for the
second batch of development sets in `bench/data/grouping/dev2/`, the kinds whose files are there; `--dev3` and
`--dev4` for the third and fourth, in `bench/data/grouping/dev3/` and `dev4/`; `VIGIL_EXPLAIN=1` on a worker records each choice's candidate scores).
`measure(kinds=None, data=DATA)` returns the same figures as a dict (for `bench/clustering.py`).

The sets are `bench/data/grouping/<kind>.jsonl`, one per kind of grouping error (see the README there).
They were written by hand before any grouping change and are never used to fit or tune anything.

Steps:
1. Read every set and check each line (event label, text, language, minutes; optional lat/lon, area, place).
2. For each kind, in a separate process so that nothing carries over from one kind to the next (the
   grouping context and its word statistics are per process): a freshly migrated temporary SQLite file
   database (or, when `DATABASE_URL` names PostgreSQL, a throwaway database created on that server and
   dropped afterwards), keys generated for the run, one partner organization. Each report goes through
   `build_input` and `submit_report(..., channel="api", partner=org)` in time order, its time being the
   set's start (a fixed local 06:00 twelve days ago, inside the 30 days intake accepts) plus its minutes.
   The language is left to detection, as a partner API body usually leaves it. Each call is timed, and
   so is the grouping step inside it (`group_report`, by wrapping it for the run).
3. Read back each report's incident; pairwise precision and recall per kind and over all kinds (events
   and incidents of different kinds never share a pair), from contingency counts.
4. Print human lines (per kind: events split over several incidents, incidents merging several events),
   then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.freshdb import fresh_database, is_postgres  # noqa: E402

DATA = ROOT / "bench" / "data" / "grouping"
# The development batches, each a folder of `DATA` named as its flag (`--dev`, `--dev2`, ...), with what the
# output calls it. The later batches hold some kinds only: those whose files are there.
DEV_BATCHES = {
    "dev": "development",
    "dev2": "development (second batch)",
    "dev3": "development (third batch)",
    "dev4": "development (fourth batch)",
}
KINDS = (
    "near_distinct",
    "neighborhood_only",
    "multilingual_same_event",
    "surge_morning",
    "repeats_same_corner",
    "no_place_details",
)
GOAL = 0.9
BASE_DAYS_AGO = 12
BASE_HOUR = 6
FIELDS = {"event", "text", "language", "minutes", "lat", "lon", "area", "place", "note"}
LANGUAGES = ("en", "es", "zh-hans", "zh-hant", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl")


def load(kind: str, data: Path = DATA) -> list[dict]:
    """The reports of one set, checked, in file order."""
    path = data / f"{kind}.jsonl"
    reports = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        item = json.loads(raw)
        where = f"{path.name}:{number}"
        unknown = set(item) - FIELDS
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        for name in ("event", "text", "language"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                raise ValueError(f"{where}: {name} is required")
        if item["language"] not in LANGUAGES:
            raise ValueError(f"{where}: unknown language {item['language']!r}")
        if not isinstance(item.get("minutes"), int) or item["minutes"] < 0:
            raise ValueError(f"{where}: minutes must be a whole number >= 0")
        if ("lat" in item) != ("lon" in item):
            raise ValueError(f"{where}: lat and lon go together")
        reports.append(item)
    return reports


def pairwise(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> tuple[float, float]:
    """Pairwise precision and recall from contingency counts (as bench/clustering.py measures them)."""

    def pairs(counts: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    together = pairs(Counter(zip(predicted, truth, strict=True)))
    claimed = pairs(Counter(predicted))
    actual = pairs(Counter(truth))
    return (together / claimed if claimed else 1.0), (together / actual if actual else 1.0)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the worker: one kind, one fresh database, one process -------------------------------------------


def run_kind(kind: str, data: Path = DATA) -> dict:
    """Send one set through the production path on a fresh database; what each report was grouped into."""
    reports = load(kind, data)
    with fresh_database("sets"):
        return _send(kind, reports)


def _send(kind: str, reports: list[dict]) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from vigil.accounts import actions as account_actions
    from vigil.incidents import actions as incident_actions
    from vigil.intake.actions import submit_report
    from vigil.intake.models import Report
    from vigil.intake.validation import build_input

    org = account_actions.create_organization(name="Bench Sets Hotline", slug="bench-sets", kind="hotline")
    _warm_up()
    if os.environ.get("VIGIL_RULES"):
        # Fitting on the development sets: the rules under trial, for this run only.
        import dataclasses

        context = incident_actions._context()
        context.rules = dataclasses.replace(context.rules, **json.loads(os.environ["VIGIL_RULES"]))
    local = timezone.localtime(timezone.now())
    base = (local - timedelta(days=BASE_DAYS_AGO)).replace(hour=BASE_HOUR, minute=0, second=0, microsecond=0)
    latest = base + timedelta(minutes=max(r["minutes"] for r in reports))
    if latest > local:
        raise ValueError(f"{kind}: the set spans more than {BASE_DAYS_AGO} days")

    group_ms: list[float] = []
    original = incident_actions.group_report

    def timed_group_report(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            group_ms.append((time.perf_counter() - start) * 1000)

    incident_actions.group_report = timed_group_report
    explained: list[dict] = []
    if os.environ.get("VIGIL_EXPLAIN"):
        _explain_into(explained)
    order = sorted(range(len(reports)), key=lambda i: (reports[i]["minutes"], i))
    ids: dict[int, object] = {}
    submit_ms: list[float] = []
    try:
        for i in order:
            item = reports[i]
            raw = {
                "text": item["text"],
                "occurred_at": (base + timedelta(minutes=item["minutes"])).isoformat(),
                "place_text": item.get("place", ""),
                "area": item.get("area"),
            }
            if "lat" in item:
                raw["lat"], raw["lon"] = item["lat"], item["lon"]
            start = time.perf_counter()
            report, _secret, _created = submit_report(build_input(raw), channel="api", partner=org)
            submit_ms.append((time.perf_counter() - start) * 1000)
            ids[i] = report.pk
    finally:
        incident_actions.group_report = original
    stored = dict(Report.objects.filter(pk__in=ids.values()).values_list("pk", "incident_id"))
    detected = dict(Report.objects.filter(pk__in=ids.values()).values_list("pk", "language"))
    return {
        "kind": kind,
        "incidents": [str(stored[ids[i]]) for i in range(len(reports))],
        "detected": [detected[ids[i]] for i in range(len(reports))],
        "submit_ms": submit_ms,
        "group_ms": group_ms,
        "explained": explained,
    }


def _explain_into(out: list[dict]) -> None:
    """Record, for every reading of every report grouping scores, each candidate's score and its parts (a
    development aid: `VIGIL_EXPLAIN=1`, on the development sets only). Wraps `scoring._best_of`, which
    both `choose_best` and `choose_reading` call."""
    import math

    from vigil.incidents.grouping import scoring

    original = scoring._best_of

    def explaining(probe, candidates, threshold):
        candidates = list(candidates)
        rows = []
        for c in candidates:
            s = probe.score(c)
            if s == scoring.EXCLUDED:
                continue
            gap = probe.gap(c) / 60.0
            apart = probe.places_apart(c)
            rules = probe.rules
            rows.append(
                {
                    "incident": c.incident_id,
                    "score": round(s, 2),
                    "place": round(probe.place(c, apart), 2),
                    "time": round(rules.per_log_minute * math.log1p(gap) + rules.per_half_hour * gap / 30.0, 2),
                    "text": round(probe.text(c, apart), 2),
                    "apart": apart,
                    "parts": [round(x, 2) for x in probe.text_parts(c)],
                    "counts": round(probe.counts(c), 2),
                }
            )
        best, best_score, plausible = original(probe, candidates, threshold)
        rows.sort(key=lambda r: -r["score"])
        r = probe.report
        out.append(
            {
                "text": r.text,
                "area": r.area,
                "point": r.lat is not None,
                "places": len(r.places),
                "best": best.incident_id if best else None,
                "plausible": plausible,
                "threshold": threshold,
                "rows": rows[:4],
            }
        )
        return best, best_score, plausible

    scoring._best_of = explaining


def _warm_up() -> None:
    """Load what a running worker has loaded already (language models, gazetteer, grouping context), so
    that the first report's time is not the cost of starting a process."""
    from vigil.incidents import actions as incident_actions
    from vigil.lib.langid import detect_language

    detect_language("warm up the models")
    try:
        from vigil.geo.places import resolve_place_text
    except ImportError:
        pass
    else:
        resolve_place_text("Roosevelt Ave & 74 St", "en")
    incident_actions.warm_grouping_context()


# --- the parent: one process per kind, figures -------------------------------------------------------


def _run_in_process(kind: str, data: Path) -> dict:
    done = subprocess.run(  # noqa: S603 - our own script, with a kind from KINDS
        [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind}: the worker failed\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _kind_figures(kind: str, reports: list[dict], run: dict) -> dict:
    labels = [r["event"] for r in reports]
    predicted = run["incidents"]
    precision, recall = pairwise(predicted, labels)
    by_event: dict[str, set] = defaultdict(set)
    by_incident: dict[str, set] = defaultdict(set)
    for label, incident in zip(labels, predicted, strict=True):
        by_event[label].add(incident)
        by_incident[incident].add(label)
    language_hits = sum(d == r["language"] for d, r in zip(run["detected"], reports, strict=True))
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "reports": len(reports),
        "events": len(by_event),
        "incidents": len(by_incident),
        "languages": len({r["language"] for r in reports}),
        "events_split": sorted(e for e, found in by_event.items() if len(found) > 1),
        "incidents_merging": sorted(sorted(events) for events in by_incident.values() if len(events) > 1),
        "language_detected_share": round(language_hits / len(reports), 4),
        "reports_with_point": sum("lat" in r for r in reports),
        "reports_with_area": sum("area" in r for r in reports),
        "reports_with_place_text": sum("place" in r for r in reports),
    }


def measure(kinds: Sequence[str] | None = None, data: Path = DATA) -> dict:
    """Per kind and overall: pairwise precision and recall, counts, per-report times (ms, p50/p99)."""
    kinds = tuple(kinds or KINDS)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}")
    per_kind: dict[str, dict] = {}
    all_labels: list[str] = []
    all_predicted: list[str] = []
    submit_ms: list[float] = []
    group_ms: list[float] = []
    for kind in kinds:
        reports = load(kind, data)
        run = _run_in_process(kind, data)
        per_kind[kind] = _kind_figures(kind, reports, run)
        all_labels += [f"{kind}/{r['event']}" for r in reports]
        all_predicted += [f"{kind}/{i}" for i in run["incidents"]]
        submit_ms += run["submit_ms"]
        group_ms += run["group_ms"]
    precision, recall = pairwise(all_predicted, all_labels)
    return {
        "kinds": per_kind,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "reports": len(all_labels),
        "events": len(set(all_labels)),
        "submit_ms_p50": round(percentile(submit_ms, 0.5), 2),
        "submit_ms_p99": round(percentile(submit_ms, 0.99), 2),
        "group_ms_p50": round(percentile(group_ms, 0.5), 2),
        "group_ms_p99": round(percentile(group_ms, 0.99), 2),
        "group_ms_mean": round(statistics.fmean(group_ms), 2) if group_ms else 0.0,
        "database": "postgresql" if is_postgres(os.environ.get("DATABASE_URL", "")) else "sqlite",
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", action="append", choices=KINDS, help="measure this kind only (repeatable)")
    for flag, which in DEV_BATCHES.items():
        parser.add_argument(f"--{flag}", action="store_true", help=f"the {which} sets (bench/data/grouping/{flag}/)")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, default=DATA, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_kind(args.worker, args.data)))
        return 0

    batches = [flag for flag in DEV_BATCHES if getattr(args, flag)]
    if len(batches) > 1:
        parser.error("--" + ", --".join(DEV_BATCHES) + " go one at a time")
    data, kinds = DATA, args.kind
    if batches:
        data = DATA / batches[0]
        kinds = [k for k in (args.kind or KINDS) if (data / f"{k}.jsonl").is_file()]
        if not kinds:
            parser.error(f"no set of the kinds asked for in {data}")
    result = measure(kinds, data)
    which = DEV_BATCHES[batches[0]] if batches else "hand-labeled (held-out)"
    print(f"{which} grouping sets through submit_report (channel api), on {result['database']}")
    print(f"{'kind':26} {'reports':>7} {'events':>6} {'incid.':>6} {'langs':>5} {'precision':>9} {'recall':>7}")
    for kind, f in result["kinds"].items():
        print(
            f"{kind:26} {f['reports']:>7} {f['events']:>6} {f['incidents']:>6} {f['languages']:>5} "
            f"{f['precision']:>9.4f} {f['recall']:>7.4f}"
        )
    for kind, f in result["kinds"].items():
        if f["events_split"]:
            print(f"  {kind}: split over several incidents: {', '.join(f['events_split'])}")
        for merged in f["incidents_merging"]:
            print(f"  {kind}: one incident for {' + '.join(merged)}")
    print(
        f"overall: {result['reports']} reports, {result['events']} events, precision {result['precision']:.4f} recall {result['recall']:.4f}"
    )
    print(
        f"per report: submit_report {result['submit_ms_p50']:.1f} ms p50, {result['submit_ms_p99']:.1f} ms p99; "
        f"group_report {result['group_ms_p50']:.1f} ms p50, {result['group_ms_p99']:.1f} ms p99"
    )

    figures: dict = {"precision": result["precision"], "recall": result["recall"]}
    for kind, f in result["kinds"].items():
        figures[f"precision.{kind}"] = f["precision"]
        figures[f"recall.{kind}"] = f["recall"]
    for name in ("reports", "events", "submit_ms_p50", "submit_ms_p99", "group_ms_p50", "group_ms_p99", "database"):
        figures[name] = result[name]
    goals = [
        {
            "figure": f"{measure_name}.{kind}",
            "target": f">={GOAL}",
            "value": f[measure_name],
            "met": f[measure_name] >= GOAL,
        }
        for kind, f in result["kinds"].items()
        for measure_name in ("precision", "recall")
    ]
    print(
        json.dumps(
            {
                "name": f"grouping_{batches[0]}_sets" if batches else "grouping_sets",
                "figures": figures,
                "goals": goals,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""make bench-rules_recompute: recompute the findings of 10,000 stored incidents (1-4 sealed detention
records each) on a fresh SQLite database, as the recompute job does under a new pack: records decrypted
(each read audited), facts mapped, judged, findings and categories written. Goal: under 60 s.

The baseline, measured in the same run: judging the same incidents in memory (`findings_for` on the
parsed facts), without the database, the decryption or the writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.freshdb import fresh_database  # noqa: E402

INCIDENTS = int(os.environ.get("BENCH_INCIDENTS", "10000"))
UNKNOWN_SHARE = 0.2


def pick(rng, values):
    return None if rng.random() < UNKNOWN_SHARE else rng.choice(values)


def record(rng, arrest: dt.date) -> dict:
    """One detention record's facts, a fifth of them unknown."""
    would = dt.datetime.combine(arrest + dt.timedelta(days=rng.randint(1, 30)), dt.time(rng.randint(0, 23)))
    raw = {
        "targeted": pick(rng, ["targeted", "collateral"]),
        "custody": pick(rng, ["nypd", "doc", "probation", "federal"]),
        "warrant": pick(rng, ["federal_judicial_arrest", "ice_administrative", "detainer_only", "none_shown"]),
        "arrest_by": pick(rng, ["local", "federal"]),
        "arrest_basis": pick(rng, ["civil_immigration", "criminal"]),
        "request": pick(rng, ["detention", "notification", "transfer", "none"]),
        "honored": pick(rng, ["held_past_release", "release_time_told", "handed_over_at_release", "not_honored"]),
        "would_release_at": pick(rng, [would.isoformat()]),
        "released_at": pick(rng, [(would + dt.timedelta(hours=rng.randint(0, 120))).isoformat()]),
        "instant_arrest_date": pick(rng, [arrest.isoformat()]),
        "convictions": pick(
            rng,
            [[], [{"id": "c1", "sentence_date": (arrest - dt.timedelta(days=rng.randint(30, 4000))).isoformat()}]],
        ),
        "incarcerations": pick(rng, [[]]),
        "database_match": pick(rng, [True, False]),
        "previously_removed_reentered": pick(rng, [True, False]),
        "info_shared": pick(rng, [True, False]),
        "info_shared_by": pick(rng, ["doc", "probation", "nypd"]),
        "sharing_required_by_law": pick(rng, [True, False]),
        "court_attendance": pick(rng, ["party_or_witness", "family_of_party_or_witness", "no"]),
    }
    return {name: value for name, value in raw.items() if value is not None}


def store(rng) -> None:
    """The incidents and their sealed detention records, written in bulk (the setup, not measured)."""
    from django.utils import timezone

    from vigil.incidents.models import DetentionRecord, Incident

    start = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    incidents, records = [], []
    for i in range(INCIDENTS):
        when = start + dt.timedelta(minutes=47 * i)
        incident = Incident(
            first_report_at=when,
            last_report_at=when,
            area="QN0301",
            borough="QN",
            state="reported",
            site_operator=pick(rng, ["city_agency", "city_contractor", "hhc", "private", "mta"]) or "",
            court=pick(rng, ["none", "state_or_city", "immigration"]) or "",
            area_entered=pick(rng, ["public", "non_public"]) or "",
            local_police_role=pick(rng, ["none", "perimeter", "assisting", "holding"]) or "",
            warrant_seen=pick(rng, ["federal_judicial_arrest", "ice_administrative", "none_shown"]) or "",
        )
        incidents.append(incident)
        for n in range(1, rng.randint(1, 4) + 1):
            arrest = timezone.localtime(when).date() - dt.timedelta(days=rng.randint(0, 3))
            records.append(DetentionRecord(incident=incident, number=n, facts=record(rng, arrest)))
    Incident.objects.bulk_create(incidents, batch_size=500)
    DetentionRecord.objects.bulk_create(records, batch_size=500)


def baseline_seconds() -> float:
    """The same incidents judged in memory: parsed facts in, findings out."""
    from vigil.incidents.models import DetentionRecord, Incident
    from vigil.rules.current import current_pack
    from vigil.rules.engine import findings_for
    from vigil.rules.facts import parse_incident
    from vigil.rules.mapping import incident_object

    pack = current_pack()
    by_incident: dict = {}
    for row in DetentionRecord.objects.order_by("number"):
        by_incident.setdefault(row.incident_id, []).append(row)
    parsed = [
        parse_incident(incident_object(incident, by_incident.get(incident.pk, [])), i, pack.zone)
        for i, incident in enumerate(Incident.objects.all())
    ]
    began = time.perf_counter()
    for incident in parsed:
        findings_for(pack, incident)
    return time.perf_counter() - began


def main() -> None:
    rng = random.Random(12)
    with fresh_database("rules-recompute"):
        from vigil.rules import actions
        from vigil.rules.models import DetentionCategory, Finding, Recompute

        store(rng)
        baseline = baseline_seconds()
        run = actions.start_recompute_if_new_pack()
        began = time.perf_counter()
        while not actions.continue_recompute(run.pk):
            pass
        seconds = time.perf_counter() - began
        run = Recompute.objects.get(pk=run.pk)
        levels = {}
        for level in Finding.objects.values_list("level", flat=True):
            levels[level] = levels.get(level, 0) + 1
        figures = {
            "incidents": run.done_count,
            "recompute_s": round(seconds, 2),
            "per_incident_ms": round(1000 * seconds / max(run.done_count, 1), 3),
            "baseline_evaluate_s": round(baseline, 3),
            "findings": levels,
            "detention_categories": DetentionCategory.objects.count(),
        }
    result = {
        "name": "rules_recompute",
        "figures": figures,
        "goals": [
            {"figure": "recompute_s", "target": "<60", "value": figures["recompute_s"], "met": seconds < 60},
            {
                "figure": "incidents",
                "target": f"={INCIDENTS}",
                "value": figures["incidents"],
                "met": figures["incidents"] == INCIDENTS,
            },
        ],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

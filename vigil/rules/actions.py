"""Judging stored incidents: findings and derived categories written with their history and pack hash.

Every state change is here, in a transaction with its audit event. The jobs (jobs.py) call these.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.rules import interpret, lang
from vigil.rules.current import current_pack
from vigil.rules.engine import findings_for
from vigil.rules.facts import parse_incident
from vigil.rules.mapping import incident_object
from vigil.rules.models import DetentionCategory, Finding, Recompute

RECOMPUTE_BATCH = 200


def _qualifying(pack, merged: dict) -> str:
    """ "yes", "no" or "unknown": a qualifying conviction within the look-back, under every reading of the
    excluded incarceration (readings that disagree give "unknown")."""
    rule = next((r for r in pack.rules if r.readings), None)
    contexts = rule.contexts if rule else ()
    values = {interpret.walk("@qualifying", merged, ctx)[0] for ctx in contexts}
    if len(values) != 1 or lang.UNKNOWN in values:
        return "unknown"
    return "yes" if values.pop() else "no"


def _hold_hours(record: dict):
    start, end = record.get("would_release_at"), record.get("released_at")
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime) or end < start:
        return None
    return int((end - start).total_seconds() // 3600)


def categories(pack, parsed) -> list[dict]:
    """The monitors' derived categories of each detention record (docs/rules.md, "Monitors")."""
    out = []
    for i, record in enumerate(parsed.detentions):
        merged = {**parsed.facts, **record}
        attendance = record.get("court_attendance")
        out.append(
            {
                "detention_number": i + 1,
                "custody": merged.get("custody", ""),
                "warrant": merged.get("warrant", ""),
                "request": record.get("request", ""),
                "honored": record.get("honored", ""),
                "qualifying_conviction": _qualifying(pack, merged),
                "hold_hours": _hold_hours(record),
                "court_related": {None: "unknown", "no": "no"}.get(attendance, "yes"),
            }
        )
    return out


def _shape(rows, keys):
    return sorted(tuple(str(row[k]) for k in keys) for row in rows)


FINDING_KEYS = ("detention_number", "rule", "level", "citation", "unverified", "facts", "unknown")
CATEGORY_KEYS = (
    "detention_number",
    "custody",
    "warrant",
    "request",
    "honored",
    "qualifying_conviction",
    "hold_hours",
    "court_related",
)


def _judged(pack, incident, records) -> tuple[list, list]:
    """The findings and derived categories of one incident, as rows to write."""
    parsed = parse_incident(incident_object(incident, records), 0, pack.zone)
    numbers = [record.number for record in records]
    found = [
        {
            "detention_number": None if f["detention"] is None else numbers[f["detention"]],
            "rule": f["rule"],
            "level": f["level"],
            "citation": f["citation"],
            "unverified": f["unverified"],
            "facts": f["facts"],
            "unknown": f["unknown"],
        }
        for f in findings_for(pack, parsed)
    ]
    derived = categories(pack, parsed)
    for row, number in zip(derived, numbers, strict=True):
        row["detention_number"] = number
    return found, derived


def judge_incidents(incident_ids, *, pack=None) -> int:
    """Steps, for a batch of incidents in one transaction: read them and their detention records (each
    incident's read audited, by the system); judge each under the pack; for those whose findings or
    categories differ from the current ones, or came from another pack, supersede those and write the new
    (in bulk); audit each judged incident with its count. Returns the number of current findings."""
    from vigil.incidents.models import DetentionRecord, Incident

    pack = pack or current_pack()
    now = timezone.now()
    total = 0
    with transaction.atomic():
        incidents = list(Incident.objects.select_for_update().filter(pk__in=list(incident_ids)).order_by("pk"))
        ids = [incident.pk for incident in incidents]
        records, findings, cats = {}, {}, {}
        for row in DetentionRecord.objects.filter(incident_id__in=ids).order_by("number", "created_at"):
            records.setdefault(row.incident_id, []).append(row)
        for row in Finding.objects.filter(incident_id__in=ids, superseded_at__isnull=True):
            findings.setdefault(row.incident_id, []).append(row)
        for row in DetentionCategory.objects.filter(incident_id__in=ids, superseded_at__isnull=True).values():
            cats.setdefault(row["incident_id"], []).append(row)
        changed, new_findings, new_cats = [], [], []
        for incident in incidents:
            mine = records.get(incident.pk, [])
            audit.record("incident.detentions_read", obj=incident, count=len(mine), kind="rules")
            found, derived = _judged(pack, incident, mine)
            total += len(found)
            current, current_cats = findings.get(incident.pk, []), cats.get(incident.pk, [])
            hashes = {f.pack_hash for f in current} | {c["pack_hash"] for c in current_cats}
            if (
                hashes <= {pack.hash}
                and (hashes or not (found or derived))
                and _shape([{k: getattr(f, k) for k in FINDING_KEYS} for f in current], FINDING_KEYS)
                == _shape(found, FINDING_KEYS)
                and _shape(current_cats, CATEGORY_KEYS) == _shape(derived, CATEGORY_KEYS)
            ):
                continue
            changed.append(incident.pk)
            new_findings += [Finding(incident=incident, pack_hash=pack.hash, computed_at=now, **r) for r in found]
            new_cats += [
                DetentionCategory(incident=incident, pack_hash=pack.hash, computed_at=now, **r) for r in derived
            ]
            audit.record("rules.judged", obj=incident, count=len(found))
        if changed:
            Finding.objects.filter(incident_id__in=changed, superseded_at__isnull=True).update(superseded_at=now)
            DetentionCategory.objects.filter(incident_id__in=changed, superseded_at__isnull=True).update(
                superseded_at=now
            )
            Finding.objects.bulk_create(new_findings, batch_size=500)
            DetentionCategory.objects.bulk_create(new_cats, batch_size=500)
    return total


def judge_incident(incident_id, *, pack=None) -> int:
    """One incident (the job queued when its documentation changes)."""
    return judge_incidents([incident_id], pack=pack)


def start_recompute_if_new_pack() -> Recompute | None:
    """When the pack's hash is not the last one a recompute started with, record a recompute and queue its
    job; None when there is nothing to do."""
    from vigil.work.actions import enqueue

    pack = current_pack()
    with transaction.atomic():
        latest = Recompute.objects.order_by("-started_at", "-id").first()
        if latest is not None and latest.pack_hash == pack.hash:
            return None
        run, created = Recompute.objects.get_or_create(pack_hash=pack.hash)
        if not created and run.finished_at:
            return None
        enqueue("vigil.rules.jobs.continue_recompute", run.pk, dedupe_key=f"rules-recompute:{run.pk}")
        audit.record("rules.recompute_started", object_type="rules.recompute", object_id=str(run.pk))
    return run


def continue_recompute(run_id, *, batch: int = RECOMPUTE_BATCH) -> bool:
    """Steps: judge the next batch of incidents after the run's cursor (incident id order) under the pack;
    move the cursor in the same transaction, so a crash resumes where the last batch ended; True when
    every incident is done (the run is finished and audited)."""
    from vigil.incidents.models import Incident

    pack = current_pack()
    run = Recompute.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None or run.pack_hash != pack.hash:
        return True  # finished, or a newer pack took over (it has its own run)
    qs = Incident.objects.order_by("pk")
    if run.cursor is not None:
        qs = qs.filter(pk__gt=run.cursor)
    ids = list(qs.values_list("pk", flat=True)[:batch])
    with transaction.atomic():
        judge_incidents(ids, pack=pack)
        done = len(ids) < batch
        Recompute.objects.filter(pk=run.pk).update(
            cursor=ids[-1] if ids else run.cursor,
            done_count=run.done_count + len(ids),
            finished_at=timezone.now() if done else None,
        )
        if done:
            audit.record("rules.recompute_finished", object_type="rules.recompute", object_id=str(run.pk))
    return done

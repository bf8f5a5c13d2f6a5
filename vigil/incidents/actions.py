"""Every change to incidents: grouping on arrival, verification, holds, moves, merges."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.incidents import grouping, open_candidates
from vigil.incidents.models import Incident, TimelineEntry

# The summaries' helpers live with the search; the console and the tests read summaries through here.
from vigil.incidents.open_candidates import (  # noqa: F401
    _STATE_CACHE,
    _cache_key,
    _incident_state,
    _open_summary,
    _remember,
    _seal_summary,
)
from vigil.lib import rows

GROUPING_LOOKBACK = timedelta(hours=3)
HOLD_MINUTES = 15


class TransitionRefused(Exception):
    """The incident cannot move to that state from where it is."""


def _lock_grouping() -> None:
    """One report is grouped at a time, so twenty reports of one new event make one incident.

    SQLite already serializes writers (IMMEDIATE transactions). PostgreSQL takes a transaction-level
    advisory lock, released at commit.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x56_49_47_4C])


_CONTEXT: grouping.GroupingContext | None = None
_CONTEXT_WARM_DAYS = 2


def _context() -> grouping.GroupingContext:
    """One grouping context per process: the jurisdiction's street names (a named street that disagrees
    counts against a match) and word statistics (words every report uses stop counting), warmed from
    the reports of the last two days.

    The word statistics are this process's own (see `grouping.GroupingContext`): a report counts in them
    when its transaction commits, never before, so a report rolled back is not counted."""
    global _CONTEXT
    if _CONTEXT is None:
        from django.conf import settings

        path = settings.JURISDICTION_DIR / "places" / "streets.tsv"
        names = []
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                header = fh.readline().rstrip("\n").split("\t")
                core = header.index("core")
                names = [line.rstrip("\n").split("\t")[core] for line in fh if line.strip()]
        context = grouping.GroupingContext(
            neighbors=open_candidates.neighbors,
            place_words=grouping.conflict_word_features(names),
            defer_statistics=transaction.on_commit,
        )
        since = timezone.now() - timedelta(days=_CONTEXT_WARM_DAYS)
        # Reports live above this app (intake): read through the model the incidents' `reports` relation
        # points at, so nothing here imports intake; the pure core gets their features from here.
        # Every report of the window, not the first so many: in a surge the newest days are the ones the
        # weights must know. Streamed in chunks; `warm_reports` takes them in any order.
        report_model = Incident._meta.get_field("reports").related_model
        recent = report_model.objects.filter(received_at__gte=since, incident__isnull=False).iterator(chunk_size=2000)
        context.warm_reports((str(r.incident_id), _features(r)) for r in recent)
        _CONTEXT = context
    return _CONTEXT


def warm_grouping_context() -> None:
    """Build this process's grouping context now (street names, word statistics of recent reports)."""
    _context()


def _features(report, text: str | None = None) -> grouping.ReportFeatures:
    return grouping.ReportFeatures(
        report_id=str(report.pk),
        at=report.occurred_at,
        lat=report.lat,
        lon=report.lon,
        area=report.area or None,
        borough=report.borough or None,
        text=text if text is not None else f"{report.place_text or ''}\n{report.text or ''}",
        area_words=_area_words(report.area or ""),
    )


@functools.lru_cache(maxsize=512)
def _area_words(area: str) -> frozenset[int]:
    """The word features of what people call this neighborhood (`neighborhood_names`): a report placed
    there that says "Canarsie" or "Mott Haven" names the neighborhood, not Canarsie Road or Mott Street."""
    if not area:
        return frozenset()
    from vigil.geo.areas import neighborhood_names

    return grouping.place_word_features(neighborhood_names(area))


def _candidate_states(report, readings=()) -> list[tuple[grouping.CandidateState, dict]]:
    """Every open candidate the report could join within the look-back (`open_candidates.candidate_states`),
    at its own place and at each of its other `readings`."""
    return open_candidates.candidate_states(report, report.occurred_at - GROUPING_LOOKBACK, readings)


def close_stale_grouping(now=None) -> int:
    """Incidents idle past the longest grouping span stop taking reports and drop their summaries."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_grouping()
        stale = Incident.objects.filter(grouping_open=True, last_report_at__lt=now - grouping.DEFAULT_RULES.max_span)
        ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
        count = stale.update(grouping_open=False, grouping_summary=None)
    for key in ids:
        _STATE_CACHE.pop(_cache_key(key), None)
    return count


@dataclass
class GroupingInput:
    """What grouping works out about a report before taking the lock (see `prepare_grouping`)."""

    features: grouping.ReportFeatures
    probe: object
    # One probe per other reading of the report's place (`ReportFeatures.readings`), in their order.
    reading_probes: tuple = ()


def _place_named(text: str, language: str):
    """The place the text names (`vigil.geo.places.resolve_place_text`), or None."""
    try:
        from vigil.geo.places import resolve_place_text
    except ImportError:  # the gazetteer is optional for a jurisdiction without place data
        return None
    return resolve_place_text(text, language if language != "und" else None)


def _named_places(report, match) -> tuple[tuple[float, float], ...]:
    """The point of the place the text names, for the named-place rule: a corner, a station, a landmark;
    none for a street or a neighborhood, which have no point of their own. Where the words name several
    places, the one nearest the report's point: the reporter's phone, or the reading grouping placed the
    report at (`_place_at_reading`), so that a summary made again after a correction keeps it."""
    if match is None or match.lat is None or match.lon is None or match.kind == "neighborhood":
        return ()
    if report.lat is not None and report.lon is not None:
        return (match.nearest_to(report.lat, report.lon),)
    return ((match.lat, match.lon),)


def _readings(report, features: grouping.ReportFeatures, match) -> tuple[grouping.ReportFeatures, ...]:
    """The report at the other places its words name, when its point is the place its text names
    (`place_report`) and nothing in the text told those places apart (`PlaceMatch.others`)."""
    if match is None or not match.others or report.place_source != "text":
        return ()
    if (match.lat, match.lon) != (report.lat, report.lon):
        return ()  # placed by its place field, not by this reading of the whole text
    from vigil.geo.areas import get_area

    out = []
    for lat, lon, nta in match.others:
        area = get_area(nta)
        out.append(features.placed_at(lat, lon, nta, area.borough if area else None, _area_words(nta)))
    return tuple(out)


def _place_at_reading(report, reading: grouping.ReportFeatures) -> None:
    """Put the report where the reading that grouped it says (its scene's incident is there)."""
    from vigil.geo.areas import get_area

    area = get_area(reading.area) if reading.area else None
    report.lat, report.lon = reading.lat, reading.lon
    report.area, report.borough = reading.area or "", reading.borough or ""
    report.cd = (area.cd or "") if area else ""


def prepare_grouping(report, *, grouping_text: str) -> GroupingInput:
    """The report's features and their weights: pure work on the report alone, done before the lock so
    that the lock is held only for what needs the other reports (the candidates, the choice, the writes).
    The place its text names is looked up here too (the gazetteer: for the named-place rule, and the
    other places the same words name)."""
    features = _features(report, grouping_text)
    match = _place_named(features.text, report.language)
    features.places = _named_places(report, match)
    features.readings = _readings(report, features, match)
    context = _context()
    return GroupingInput(
        features=features,
        probe=context.probe(features),
        reading_probes=tuple(context.probe(r) for r in features.readings),
    )


def group_report(
    report, *, grouping_text: str = "", prepared: GroupingInput | None = None, joins: uuid.UUID | None = None
) -> uuid.UUID:
    """Group one report; runs inside the caller's transaction and returns the incident's id.

    Steps:
    1. Take the grouping lock.
    2. The incident the report joins: `joins` when given (an addition joins the incident of the report it
       adds to, wherever a dispatcher has put that one), else the best of the open candidates near in time
       (in the report's borough) by place, time and text, else a new incident. A report whose text named
       a corner that several boroughs have is tried at each (`choose_reading`), and placed at the one
       whose incident it joins.
    3. Absorb the report into that incident's summary, or start one; an incident closed to grouping keeps
       none. The word statistics count the report once the transaction commits.
    4. Write the incident: summary, span and position from the summary, the report count one more than
       stored (the summary's own count leaves out reports that came while it was closed), languages and
       the first-group flag. Set the report's link; the caller inserts the report afterwards.
    """
    _lock_grouping()
    if prepared is None:
        prepared = prepare_grouping(report, grouping_text=grouping_text)
    features = prepared.features
    context = _context()
    joined = _incident_state(joins) if joins is not None else None
    if joined is not None:
        chosen, row = joined
    else:
        candidates = _candidate_states(report, features.readings)
        states = [state for state, _row in candidates]
        if features.readings:
            probes = (prepared.probe, *prepared.reading_probes)
            chosen, reading = context.choose_reading(states, probes)
            if reading:
                features = features.readings[reading - 1]
                _place_at_reading(report, features)
        else:
            chosen = context.choose(features, states, probe=prepared.probe)
        row = next(r for s, r in candidates if s is chosen) if chosen is not None else None
    if row is None:
        incident = Incident(
            area=report.area,
            borough=report.borough,
            organization=report.partner,
            languages=[report.language],
            has_solved_submission=report.verified_submission,
        )
        incident_id = incident.pk
        state = context.start(str(incident_id), features)
        fields = {**_summary_fields(incident_id, state, report.area, report.borough), "report_count": 1}
        for name, value in fields.items():
            setattr(incident, name, value)
        rows.insert(incident)
    else:
        incident_id = joins if joined is not None else uuid.UUID(chosen.incident_id)
        fields = {"report_count": row["report_count"] + 1}
        state = None
        if chosen is not None:
            state = chosen.copy()  # the cache stays as committed until this transaction is
            context.absorb(state, features)
            area, borough = (report.area, report.borough) if not row["area"] and report.area else (row["area"], "")
            fields.update(_summary_fields(incident_id, state, area, borough))
            if state.first_at == chosen.first_at:
                del fields["first_report_at"]  # an indexed column left alone is an index page not written
            if fields["grouping_cell"] == row["grouping_cell"]:
                del fields["grouping_cell"]
        if not row["area"] and report.area:
            fields.update(area=report.area, borough=report.borough)
        languages = rows.convert(Incident, "languages", row["languages"])
        if report.language not in languages:
            fields["languages"] = [*languages, report.language]
        if report.verified_submission and not row["has_solved_submission"]:
            fields["has_solved_submission"] = True
        rows.update(Incident, incident_id, fields)
    if state is not None:
        _remember(str(incident_id), fields["grouping_summary"], state)
    report.incident_id = incident_id
    report.triage = "linked"
    return incident_id


def _summary_fields(incident_id, state: grouping.CandidateState, area: str, borough: str) -> dict:
    """The incident's columns that follow its grouping summary: the sealed summary, the span of its
    reports, its position (about 100 m, like a reporter's point) and where the candidate search finds it
    (the cell of the summary's exact centroid, else the incident's area or borough)."""
    fields = {
        "grouping_summary": _seal_summary(incident_id, state),
        "first_report_at": state.first_at,
        "last_report_at": state.last_at,
        "grouping_cell": grouping.candidate_cell(state.lat, state.lon, area or "", borough or ""),
    }
    if state.lat is not None:
        fields.update(lat=round(state.lat, 3), lon=round(state.lon, 3))
    return fields


def transition(incident: Incident, to_state: str, *, actor, reason: str = "") -> Incident:
    """Move an incident along the verification state machine, with who, when and why."""
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        if to_state == Incident.State.VERIFIED:
            # Only the verification actions verify, each with its basis (vigil/incidents/verification.py).
            raise TransitionRefused("verification needs a basis")
        if not current.can_move_to(to_state):
            raise TransitionRefused(f"{current.state} -> {to_state}")
        if to_state in ("false_alarm",) and current.state == "verified" and not reason.strip():
            raise TransitionRefused("a retraction needs a reason")
        from_state = current.state
        fields = {"state": to_state}
        if to_state in ("false_alarm", "unconfirmed", "closed"):
            fields.update(held_by=None, held_until=None)
        if from_state == Incident.State.VERIFIED:
            fields["current_verification"] = None
        if to_state == "closed":
            fields["grouping_open"] = False
        Incident.objects.filter(pk=current.pk).update(**fields)
        if to_state in ("false_alarm", "unconfirmed", "closed"):
            from vigil.incidents.verification import close_open_proposals

            close_open_proposals(current)
        TimelineEntry.objects.create(
            incident=current,
            actor=actor,
            kind="state",
            from_state=from_state,
            to_state=to_state,
            reason=reason[:2000] or None,
        )
        audit.record("incident.state_changed", actor=actor, obj=current, from_state=from_state, to_state=to_state)
        current.refresh_from_db()
    return current


def take_hold(incident: Incident, *, actor) -> bool:
    """Mark the incident as being worked on by `actor`; refused while someone else's hold is fresh."""
    now = timezone.now()
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        if current.held_by_id and current.held_by_id != actor.pk and current.held_until and current.held_until > now:
            return False
        Incident.objects.filter(pk=current.pk).update(held_by=actor, held_until=now + timedelta(minutes=HOLD_MINUTES))
        audit.record("incident.held", actor=actor, obj=current)
    return True


def break_hold(incident: Incident, *, actor) -> None:
    with transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(held_by=None, held_until=None)
        TimelineEntry.objects.create(incident=incident, actor=actor, kind="hold_broken")
        audit.record("incident.hold_broken", actor=actor, obj=incident)


def add_note(incident: Incident, text: str, *, actor) -> None:
    with transaction.atomic():
        TimelineEntry.objects.create(incident=incident, actor=actor, kind="note", reason=text[:2000] or None)
        audit.record("incident.note_added", actor=actor, obj=incident)


def rebuild_grouping(incident_id) -> None:
    """Make an incident's grouping again from the reports it now holds, so that a dispatcher's
    correction also steers where the next similar report goes.

    Steps:
    1. Take the grouping lock; read the incident and its reports.
    2. Summarize the reports as live grouping does (`GroupingContext.summarize`: the same weights and
       street list; nothing counted again in the word statistics).
    3. Write the report count, the first-group flag, the span and the position; the summary only while
       the incident is open to grouping. An incident left without reports closes to grouping.
    """
    _lock_grouping()
    incident = Incident.objects.get(pk=incident_id)
    reports = list(incident.reports.all())
    features = [_features(report) for report in reports]
    for one, report in zip(features, reports, strict=True):
        one.places = _named_places(report, _place_named(one.text, report.language))
    state = _context().summarize(str(incident.pk), features)
    fields = {"report_count": len(reports)}
    # The queue's first group follows the reports: one moved in through a solved challenge or a trusted
    # channel lifts the incident, and the last such report moved out lowers it again.
    fields["has_solved_submission"] = any(report.verified_submission for report in reports)
    if state is None:
        fields.update(grouping_summary=None, grouping_open=False)
    else:
        fields.update(_summary_fields(incident.pk, state, incident.area, incident.borough))
        if state.lat is None:
            fields.update(lat=None, lon=None)  # the reports that placed it were moved out
        if not incident.grouping_open:
            fields["grouping_summary"] = None
    Incident.objects.filter(pk=incident.pk).update(**fields)
    _STATE_CACHE.pop(_cache_key(incident.pk), None)


class CorrectionRefused(Exception):
    """A move or merge that would join what must stay apart: `code` says why (same, closed, owner), for the
    console to say in the person's language (`vigil.incidents.corrections.REFUSALS`); the message says
    it in English, for logs and developers."""

    MESSAGES = {
        "same": "a report or incident cannot join itself: choose another incident",
        "closed": "the chosen incident is closed: choose an open one",
        "owner": "the report or incident and the chosen incident have different owners (one organization, "
        "or the network's public intake): choose an incident of the same owner",
        "actor": "only staff of the organization that owns these reports may move or merge them",
    }

    def __init__(self, code: str):
        # "actor" is said to the person as "owner": to them, both mean "not an incident of yours to join".
        super().__init__(self.MESSAGES.get(code, code))
        self.code = "owner" if code == "actor" else code


def check_correction(source: Incident | None, target: Incident, *, report=None, actor=None) -> None:
    """Refuse a correction that would show an organization's reports to another.

    Steps:
    1. Nothing joins itself, and only an incident that is not closed takes reports.
    2. The target, the source and the report moved (its partner, whatever incident it is in now) have one
       owner: one organization, or all the network's public intake.
    3. The actor, when a person, is staff of that organization (anyone on the console corrects the
       network's public incidents).
    """
    if source is not None and source.pk == target.pk:
        raise CorrectionRefused("same")
    if target.state == "closed":
        raise CorrectionRefused("closed")
    owners = {target.organization_id}
    if source is not None:
        owners.add(source.organization_id)
    if report is not None:
        owners.add(report.partner_id)
    if len(owners) > 1:
        raise CorrectionRefused("owner")
    _check_actor(actor, target.organization_id)


def _check_actor(actor, organization_id) -> None:
    if actor is not None and organization_id is not None and actor.organization_id != organization_id:
        raise CorrectionRefused("actor")


def move_report(report, target: Incident, *, actor) -> None:
    """A dispatcher's correction: the report belongs to another incident. Kept on both timelines.

    Steps: in one transaction, read the report, its incident and the target again (locked); check the
    correction (`check_correction`); move the report; rebuild both incidents' grouping; write both
    timelines and the audit event."""
    with transaction.atomic():
        report = type(report).objects.select_for_update().get(pk=report.pk)
        ids = sorted({pk for pk in (report.incident_id, target.pk) if pk is not None})
        locked = {i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        source, target = locked.get(report.incident_id), locked[target.pk]
        if source is None or source.pk != target.pk:
            check_correction(source, target, report=report, actor=actor)
        type(report).objects.filter(pk=report.pk).update(incident=target)
        for incident in {i for i in (source, target) if i is not None}:
            rebuild_grouping(incident.pk)
        if source is not None:
            TimelineEntry.objects.create(incident=source, actor=actor, kind="report_moved_out", other_incident=target)
        TimelineEntry.objects.create(incident=target, actor=actor, kind="report_moved_in", other_incident=source)
        audit.record("report.moved", actor=actor, obj=report)


def merge(source: Incident, target: Incident, *, actor) -> None:
    """Every report of `source` joins `target`; `source` closes and stops grouping.

    Steps: in one transaction, lock both incidents and read them again; check the correction
    (`check_correction`); move the reports and rebuild the target's grouping; close the source, its
    proposals and its dispatches; write both timelines and the audit event."""
    if source.pk == target.pk:
        return
    from vigil.incidents.models import Dispatch
    from vigil.incidents.verification import close_open_proposals

    with transaction.atomic():
        locked = {
            i.pk: i for i in Incident.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        check_correction(source, target, actor=actor)
        source.reports.update(incident=target)
        rebuild_grouping(target.pk)
        # The source ends: its verification and proposals with it, and its responders' access (they are
        # offered the target by a dispatcher if needed).
        Incident.objects.filter(pk=source.pk).update(
            state="closed", grouping_open=False, report_count=0, grouping_summary=None, current_verification=None
        )
        close_open_proposals(source)
        ended = Dispatch.objects.filter(incident=source, state__in=("offered", *Dispatch.ACTIVE)).update(
            state=Dispatch.State.WITHDRAWN, check_in_due_at=None
        )
        if ended:
            TimelineEntry.objects.create(incident=source, actor=actor, kind="dispatch_withdrawn")
        _STATE_CACHE.pop(_cache_key(source.pk), None)
        TimelineEntry.objects.create(incident=source, actor=actor, kind="merged_into", other_incident=target)
        TimelineEntry.objects.create(incident=target, actor=actor, kind="merged_from", other_incident=source)
        audit.record("incident.merged", actor=actor, obj=source)


# --- Field documentation and evidence ----------------------------------------------------------------


def prepare_evidence(data: bytes, *, keep_original: bool):
    """Steps: check size and sniff the type from the bytes; strip metadata; for a responder (keep_original),
    hash and seal the original as received; for a public reporter, hash the stripped copy (the original
    could locate them) and keep nothing else; seal the viewing copy. Files only, no row yet: the caller
    records the row with `record_evidence` in its own transaction, or calls `discard_evidence`."""
    from vigil.incidents import evidence as files
    from vigil.incidents.models import Evidence

    if len(data) > files.MAX_EVIDENCE_BYTES:
        raise files.EvidenceRefused("too_large")
    media_type = files.sniff(data[:8192])
    stripped = files.strip(data, media_type)
    row = Evidence(media_type=media_type)
    try:
        if keep_original:
            row.sha256, row.size = files.sha256(data), len(data)
            row.original_path = files.seal_to_disk(data, row.pk, "original")
        else:
            row.sha256, row.size = files.sha256(stripped), len(stripped)
        row.viewing_path = files.seal_to_disk(stripped, row.pk, "viewing")
    except BaseException:
        discard_evidence(row)
        raise
    return row


def discard_evidence(row) -> None:
    from vigil.incidents import evidence as files

    files.remove(row.original_path)
    files.remove(row.viewing_path)


def record_evidence(row, *, incident=None, report=None, actor=None):
    row.incident, row.report, row.uploaded_by = incident, report, actor
    row.save(force_insert=True)
    audit.record("evidence.added", actor=actor, actor_kind=None if actor else "public", obj=row)
    return row


def add_evidence(*, data: bytes, incident: Incident | None = None, report=None, actor=None):
    """Prepare the files, then record the row; the files go again if the row cannot be written."""
    row = prepare_evidence(data, keep_original=actor is not None)
    try:
        with transaction.atomic():
            return record_evidence(row, incident=incident, report=report, actor=actor)
    except BaseException:
        discard_evidence(row)
        raise


def split_report(report, *, actor) -> Incident:
    """Take a report out of its incident into a new one of its own (a dispatcher's correction), closed to
    grouping so that no later report joins what a dispatcher set apart."""
    _check_actor(actor, report.partner_id)
    with transaction.atomic():
        incident = Incident.objects.create(
            area=report.area,
            borough=report.borough,
            lat=report.lat,
            lon=report.lon,
            first_report_at=report.occurred_at,
            last_report_at=report.occurred_at,
            organization=report.partner,
            languages=[report.language],
            grouping_open=False,
        )
        move_report(report, incident, actor=actor)
    return incident


def set_responder_profile(user, *, areas: list[str], languages: list[str], on_call: list, active: bool, actor):
    from vigil.incidents.models import ResponderProfile

    with transaction.atomic():
        ResponderProfile.objects.update_or_create(
            user=user, defaults={"areas": areas, "languages": languages, "on_call": on_call, "active": active}
        )
        audit.record("responder.profile_set", actor=actor, obj=user)

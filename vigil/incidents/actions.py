"""Every change to incidents: grouping on arrival, verification, holds, moves, merges."""

from __future__ import annotations

import base64
import functools
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.incidents import grouping
from vigil.incidents.models import Incident, TimelineEntry
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


def _neighbors(area: str) -> set[str]:
    from vigil.geo.areas import nearby_neighborhoods

    return set(nearby_neighborhoods(area, 1000))


# Parsed grouping summaries by incident id, kept while the incident's report count is unchanged: parsing
# a summary costs more than comparing against it, and most candidates do not change between two reports.
_STATE_CACHE: dict[object, tuple[bytes, grouping.CandidateState]] = {}  # by id as the driver returns it
_STATE_CACHE_LIMIT = 5000


_CONTEXT: grouping.GroupingContext | None = None
_CONTEXT_WARM_DAYS = 2


def _context() -> grouping.GroupingContext:
    """One grouping context per process: the jurisdiction's street names (a named street that disagrees
    counts against a match) and word statistics (words every report uses stop counting), warmed from
    the reports of the last two days."""
    global _CONTEXT
    if _CONTEXT is None:
        from django.conf import settings

        from vigil.intake.models import Report

        path = settings.JURISDICTION_DIR / "places" / "streets.tsv"
        names = []
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                header = fh.readline().rstrip("\n").split("\t")
                core = header.index("core")
                names = [line.rstrip("\n").split("\t")[core] for line in fh if line.strip()]
        context = grouping.GroupingContext(neighbors=_neighbors, place_words=grouping.place_word_features(names))
        since = timezone.now() - timedelta(days=_CONTEXT_WARM_DAYS)
        recent = Report.objects.filter(received_at__gte=since, incident__isnull=False).order_by("received_at")[:20000]
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
    )


def _seal_summary(incident_id, state: grouping.CandidateState) -> bytes:
    """The packed state (base64: the field holds text, which key rotation decrypts and re-encrypts as such)."""
    from vigil.lib import crypto

    return crypto.encrypt_text(base64.b64encode(state.to_bytes()).decode(), _summary_aad(incident_id))


def _open_summary(incident_id, blob) -> grouping.CandidateState:
    """A sealed summary, packed or (written before packing) JSON."""
    from vigil.lib import crypto

    text = crypto.decrypt_text(bytes(blob), _summary_aad(incident_id))
    if text.startswith("{"):
        return grouping.CandidateState.from_dict(json.loads(text))
    return grouping.CandidateState.from_bytes(base64.b64decode(text))


def _summary_aad(incident_id) -> bytes:
    return _summary_aad_prefix() + str(incident_id).encode()


@functools.cache
def _summary_aad_prefix() -> bytes:
    from vigil.lib import crypto

    column = Incident._meta.get_field("grouping_summary").column
    return crypto.associated_data(Incident._meta.db_table, column, "")


_CANDIDATE_COLUMNS = ("id", "area", "languages", "has_solved_submission", "grouping_summary")


@functools.cache
def _candidate_sql(*, in_borough: bool, partner: bool) -> str:
    """The open candidates near in time, newest first. Written out rather than built by the ORM each time:
    compiling the query cost ten times what running it did (vigil/lib/rows.py)."""
    c = lambda name: rows.column(Incident, name)  # noqa: E731
    where = [c("grouping_open"), f"{c('last_report_at')} >= %s"]
    where.append(f"{c('organization')} = %s" if partner else f"{c('organization')} IS NULL")
    if in_borough:
        where.append(f"{c('borough')} IN (%s, '')")
    return "SELECT {} FROM {} WHERE {} ORDER BY {} DESC LIMIT 200".format(  # noqa: S608 (names from metadata)
        ", ".join(c(name) for name in _CANDIDATE_COLUMNS),
        rows.table(Incident),
        " AND ".join(where),
        c("last_report_at"),
    )


def _candidate_states(report) -> list[tuple[grouping.CandidateState, dict]]:
    """Open candidates near in time in the report's borough, each with the few columns grouping updates.
    A summary is read and parsed again only when it was written again since this process saw it."""
    since = report.occurred_at - GROUPING_LOOKBACK
    # Reports group only with incidents of the same owner: the network's (public intake) or one partner's,
    # so no organization ever reads another's reports through a shared incident.
    params = [rows.prep(Incident, "last_report_at", since)]
    if report.partner_id:
        params.append(rows.prep(Incident, "organization", report.partner_id))
    if report.borough:
        params.append(report.borough)
    # Raw values: most candidates are only scored, so only the chosen one's columns are converted.
    current = rows.select(
        Incident,
        _CANDIDATE_COLUMNS,
        _candidate_sql(in_borough=bool(report.borough), partner=bool(report.partner_id)),
        params,
        raw=True,
    )
    if len(_STATE_CACHE) > _STATE_CACHE_LIMIT:
        _STATE_CACHE.clear()
    out = []
    for db_id, area, languages, solved, summary in current:
        if not summary:
            continue
        cached = _STATE_CACHE.get(db_id)
        tag = _summary_tag(summary)
        if cached is None or cached[0] != tag:
            # Written since this process last read it (a report grouped by another process, a report
            # moved out by a dispatcher, a rebuild): read it again.
            pk = rows.convert(Incident, "id", db_id)
            cached = _STATE_CACHE[db_id] = (tag, _open_summary(pk, summary))
        out.append((cached[1], {"area": area, "languages": languages, "has_solved_submission": solved}))
    return out


def _cache_key(incident_id):
    """The id as the database driver returns it (hex text on SQLite, a UUID on PostgreSQL)."""
    return rows.prep(Incident, "id", incident_id)


def _summary_tag(sealed) -> bytes:
    """What tells one write of a summary from any other: its key version and random nonce, fresh at every
    encryption (a report count is not enough: a report moved out and another grouped in restore it)."""
    return bytes(sealed[2:16])


def _remember(incident_id: str, sealed: bytes, state: grouping.CandidateState) -> None:
    key = _cache_key(incident_id)
    tag = _summary_tag(sealed)

    def store():
        _STATE_CACHE[key] = (tag, state)

    transaction.on_commit(store)


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


def prepare_grouping(report, *, grouping_text: str) -> GroupingInput:
    """The report's features and their weights: pure work on the report alone, done before the lock so
    that the lock is held only for what needs the other reports (the candidates, the choice, the writes)."""
    features = _features(report, grouping_text)
    return GroupingInput(features=features, probe=_context().probe(features))


def group_report(report, *, grouping_text: str = "", prepared: GroupingInput | None = None) -> uuid.UUID:
    """Steps: lock; load the open candidates near in time (in the report's borough); choose the best by
    place, time and text; absorb the report into it or start a new incident; set the report's link (the
    caller inserts the report afterwards). Runs inside the caller's transaction. Returns the incident's id."""
    _lock_grouping()
    if prepared is None:
        prepared = prepare_grouping(report, grouping_text=grouping_text)
    features = prepared.features
    context = _context()
    candidates = _candidate_states(report)
    chosen = context.choose(features, [state for state, _row in candidates], probe=prepared.probe)
    if chosen is None:
        incident = Incident(
            area=report.area,
            borough=report.borough,
            organization=report.partner,
            languages=[report.language],
            has_solved_submission=report.verified_submission,
        )
        incident_id = incident.pk
        state = context.start(str(incident_id), features)
        row = None
    else:
        incident_id = uuid.UUID(chosen.incident_id)
        state = chosen.copy()  # the cache stays as committed until this transaction is
        context.absorb(state, features)
        row = next(r for s, r in candidates if s is chosen)
    fields = {
        "grouping_summary": _seal_summary(incident_id, state),
        "report_count": state.report_count,
        "first_report_at": state.first_at,
        "last_report_at": state.last_at,
    }
    if state.lat is not None:
        fields.update(lat=round(state.lat, 3), lon=round(state.lon, 3))
    if row is None:
        for name, value in fields.items():
            setattr(incident, name, value)
        rows.insert(incident)
    else:
        if state.first_at == chosen.first_at:
            del fields["first_report_at"]  # an indexed column left alone is an index page not written
        if not row["area"] and report.area:
            fields.update(area=report.area, borough=report.borough)
        languages = rows.convert(Incident, "languages", row["languages"])
        if report.language not in languages:
            fields["languages"] = [*languages, report.language]
        if report.verified_submission and not row["has_solved_submission"]:
            fields["has_solved_submission"] = True
        rows.update(Incident, incident_id, fields)
    _remember(str(incident_id), fields["grouping_summary"], state)
    report.incident_id = incident_id
    report.triage = "linked"
    return incident_id


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
    """Recompute an incident's grouping summary from the reports it now holds, so that a dispatcher's
    correction also steers where the next similar report goes."""
    _lock_grouping()
    incident = Incident.objects.get(pk=incident_id)
    state = None
    for report in incident.reports.order_by("occurred_at"):
        features = _features(report)
        if state is None:
            state = grouping.CandidateState.start(str(incident.pk), features)
        else:
            state.absorb(features)
    fields = {"report_count": incident.reports.count()}
    # The queue's first group follows the reports: one moved in through a solved challenge or a trusted
    # channel lifts the incident, and the last such report moved out lowers it again.
    fields["has_solved_submission"] = incident.reports.filter(verified_submission=True).exists()
    if state is not None:
        fields.update(
            grouping_summary=_seal_summary(incident.pk, state),
            first_report_at=state.first_at,
            last_report_at=state.last_at,
        )
    else:
        fields.update(grouping_summary=None, grouping_open=False)
    Incident.objects.filter(pk=incident.pk).update(**fields)
    _STATE_CACHE.pop(_cache_key(incident.pk), None)


class CorrectionRefused(Exception):
    """A move or merge that would join what must stay apart: `code` says why (same, closed, owner)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_correction(source: Incident | None, target: Incident) -> None:
    """A report or incident joins only an open incident of the same owner (one organization, or both the
    network's public intake), so no correction shows an organization's reports to another."""
    if source is not None and source.pk == target.pk:
        raise CorrectionRefused("same")
    if target.state == "closed":
        raise CorrectionRefused("closed")
    if source is not None and source.organization_id != target.organization_id:
        raise CorrectionRefused("owner")


def move_report(report, target: Incident, *, actor) -> None:
    """A dispatcher's correction: the report belongs to another incident. Kept on both timelines."""
    with transaction.atomic():
        source = report.incident
        if source is not None and source.pk != target.pk:
            check_correction(source, target)
        type(report).objects.filter(pk=report.pk).update(incident=target)
        for incident in {i for i in (source, target) if i is not None}:
            rebuild_grouping(incident.pk)
        if source is not None:
            TimelineEntry.objects.create(incident=source, actor=actor, kind="report_moved_out", other_incident=target)
        TimelineEntry.objects.create(incident=target, actor=actor, kind="report_moved_in", other_incident=source)
        audit.record("report.moved", actor=actor, obj=report)


def merge(source: Incident, target: Incident, *, actor) -> None:
    """Every report of `source` joins `target`; `source` closes and stops grouping."""
    if source.pk == target.pk:
        return
    check_correction(source, target)
    from vigil.incidents.models import Dispatch
    from vigil.incidents.verification import close_open_proposals

    with transaction.atomic():
        list(Incident.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
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


def export_evidence(incident: Incident, *, actor) -> bytes:
    """A zip of the incident's evidence originals (viewing copies where no original is kept) with a
    manifest of SHA-256 sums, audited."""
    import io
    import json
    import zipfile

    from vigil.incidents import evidence as files

    buffer = io.BytesIO()
    manifest = []
    items = list(incident.evidence.all()) + [e for r in incident.reports.all() for e in r.evidence.all()]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for item in items:
            role = "original" if item.original_path else "viewing"
            data = files.open_sealed(item.original_path or item.viewing_path, item.pk, role)
            name = f"{item.pk}.{item.media_type.split('/')[1]}"
            archive.writestr(name, data)
            manifest.append(
                {
                    "file": name,
                    "sha256": files.sha256(data),
                    "recorded_sha256": item.sha256,
                    "kind": role,
                    "received_at": item.received_at.isoformat(),
                }
            )
        archive.writestr("manifest.json", json.dumps({"incident": str(incident.pk), "files": manifest}, indent=2))
    audit.record("evidence.exported", actor=actor, obj=incident, count=len(manifest))
    return buffer.getvalue()


def split_report(report, *, actor) -> Incident:
    """Take a report out of its incident into a new one of its own (a dispatcher's correction)."""
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

"""Field documentation as observations: what each person documented, kept apart, and the settled facts.

Each submission of the documentation form is an Observation of its author (first-hand or reported),
never overwritten. A fact (the kind of warrant, how many agents…) is settled on the incident when every
author's latest word on it agrees, or when a dispatcher resolves a disagreement; while authors disagree
and nobody resolved it, the incident holds no value for it, and the incident page shows who said what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vigil.accounts import audit
from vigil.incidents import documentation
from vigil.incidents.models import Incident, Observation, TimelineEntry

FACT_FIELDS = (
    "place_kind",
    "area_entered",
    "agencies",
    "local_police_role",
    "warrant_seen",
    "home_entry",
    "agents_count",
    "vehicles_count",
    "people_detained",
    "detained_targets",
    "detained_collateral",
    "force_used",
    "activity_started_at",
    "activity_ended_at",
)
TIME_FIELDS = ("activity_started_at", "activity_ended_at")
# Empty answers are no answer: they neither agree nor disagree.
EMPTY = (None, "", [])


class ObservationRefused(ValueError):
    """Not a documentation field, or no value."""


def _stored(name: str, value):
    """A value as kept in an observation's JSON: times as ISO text, agencies sorted."""
    if isinstance(value, datetime):
        return value.isoformat()
    if name == "agencies":
        return sorted(value)
    return value


def _field_value(name: str, value):
    """A stored value as the incident's field takes it."""
    if name in TIME_FIELDS and isinstance(value, str):
        return parse_datetime(value)
    return value


# Facts kept as numbers or times: no value is NULL. Agencies: an empty list. The rest: an empty code.
NULLABLE = frozenset(
    {"agents_count", "vehicles_count", "people_detained", "detained_targets", "detained_collateral", *TIME_FIELDS}
)


def _blank(name: str):
    if name == "agencies":
        return []
    return None if name in NULLABLE else ""


def record_observation(incident: Incident, values: dict, *, actor, notes: str = "", first_hand: bool = True):
    """Steps: keep what the person filled in (documentation fields only, empty ones left out) as their own
    observation, with their notes sealed; settle the incident's facts again; timeline and audit (which
    fields, never values)."""
    given = {name: _stored(name, values[name]) for name in FACT_FIELDS if values.get(name) not in EMPTY}
    notes = (notes or "").strip()
    if not given and not notes:
        return None
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        row = Observation.objects.create(
            incident=current, author=actor, values=given, notes=notes or None, first_hand=bool(first_hand)
        )
        changed = _settle(current)
        TimelineEntry.objects.create(incident=current, actor=actor, kind="documented")
        audit.record("incident.documented", actor=actor, obj=current, fields=sorted(given), count=len(changed))
        documentation.queue_on_commit(current)
    return row


def resolve_fact(incident: Incident, name: str, observation_id, *, actor) -> Incident:
    """A dispatcher settles a disagreement by taking one observation's word: kept as a resolution, newer
    than every word so far."""
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        chosen = current.observations.filter(pk=observation_id).first()
        if name not in FACT_FIELDS or chosen is None or chosen.values.get(name) in EMPTY:
            raise ObservationRefused(name)
        value = chosen.values[name]
        Observation.objects.create(
            incident=current, author=actor, kind=Observation.Kind.RESOLUTION, values={name: value}
        )
        _settle(current)
        TimelineEntry.objects.create(incident=current, actor=actor, kind="fact_resolved")
        audit.record("incident.fact_resolved", actor=actor, obj=current, fields=[name])
        documentation.queue_on_commit(current)
        current.refresh_from_db()
    return current


def _latest_words(observations, name):
    """Each author's latest observation of a fact, and the latest resolution if it is newer than all."""
    by_author, resolution = {}, None
    for row in observations:
        if name not in row.values:
            continue
        if row.kind == Observation.Kind.RESOLUTION:
            resolution = row
        else:
            by_author[row.author_id] = row
    if resolution is not None and all(row.at <= resolution.at for row in by_author.values()):
        return by_author, resolution
    return by_author, None


def latest_said(incident: Incident, name: str) -> set:
    """Every value of a fact that someone's latest word (or a resolution newer than all) still gives."""
    words, resolution = _latest_words(list(incident.observations.order_by("at", "id")), name)
    if resolution is not None:
        return {repr(resolution.values[name])}
    return {repr(row.values[name]) for row in words.values()}


def _settle(incident: Incident) -> list[str]:
    """Write each fact's settled value (agreement or resolution, else none) to the incident."""
    observations = list(incident.observations.order_by("at", "id"))
    updates = {}
    for name in FACT_FIELDS:
        words, resolution = _latest_words(observations, name)
        if resolution is not None:
            value = resolution.values[name]
        else:
            distinct = {repr(row.values[name]) for row in words.values()}
            value = next(iter(words.values())).values[name] if len(distinct) == 1 else None
        value = _blank(name) if value is None else _field_value(name, value)
        if getattr(incident, name) != value:
            updates[name] = value
    if updates:
        Incident.objects.filter(pk=incident.pk).update(**updates)
    return sorted(updates)


@dataclass
class Source:
    observation_id: object
    display: str
    author: str
    at: datetime
    first_hand: bool
    resolution: bool


@dataclass
class Fact:
    name: str
    label: str
    settled: str
    disputed: bool
    choices: list = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def _display(name: str, value) -> str:
    from django.utils import formats

    from vigil.incidents import models as m

    tables = {
        "place_kind": m.PLACE_KINDS,
        "area_entered": m.AREA_ENTERED,
        "agencies": m.AGENCIES,
        "local_police_role": m.POLICE_ROLES,
        "warrant_seen": m.WARRANTS,
        "home_entry": m.HOME_ENTRY,
        "force_used": m.FORCE,
    }
    if name in tables:
        labels = {code: str(label) for code, label in tables[name]}
        if isinstance(value, list):
            return ", ".join(labels.get(v, v) for v in value)
        return labels.get(value, str(value))
    if name in TIME_FIELDS:
        when = _field_value(name, value)
        return formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT") if when else ""
    return str(value)


def facts(incident: Incident) -> list[Fact]:
    """Every documented fact with its settled value and who said what, for the incident page."""
    from vigil.incidents import models as m

    observations = list(incident.observations.select_related("author").order_by("at", "id"))
    choices = {"warrant_seen": m.WARRANTS, "place_kind": m.PLACE_KINDS, "local_police_role": m.POLICE_ROLES}
    result = []
    for name in FACT_FIELDS:
        rows = [row for row in observations if name in row.values]
        if not rows:
            continue
        words, resolution = _latest_words(observations, name)
        disputed = resolution is None and len({repr(r.values[name]) for r in words.values()}) > 1
        settled_value = getattr(incident, name)
        result.append(
            Fact(
                name=name,
                label=str(Incident._meta.get_field(name).verbose_name).capitalize(),
                settled="" if settled_value in EMPTY else _display(name, _stored(name, settled_value)),
                disputed=disputed,
                choices=[(code, str(label)) for code, label in choices.get(name, [])],
                sources=[
                    Source(
                        observation_id=r.pk,
                        display=_display(name, r.values[name]),
                        author=r.author.username,
                        at=r.at,
                        first_hand=r.first_hand,
                        resolution=r.kind == Observation.Kind.RESOLUTION,
                    )
                    for r in rows
                ],
            )
        )
    return result


def notes(incident: Incident):
    """Each observation's own notes, oldest first (sealed at rest)."""
    return [row for row in incident.observations.select_related("author").order_by("at") if row.notes]

"""Where a report can be moved, or an incident merged: the open incidents nearby of the same owner.

A dispatcher chooses from this list instead of typing an id; the same list decides what a submitted
choice may be, so a stale or forged choice is refused in words, never answered with a bare 404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vigil.incidents import labels
from vigil.incidents.models import Incident

NEARBY_METERS = 1000
MAX_CHOICES = 20

REFUSALS = {
    "missing": _("Choose one of the incidents listed."),
    "gone": _("That incident is no longer in the list: it may have been closed or merged. Choose again."),
    "same": _("A report or incident cannot join itself. Choose another incident."),
    "closed": _("That incident is closed. Choose an open one."),
    "owner": _("That incident belongs to another organization. Choose one of the incidents listed."),
}


@dataclass
class Choice:
    incident: Incident
    place: str
    nearby: bool


def _nearby_areas(area: str) -> set[str]:
    from vigil.geo.areas import nearby_neighborhoods

    return {area, *nearby_neighborhoods(area, NEARBY_METERS)} if area else set()


def candidates(source: Incident, visible) -> list[Choice]:
    """Open incidents (not closed) of the source's owner, from `visible` (what the staff member may see):
    in the same or a neighboring neighborhood first, then the rest of the borough; newest report first."""
    qs = visible.exclude(state="closed").exclude(pk=source.pk)
    if source.organization_id is None:
        qs = qs.filter(organization__isnull=True)
    else:
        qs = qs.filter(organization_id=source.organization_id)
    near = _nearby_areas(source.area)
    if source.borough:
        qs = qs.filter(Q(borough=source.borough) | Q(area__in=near) | Q(borough=""))
    rows = list(qs.order_by("-last_report_at")[: MAX_CHOICES * 3])
    choices = [Choice(incident=i, place=labels.area_label(i.area or i.borough), nearby=i.area in near) for i in rows]
    choices.sort(key=lambda c: not c.nearby)  # stable: newest first within each group
    return choices[:MAX_CHOICES]


def chosen(choices: list[Choice], raw: str) -> Choice:
    """The choice a form submitted, or CorrectionRefused with a code that REFUSALS says in words."""
    from vigil.incidents.actions import CorrectionRefused

    if not raw:
        raise CorrectionRefused("missing")
    try:
        wanted = uuid.UUID(str(raw))
    except ValueError:
        raise CorrectionRefused("missing") from None
    for choice in choices:
        if choice.incident.pk == wanted:
            return choice
    raise CorrectionRefused("gone")


def refusal_text(code: str) -> str:
    return str(REFUSALS.get(code, REFUSALS["missing"]))

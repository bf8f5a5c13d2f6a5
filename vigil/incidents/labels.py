"""Words for the codes staff pages would otherwise show: states, areas, languages, channels, timeline kinds.

One place, so that no page prints a raw code to a person. Every function answers in the active language
and never returns the code itself: an unknown code becomes a word that says it is unknown.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.incidents.models import Dispatch, Incident
from vigil.lib.language_names import language_choices, language_label  # noqa: F401 (one module for labels)

UNKNOWN_PLACE = _("Place not known")


def state_label(code: str) -> str:
    return str(dict(Incident.State.choices).get(code, pgettext_lazy("state", "Unknown")))


def dispatch_state_label(code: str) -> str:
    return str(dict(Dispatch.State.choices).get(code, pgettext_lazy("state", "Unknown")))


def area_label(code: str) -> str:
    """A neighborhood as the city writes it, with its borough ('Astoria (Central), Queens'); a borough alone
    by its name; anything else 'Place not known'."""
    from vigil.geo.areas import get_area

    area = get_area(code) if code else None
    if area is None:
        return str(UNKNOWN_PLACE)
    if area.kind == "borough":
        return area.name
    borough = get_area(area.borough)
    return f"{area.name}, {borough.name}" if borough is not None else area.name


def borough_choices() -> list[tuple[str, str]]:
    from vigil.geo.areas import neighborhoods_by_borough

    return [(code, name) for code, name, _ntas in neighborhoods_by_borough()]


def channel_label(code: str) -> str:
    """Reports live above this app (intake): their channel names are read from the model the incident's
    `reports` relation points at, so nothing here imports intake."""
    report_model = Incident._meta.get_field("reports").related_model
    return str(dict(report_model._meta.get_field("channel").choices).get(code, pgettext_lazy("channel", "Other")))

"""What a responder needs to find and read the scene, and no more.

Before accepting: the neighborhood by name, the best-known place, how long ago the first and latest
reports came, how many, and what reporters answered. After accepting, while the dispatch is active: the
reports' own words (in their language, flagged where the responder does not read it), whether a reporter
agreed to a call-back (the call is a dispatcher's: contacts are never shown here), and a ``geo:`` link for
the phone's own map app. Access ends with the dispatch; the page that shows this is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from vigil.geo.names import area_label
from vigil.incidents.answers import roll_up

# Kinds of resolved place, most precise first: the one a responder can walk to.
PLACE_PRECISION = {"intersection": 0, "station": 1, "school": 2, "landmark": 3, "street": 4}
REPORTS_READ = 50


@dataclass
class BestPlace:
    name: str
    kind: str
    lat: float | None
    lon: float | None


@dataclass
class ReportView:
    text: str
    language: str
    readable: bool
    received_at: object
    channel: str


@dataclass
class SceneCard:
    dispatch: object
    neighborhood: str
    place: BestPlace | None
    minutes_since_first: int
    minutes_since_latest: int
    report_count: int
    answers: object
    reports: list[ReportView] = field(default_factory=list)
    callback_agreed: bool = False
    geo_link: str = ""


def best_known_place(reports) -> BestPlace | None:
    """The most precise place the reports name (a corner before a station before a school…), read again
    from their place text and words with the gazetteer; ties go to the most confident reading."""
    from vigil.geo.places import resolve_place_text

    best, best_rank = None, None
    for report in reports:
        language = report.language if report.language != "und" else None
        for text in (report.place_text, report.text):
            if not text:
                continue
            match = resolve_place_text(text, language)
            if match is None or match.kind not in PLACE_PRECISION:
                continue
            rank = (PLACE_PRECISION[match.kind], -match.confidence)
            if best_rank is None or rank < best_rank:
                best, best_rank = BestPlace(match.name, match.kind, match.lat, match.lon), rank
            break
    return best


def geo_link(lat, lon, label: str) -> str:
    """A ``geo:`` URI (RFC 5870) the phone's own map app opens; no third-party map is involved."""
    if lat is None or lon is None:
        return ""
    from urllib.parse import quote

    return f"geo:{lat:.5f},{lon:.5f}?q={lat:.5f},{lon:.5f}({quote(label)})"


def card(dispatch, *, languages: set[str]) -> SceneCard:
    """The card of one dispatch, for its responder (who reads ``languages``)."""
    from vigil.incidents.models import Dispatch

    incident = dispatch.incident
    reports = list(incident.reports.select_related("follow_up_of").order_by("received_at")[:REPORTS_READ])
    now = timezone.now()
    place = best_known_place(reports)
    neighborhood = area_label(incident.area) or area_label(incident.borough)
    result = SceneCard(
        dispatch=dispatch,
        neighborhood=neighborhood,
        place=place,
        minutes_since_first=int((now - incident.first_report_at).total_seconds() // 60),
        minutes_since_latest=int((now - incident.last_report_at).total_seconds() // 60),
        report_count=incident.report_count,
        answers=roll_up(reports),
    )
    if dispatch.state in Dispatch.ACTIVE:
        result.reports = [
            ReportView(
                text=r.text or "",
                language=r.language,
                readable=r.language in languages or r.language == "und",
                received_at=r.received_at,
                channel=r.get_channel_display(),
            )
            for r in reports
        ]
        result.callback_agreed = any(r.first_report.contact for r in reports)
        lat, lon = (place.lat, place.lon) if place and place.lat is not None else (incident.lat, incident.lon)
        result.geo_link = geo_link(lat, lon, place.name if place else neighborhood)
    return result

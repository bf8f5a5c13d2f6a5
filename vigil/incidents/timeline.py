"""An incident's whole history in time order: its timeline entries, its reports, its photos and videos,
and what apps above this one add (alerts), each said in words.

Reports, evidence and alerts are read from their own rows rather than copied into timeline entries, so
that grouping (the hot path of every report) writes nothing more. The items are first listed cheaply
(times, codes, ids: nothing decrypted), sorted and paginated; only the page shown reads sealed reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.incidents import labels
from vigil.incidents.models import Evidence, Incident, TimelineEntry

PAGE_SIZE = 50


@dataclass
class Item:
    """One line of the timeline: when, what (a sentence in the reader's language), by whom, and why."""

    at: datetime
    text: str
    actor: str = ""
    reason: str = ""
    link: str = ""  # a page (another incident) or an anchor on this one (#report-…)
    link_text: str = ""
    entry_id: int | None = None  # a timeline entry whose sealed reason is read only if its page is shown
    order: tuple = field(default=(), repr=False)


# Apps above incidents add their own items (alerts: every alert with its delivery counts). They register
# a function here from their AppConfig.ready(); this module never imports them.
SOURCES: list[Callable[[Incident], list[Item]]] = []


def register(source: Callable[[Incident], list[Item]]) -> Callable[[Incident], list[Item]]:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


ENTRY_TEXT = {
    "hold_broken": gettext_lazy("Hold broken by an administrator"),
    "note": gettext_lazy("Note"),
    "report_moved_out": gettext_lazy("A report was moved to another incident"),
    "report_moved_in": gettext_lazy("A report was moved here from another incident"),
    "merged_into": gettext_lazy("Merged into another incident"),
    "merged_from": gettext_lazy("Another incident was merged into this one"),
    "dispatch_offered": gettext_lazy("Offered to a responder"),
    "check_in_missed": gettext_lazy("A responder missed a check-in"),
    "documented": gettext_lazy("Field documentation updated"),
    "rule_facts": gettext_lazy("Facts for the sanctuary-law rules updated"),
    "detention_recorded": gettext_lazy("Detention record added"),
    "detention_updated": gettext_lazy("Detention record updated"),
}
# Written by intake next to the follow-up report, which the timeline shows itself (linked to the first).
SHOWN_AS_REPORTS = {"reporter_added_information"}


def _entry_text(kind: str, from_state: str, to_state: str) -> str:
    if kind == "state":
        return _("State changed from %(from)s to %(to)s") % {
            "from": labels.state_label(from_state),
            "to": labels.state_label(to_state),
        }
    if kind.startswith("dispatch_") and kind != "dispatch_offered":
        return _("Responder: %(step)s") % {"step": labels.dispatch_state_label(kind.removeprefix("dispatch_"))}
    if kind in ENTRY_TEXT:
        return str(ENTRY_TEXT[kind])
    return _("Event recorded")


def _entries(incident: Incident) -> list[Item]:
    from django.urls import reverse

    rows = (
        TimelineEntry.objects.filter(incident=incident)
        .exclude(kind__in=SHOWN_AS_REPORTS)
        .values_list("id", "at", "kind", "from_state", "to_state", "actor__username", "other_incident_id")
    )
    out = []
    for entry_id, at, kind, from_state, to_state, actor, other in rows:
        item = Item(at=at, text=_entry_text(kind, from_state, to_state), actor=actor or "", entry_id=entry_id)
        if other is not None:
            item.link = reverse("incident_detail", args=[other])
            item.link_text = _("the other incident")
        item.order = (at, 1, entry_id)
        out.append(item)
    return out


def _reports(incident: Incident) -> list[Item]:
    rows = incident.reports.values_list("id", "received_at", "channel", "language", "follow_up_of_id")
    received = {pk: at for pk, at, *_rest in rows}
    out = []
    for pk, at, channel, language, first_id in rows:
        words = {"channel": labels.channel_label(channel), "language": labels.language_label(language)}
        if first_id is not None:
            text = _("More information from the same reporter, by %(channel)s, in %(language)s") % words
            first_at = received.get(first_id)
            link_text = (
                _("the report it adds to")
                if first_at is None
                else _("their report of %(time)s") % {"time": timezone.localtime(first_at).strftime("%H:%M")}
            )
            item = Item(at=at, text=text, link=f"#report-{first_id}", link_text=link_text)
        else:
            text = _("Report received by %(channel)s, in %(language)s") % words
            item = Item(at=at, text=text, link=f"#report-{pk}", link_text=_("read it"))
        item.order = (at, 0, str(pk))
        out.append(item)
    return out


def _evidence(incident: Incident) -> list[Item]:
    from django.db.models import Q

    rows = Evidence.objects.filter(Q(incident=incident) | Q(report__incident=incident)).values_list(
        "id", "received_at", "media_type", "uploaded_by__username", "report_id"
    )
    out = []
    for pk, at, media_type, uploader, report_id in rows:
        video = media_type.startswith("video/")
        if report_id is not None:
            text = _("A video came with a report") if video else _("A photo came with a report")
        else:
            text = _("Video added") if video else _("Photo added")
        item = Item(at=at, text=text, actor=uploader or "")
        item.order = (at, 2, str(pk))
        out.append(item)
    return out


def all_items(incident: Incident) -> list[Item]:
    items = _entries(incident) + _reports(incident) + _evidence(incident)
    for source in SOURCES:
        items.extend(source(incident))
    return sorted(items, key=lambda item: item.order or (item.at, 3, item.text))


def timeline_page(incident: Incident, page_number):
    """Steps: list every item (no decryption), sort by time, take the page, read the sealed reasons of the
    timeline entries on that page only. The paginator's count is the total across pages."""
    page = Paginator(all_items(incident), PAGE_SIZE).get_page(page_number)
    ids = [item.entry_id for item in page.object_list if item.entry_id is not None]
    if ids:
        reasons = {e.pk: e.reason for e in TimelineEntry.objects.filter(pk__in=ids).only("id", "uid", "reason")}
        for item in page.object_list:
            if item.entry_id is not None:
                item.reason = reasons.get(item.entry_id) or ""
    return page

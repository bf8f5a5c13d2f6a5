"""The monitors' view of findings: filters, counts and rows made only of the allow-list (docs/rules.md,
"Monitors"). Nothing here reads a sealed field, a report or a detention record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from vigil.rules.models import DetentionCategory, Finding

# Every column a monitor may see, in the order of the exports. docs/rules.md lists the same (tested).
INCIDENT_COLUMNS = ("incident", "date", "borough", "area", "agencies", "local_police_role")
FINDING_COLUMNS = ("rule", "citation", "level", "unverified", "pack")
DETENTION_COLUMNS = (
    "person",
    "custody",
    "warrant",
    "request",
    "honored",
    "qualifying_conviction",
    "hold_hours",
    "court_related",
)
ALLOWED_COLUMNS = INCIDENT_COLUMNS + FINDING_COLUMNS + DETENTION_COLUMNS
LEVELS = ("possible_violation", "needs_information", "information")
ROW_LIMIT = 2000


@dataclass
class Filters:
    rule: str = ""
    level: str = ""
    area: str = ""  # a borough or neighborhood code
    start: dt.date | None = None
    end: dt.date | None = None
    agency: str = ""
    police_role: str = ""

    @classmethod
    def from_query(cls, query, rules: set, agencies: set, roles: set) -> Filters:
        def date(name):
            try:
                return dt.date.fromisoformat(query.get(name, ""))
            except ValueError:
                return None

        rule, level = query.get("rule", ""), query.get("level", "")
        agency, role = query.get("agency", ""), query.get("police_role", "")
        area = query.get("area", "").strip().upper()
        return cls(
            rule=rule if rule in rules else "",
            level=level if level in LEVELS else "",
            area=area if area.isalnum() and len(area) <= 16 else "",
            start=date("start"),
            end=date("end"),
            agency=agency if agency in agencies else "",
            police_role=role if role in roles else "",
        )


def _day_start(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def findings(incidents, filters: Filters):
    """Current findings on `incidents` (a queryset the monitor may see) matching the filters."""
    qs = Finding.objects.filter(superseded_at__isnull=True, incident__in=incidents).defer("facts")
    if filters.rule:
        qs = qs.filter(rule=filters.rule)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.area:
        qs = qs.filter(Q(incident__borough=filters.area) | Q(incident__area=filters.area))
    if filters.start:
        qs = qs.filter(incident__first_report_at__gte=_day_start(filters.start))
    if filters.end:
        qs = qs.filter(incident__first_report_at__lt=_day_start(filters.end + dt.timedelta(days=1)))
    if filters.agency:
        # JSON list membership, portable between SQLite and PostgreSQL: the quoted code inside the text.
        qs = qs.filter(incident__agencies__icontains=f'"{filters.agency}"')
    if filters.police_role:
        qs = qs.filter(incident__local_police_role=filters.police_role)
    return qs


def counts(qs) -> dict:
    """{"by_level": {level: n}, "by_rule": [(rule, level, n)], "total": n}"""
    by_pair = list(qs.values("rule", "level").annotate(n=Count("id")).order_by("rule", "level"))
    by_level = {level: 0 for level in LEVELS}
    for row in by_pair:
        by_level[row["level"]] = by_level.get(row["level"], 0) + row["n"]
    return {
        "by_level": by_level,
        "by_rule": [(row["rule"], row["level"], row["n"]) for row in by_pair],
        "total": sum(by_level.values()),
    }


def rows(qs, limit: int = ROW_LIMIT) -> list[dict]:
    """One dict per finding, with exactly ALLOWED_COLUMNS."""
    found = list(
        qs.select_related("incident")
        .only(
            "rule",
            "citation",
            "level",
            "unverified",
            "pack_hash",
            "detention_number",
            "incident_id",
            "incident__first_report_at",
            "incident__borough",
            "incident__area",
            "incident__agencies",
            "incident__local_police_role",
        )
        .order_by("-incident__first_report_at", "rule")[:limit]
    )
    wanted = {(f.incident_id, f.detention_number) for f in found if f.detention_number}
    cats = {}
    if wanted:
        for cat in DetentionCategory.objects.filter(superseded_at__isnull=True, incident_id__in={i for i, _ in wanted}):
            cats[(cat.incident_id, cat.detention_number)] = cat
    out = []
    for f in found:
        cat = cats.get((f.incident_id, f.detention_number))
        incident = f.incident
        out.append(
            {
                "incident": str(incident.pk),
                "date": timezone.localtime(incident.first_report_at).date().isoformat(),
                "borough": incident.borough,
                "area": incident.area,
                "agencies": " ".join(incident.agencies or []),
                "local_police_role": incident.local_police_role,
                "rule": f.rule,
                "citation": f.citation,
                "level": f.level,
                "unverified": f.unverified,
                "pack": f.pack_hash,
                "person": f.detention_number or "",
                "custody": cat.custody if cat else "",
                "warrant": cat.warrant if cat else "",
                "request": cat.request if cat else "",
                "honored": cat.honored if cat else "",
                "qualifying_conviction": cat.qualifying_conviction if cat else "",
                "hold_hours": "" if cat is None or cat.hold_hours is None else cat.hold_hours,
                "court_related": cat.court_related if cat else "",
            }
        )
    return out

"""The facts the rules read, as plain data (docs/rules.md lists every field). No Django here.

An incident is a JSON object: its fields below, and `detentions`, a list of detention records. Every fact is
optional: a missing field, `null` or `"unknown"` is UNKNOWN. A list (`convictions`, `incarcerations`) that is
missing or `null` is unknown as a whole; `[]` means "none". `parse_incident` checks one object and raises
FactsError naming the object and the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from vigil.incidents.warrants import WARRANT_KINDS, WARRANT_SOURCES
from vigil.rules.lang import UNKNOWN

# The one list of warrant kinds, shared with the responder's observation form and the detention records.
INCIDENT_FIELDS = {
    "date": "date",
    "operator": (
        "city_agency",
        "city_contractor",
        "hhc",
        "public_school",
        "charter_school",
        "private",
        "mta",
        "federal",
    ),
    "non_public_area_entered": "bool",
    "court": ("none", "state_or_city", "immigration"),
    "doc_property_office": "bool",
    "doc_property_office_purpose": ("civil_enforcement", "criminal_enforcement", "other"),
    "operation_purpose": ("civil_immigration", "criminal_presence_entry", "criminal_other"),
    "city_resources_used": "bool",
    "city_assistance_requested": "bool",
    "nypd_role": ("none", "traffic_or_perimeter", "enforcement"),
    "home_entered": "bool",
    "forced_entry": "bool",
    "protected_area": (
        "none",
        "school",
        "health",
        "worship",
        "children",
        "social_services",
        "disaster",
    ),
    "warrant": WARRANT_KINDS,
    "warrant_source": WARRANT_SOURCES,
    "custody": ("nypd", "doc", "probation", "federal"),
}

DETENTION_FIELDS = {
    "targeted": ("targeted", "collateral"),
    "custody": ("nypd", "doc", "probation", "federal"),
    "warrant": WARRANT_KINDS,
    "warrant_source": WARRANT_SOURCES,
    "arrest_by": ("local", "federal"),
    "arrest_basis": ("civil_immigration", "criminal"),
    "request": ("detention", "notification", "transfer", "other", "none"),
    "honored": ("held_past_release", "release_time_told", "handed_over_at_release", "not_honored"),
    "would_release_at": "datetime",
    "released_at": "datetime",
    "instant_arrest_date": "date",
    "convictions": "list:conviction",
    "incarcerations": "list:incarceration",
    "database_match": "bool",
    "previously_removed_reentered": "bool",
    "info_shared": "bool",
    "info_shared_by": ("doc", "probation", "nypd", "other"),
    "sharing_required_by_law": "bool",
    "court_attendance": ("party_or_witness", "family_of_party_or_witness", "no"),
}

ITEM_FIELDS = {
    "conviction": {
        "id": "str",
        "sentence_date": "date",
        "plea_or_verdict_date": "date",
        "offence": "str",
        "jurisdiction": "str",
    },
    "incarceration": {"from": "date", "to": "date", "conviction": "str"},
}

# A detention record's fact of this name overrides the incident's for that person.
OVERRIDES = ("warrant", "warrant_source", "custody")


class FactsError(ValueError):
    def __init__(self, obj: str, field_name: str, message: str):
        super().__init__(f"{obj}: field {field_name!r}: {message}")
        self.obj, self.field = obj, field_name


@dataclass
class Incident:
    id: str
    date: dt.date
    facts: dict  # incident-level name -> value (UNKNOWN left out)
    detentions: list = field(default_factory=list)  # one dict per record, same convention


def _value(kind, raw, obj: str, name: str, zone: ZoneInfo):
    if raw is None or raw == "unknown":
        return UNKNOWN
    if isinstance(kind, tuple):
        if raw not in kind:
            raise FactsError(obj, name, f"{raw!r} is not one of {', '.join(kind)} or unknown")
        return raw
    if kind == "bool":
        if not isinstance(raw, bool):
            raise FactsError(obj, name, f"{raw!r} is not true, false or unknown")
        return raw
    if kind == "str":
        if not isinstance(raw, str):
            raise FactsError(obj, name, f"{raw!r} is not a string")
        return raw
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _bad()
        except ValueError:
            raise FactsError(obj, name, f"{raw!r} is not a date (YYYY-MM-DD)")
    if kind == "datetime":
        try:
            value = dt.datetime.fromisoformat(raw) if isinstance(raw, str) else _bad()
        except ValueError:
            raise FactsError(
                obj, name, f"{raw!r} is not a date and time (YYYY-MM-DDTHH:MM, New York time if no offset)"
            )
        return value if value.tzinfo else value.replace(tzinfo=zone)
    item_kind = kind.partition(":")[2]
    if not isinstance(raw, list):
        raise FactsError(obj, name, "a list expected (or null when unknown)")
    items = []
    for i, entry in enumerate(raw):
        where = f"{name}[{i}]"
        if not isinstance(entry, dict):
            raise FactsError(obj, where, "an object expected")
        items.append(_fields(entry, ITEM_FIELDS[item_kind], obj, where + ".", zone))
    return items


def _bad():
    raise ValueError


def _fields(raw: dict, spec: dict, obj: str, prefix: str, zone: ZoneInfo) -> dict:
    out = {}
    for name, value in raw.items():
        if name not in spec:
            raise FactsError(obj, prefix + name, f"not a known field (known: {', '.join(sorted(spec))})")
        parsed = _value(spec[name], value, obj, prefix + name, zone)
        if parsed is not UNKNOWN:
            out[name] = parsed
    return out


def parse_incident(raw, index: int, zone: ZoneInfo) -> Incident:
    """One incident object of the command's input (or of a caller), checked field by field."""
    if not isinstance(raw, dict):
        raise FactsError(f"object {index}", "", "an object expected")
    ident = raw.get("id")
    if not isinstance(ident, str | int) or isinstance(ident, bool) or ident == "":
        raise FactsError(f"object {index}", "id", "a non-empty string or number is required")
    obj = f"object {index} (id {ident!r})"
    body = {k: v for k, v in raw.items() if k not in ("id", "detentions")}
    facts = _fields(body, INCIDENT_FIELDS, obj, "", zone)
    if "date" not in facts:
        raise FactsError(obj, "date", "the incident's date is required: rules are judged by the law in force on it")
    detentions = raw.get("detentions", [])
    if not isinstance(detentions, list):
        raise FactsError(obj, "detentions", "a list of detention records expected")
    records = []
    for i, record in enumerate(detentions):
        if not isinstance(record, dict):
            raise FactsError(obj, f"detentions[{i}]", "an object expected")
        records.append(_fields(record, DETENTION_FIELDS, obj, f"detentions[{i}].", zone))
    return Incident(id=str(ident), date=facts["date"], facts=facts, detentions=records)

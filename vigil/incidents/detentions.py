"""Detention records and the incident-level facts the sanctuary-law rules read (docs/rules.md).

Responders write what they saw; caseworkers and legal-provider staff what was learned later. Monitors
never write. A detention record's facts are personal data: kept sealed in one JSON value, and every read
of them for a page or an export is audited. The field names and codes are the rules' own (the rules app,
above this one, maps these rows to its facts; this module never imports it).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.incidents import models as m
from vigil.incidents.models import DetentionRecord, Incident, TimelineEntry

WRITERS = (Role.RESPONDER, Role.CASEWORKER, Role.PROVIDER_STAFF)

INCIDENT_FACTS = ("site_operator", "court", "doc_property_office", "doc_office_purpose", "operation_purpose")
INCIDENT_FACT_CHOICES = {
    "site_operator": m.SITE_OPERATORS,
    "court": m.COURTS,
    "doc_property_office": m.YES_NO,
    "doc_office_purpose": m.DOC_OFFICE_PURPOSES,
    "operation_purpose": m.OPERATION_PURPOSES,
    "warrant_source": m.WARRANT_SOURCES,
}

# A detention record's fields: name -> (label, kind). A kind is a list of choices, "bool", "date",
# "datetime", "convictions" or "incarcerations". No value, or "unknown", is unknown.
FIELDS = {
    "targeted": (_("Targeted or collateral"), [("targeted", _("Targeted")), ("collateral", _("Collateral"))]),
    "custody": (
        _("In whose custody"),
        [
            ("nypd", "NYPD"),
            ("doc", _("Department of Correction")),
            ("probation", _("Probation")),
            ("federal", _("Federal")),
        ],
    ),
    "warrant": (_("Warrant"), [(code, label) for code, label in m.WARRANTS if code != "unknown"]),
    "warrant_source": (_("How the warrant is known"), m.WARRANT_SOURCES),
    "arrest_by": (_("Arrested by"), [("local", _("Local officers")), ("federal", _("Federal agents"))]),
    "arrest_basis": (
        _("Arrested for"),
        [("civil_immigration", _("Civil immigration enforcement")), ("criminal", _("A criminal charge"))],
    ),
    "request": (
        _("Request received from immigration authorities"),
        [
            ("detention", _("Detention")),
            ("notification", _("Notification")),
            ("transfer", _("Transfer")),
            ("other", _("Other")),
            ("none", _("None")),
        ],
    ),
    "honored": (
        _("How the request was honored"),
        [
            ("held_past_release", _("Held past release")),
            ("release_time_told", _("Release time told")),
            ("handed_over_at_release", _("Handed over at release")),
            ("not_honored", _("Not honored")),
        ],
    ),
    "would_release_at": (_("When the person would otherwise have been released"), "datetime"),
    "released_at": (_("When released or handed over"), "datetime"),
    "instant_arrest_date": (_("Date of the local arrest that put the person in city custody"), "date"),
    "convictions": (_("Relevant convictions"), "convictions"),
    "incarcerations": (_("Periods of incarceration"), "incarcerations"),
    "database_match": (_("Terrorist-screening database match"), "bool"),
    "previously_removed_reentered": (_("Previously removed and re-entered"), "bool"),
    "info_shared": (_("Release or court dates shared with immigration authorities"), "bool"),
    "info_shared_by": (
        _("Shared by"),
        [
            ("doc", _("Department of Correction")),
            ("probation", _("Probation")),
            ("nypd", "NYPD"),
            ("other", _("Other")),
        ],
    ),
    "sharing_required_by_law": (_("A law required the sharing"), "bool"),
    "court_attendance": (
        _("Attending a court proceeding"),
        [
            ("party_or_witness", _("As a party or potential witness")),
            ("family_of_party_or_witness", _("As family or household member of one")),
            ("no", _("No")),
        ],
    ),
}
CONVICTION_FIELDS = ("sentence_date", "plea_or_verdict_date", "offence", "jurisdiction")
INCARCERATION_FIELDS = ("from", "to", "conviction")


class DetentionRefused(PermissionError):
    """The person may not write detention records (monitors never do)."""


def may_write(user) -> bool:
    return user.has_role(*WRITERS)


def record_incident_facts(incident: Incident, values: dict, *, actor) -> list[str]:
    """Steps: keep the given incident-level facts (a blank value is unknown); timeline and audit (which
    fields, never values). Returns the names changed."""
    if not may_write(actor):
        raise DetentionRefused
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        updates = {}
        for name in (*INCIDENT_FACTS, "warrant_source"):
            if name not in values:
                continue
            value = values[name] or ""
            allowed = {code for code, _label in INCIDENT_FACT_CHOICES[name]}
            if value and value not in allowed:
                raise ValueError(name)
            if getattr(current, name) != value:
                updates[name] = value
        if updates:
            Incident.objects.filter(pk=current.pk).update(**updates)
            TimelineEntry.objects.create(incident=current, actor=actor, kind="rule_facts")
            audit.record("incident.rule_facts_recorded", actor=actor, obj=current, fields=sorted(updates))
            _changed(current)
    return sorted(updates)


def clean_facts(values: dict) -> dict:
    """The known facts of a record, as the rules' input takes them: unknown ones left out; dates and times
    as ISO text; lists kept (an empty list is "none")."""
    out = {}
    for name, (_label, kind) in FIELDS.items():
        value = values.get(name)
        if value is None or value == "" or value == "unknown":
            continue
        if kind in ("date", "datetime"):
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        elif kind == "bool" and not isinstance(value, bool):
            raise ValueError(name)
        elif isinstance(kind, list) and value not in {code for code, _ in kind}:
            raise ValueError(name)
        out[name] = value
    return out


def record_detention(incident: Incident, values: dict, *, actor, record: DetentionRecord | None = None):
    """Steps: check the writer; keep the record's known facts sealed (a new record takes the incident's
    next number); timeline (who and when) and audit (which fields, never values); queue the incident's
    documentation jobs on commit."""
    if not may_write(actor):
        raise DetentionRefused
    facts = clean_facts(values)
    now = timezone.now()
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        if record is None:
            number = (current.detention_records.aggregate(n=Max("number"))["n"] or 0) + 1
            record = DetentionRecord(incident=current, number=number, created_by=actor, created_at=now)
            kind = "detention_recorded"
        else:
            record = DetentionRecord.objects.select_for_update().get(pk=record.pk, incident=current)
            kind = "detention_updated"
        record.facts = facts
        record.updated_by, record.updated_at = actor, now
        record.save()
        TimelineEntry.objects.create(incident=current, actor=actor, kind=kind)
        audit.record(f"incident.{kind}", actor=actor, obj=record, fields=sorted(facts), count=record.number)
        _changed(current)
    return record


def read_records(incident: Incident, *, actor, purpose: str = "page") -> list[DetentionRecord]:
    """The incident's detention records, their facts decrypted; the read is audited."""
    rows = list(incident.detention_records.all())
    for row in rows:
        row.facts  # noqa: B018 (decrypted here, inside the audited read)
    audit.record("incident.detentions_read", actor=actor, obj=incident, count=len(rows), kind=purpose)
    return rows


def _changed(incident: Incident) -> None:
    from vigil.incidents import documentation

    documentation.queue_on_commit(incident)

"""Linking a case to the person's detention record (vigil/incidents), with the case's own copy of what it needs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts import audit
from vigil.cases.actions import CaseActionRefused
from vigil.cases.models import Case, CaseEvent
from vigil.incidents import detentions

# What the case keeps from the record: who holds the person and when they were released or handed over (for
# locating); the rest of the record (convictions, warrants, requests) stays with the incident and the rules.
COPIED_FACTS = ("custody", "released_at")


def detention_records_for(case: Case, *, actor) -> list:
    """The detention records of the case's incident, read through the incidents' audited read."""
    if case.incident_id is None:
        return []
    return detentions.read_records(case.incident, actor=actor, purpose="case")


def link_detention_record(case: Case, record_id, *, actor) -> Case:
    """Steps: lock the case; refuse a closed case, a case without an incident, or a record of another
    incident; read the record (audited) and copy COPIED_FACTS into the case; link it; write the timeline
    entry and the audit event."""
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if not current.is_open:
            raise CaseActionRefused("case_closed", _("This case is closed."))
        record = next((r for r in detention_records_for(current, actor=actor) if str(r.pk) == str(record_id)), None)
        if record is None:
            raise CaseActionRefused(
                "detention_record", _("Choose a person recorded in the incident this case is linked to.")
            )
        current.detention_record = record
        current.detention_copy = {name: record.facts[name] for name in COPIED_FACTS if record.facts.get(name)}
        current.updated_at = timezone.now()
        current.save(update_fields=["detention_record", "detention_copy", "updated_at"])
        CaseEvent.objects.create(case=current, kind=CaseEvent.Kind.INCIDENT_LINKED, actor=actor)
        audit.record("case.detention_record_linked", actor=actor, obj=current)
    return current

"""From the incidents' rows to the evaluator's facts (docs/rules.md's field names). The incidents app keeps
its own codes for what responders saw; this is the one place that reads them as the rules' facts."""

from __future__ import annotations

from django.utils import timezone

# The responder's word for the local police's part, as the rules' `nypd_role`; "present" says nothing of it.
NYPD_ROLES = {
    "none": "none",
    "perimeter": "traffic_or_perimeter",
    "assisting": "enforcement",
    "arresting": "enforcement",
    "holding": "enforcement",
}
HOME_ENTRY = {"none": (False, None), "consented": (True, False), "forced": (True, True)}
YES_NO = {"yes": True, "no": False}


def incident_object(incident, records) -> dict:
    """One input object of the evaluator: the incident's facts (blank is unknown) and one object per
    detention record, whose warrant or custody the evaluator lets override the incident's."""
    when = incident.activity_started_at or incident.first_report_at
    home_entered, forced = HOME_ENTRY.get(incident.home_entry, (None, None))
    raw = {
        "id": str(incident.pk),
        "date": timezone.localtime(when).date().isoformat(),
        "operator": incident.site_operator or None,
        "non_public_area_entered": {"non_public": True, "public": False}.get(incident.area_entered),
        "court": incident.court or None,
        "doc_property_office": YES_NO.get(incident.doc_property_office),
        "doc_property_office_purpose": incident.doc_office_purpose or None,
        "operation_purpose": incident.operation_purpose or None,
        "nypd_role": NYPD_ROLES.get(incident.local_police_role),
        "home_entered": home_entered,
        "forced_entry": forced,
        "warrant": incident.warrant_seen or None,
        "warrant_source": incident.warrant_source or None,
        "detentions": [dict(record.facts) for record in records],
    }
    return {name: value for name, value in raw.items() if value is not None}

"""The observation form's warrant codes become the shared list's (vigil/incidents/warrants.py)."""

from django.db import migrations

FORMER_CODES = {
    "fed_judicial_arrest": "federal_judicial_arrest",
    "fed_judicial_search": "federal_judicial_search",
    "state_court": "state_local_court",
    "ij_order": "immigration_judge_order",
}


def rename(apps, codes):
    Incident = apps.get_model("incidents", "Incident")
    Observation = apps.get_model("incidents", "Observation")
    for old, new in codes.items():
        Incident.objects.filter(warrant_seen=old).update(warrant_seen=new)
    for row in Observation.objects.filter(values__has_key="warrant_seen").iterator():
        if row.values["warrant_seen"] in codes:
            row.values["warrant_seen"] = codes[row.values["warrant_seen"]]
            Observation.objects.filter(pk=row.pk).update(values=row.values)


def forwards(apps, schema_editor):
    rename(apps, FORMER_CODES)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in FORMER_CODES.items()})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0013_incident_rule_facts_detention_records")]

    operations = [migrations.RunPython(forwards, backwards)]

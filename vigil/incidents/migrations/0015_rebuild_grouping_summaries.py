# The grouping fold moved to vigil/lib/folding.py with one simplified/traditional Chinese table (many
# more traditional characters fold than before) and anyascii for Cyrillic: the words and trigrams kept
# in stored grouping summaries were folded the old way, so every incident still open to grouping gets
# its summary rebuilt from its reports, once, through the rebuild a dispatcher's correction uses.

from django.db import migrations


def rebuild_open_summaries(apps, schema_editor):
    """Rebuild the summary of every incident open to grouping (closed ones keep none).

    The rebuild is the application's own (`rebuild_grouping`), not a copy frozen here: a summary is
    sealed and shaped by the grouping code of the release that reads it. It runs on the models as they
    stand after this migration's dependencies.
    """
    from vigil.incidents.actions import rebuild_grouping

    Incident = apps.get_model("incidents", "Incident")
    for pk in Incident.objects.filter(grouping_open=True).values_list("pk", flat=True).iterator():
        rebuild_grouping(pk)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0014_shared_warrant_codes"),
        ("intake", "0006_contact_index_keys"),
    ]

    operations = [
        migrations.RunPython(rebuild_open_summaries, migrations.RunPython.noop),
    ]

import uuid

from django.db import migrations, models

import vigil.privacy.fields


def seal_reasons(apps, schema_editor):
    """Encrypt the reasons written before they were sealed (needs FIELD_ENCRYPTION_KEYS only if any exist)."""
    from vigil.lib import crypto

    TimelineEntry = apps.get_model("incidents", "TimelineEntry")
    table = TimelineEntry._meta.db_table
    for entry_id, uid, text in TimelineEntry.objects.exclude(reason_plain="").values_list("id", "uid", "reason_plain"):
        blob = crypto.encrypt_text(text, crypto.associated_data(table, "reason", uid))
        TimelineEntry.objects.filter(id=entry_id).update(reason=blob)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_remove_incident_grouping_state_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="timelineentry",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.RenameField(model_name="timelineentry", old_name="reason", new_name="reason_plain"),
        migrations.AddField(
            model_name="timelineentry",
            name="reason",
            field=vigil.privacy.fields.EncryptedTextField(aad_field="uid", blank=True, null=True),
        ),
        migrations.RunPython(seal_reasons, migrations.RunPython.noop),
        migrations.RemoveField(model_name="timelineentry", name="reason_plain"),
    ]

"""Seal the SALUTE answers: reporters write names and plates in them.

Steps: keep the clear answers under another name; add the sealed column under the old one (its name is
part of each ciphertext's associated data); seal every row's answers into it; drop the clear column.
"""

import json

from django.db import migrations

import vigil.privacy.fields
from vigil.lib import crypto

BATCH = 500


def seal(apps, schema_editor):
    Report = apps.get_model("intake", "Report")
    table = Report._meta.db_table
    rows = Report.objects.exclude(salute_clear={}).exclude(salute_clear__isnull=True).values_list("pk", "salute_clear")
    for pk, answers in rows.iterator(chunk_size=BATCH):
        if not answers:
            continue
        text = json.dumps(answers, ensure_ascii=False, sort_keys=True)
        blob = crypto.encrypt_text(text, crypto.associated_data(table, "salute", pk))
        Report.objects.filter(pk=pk).update(salute=blob)


def unseal(apps, schema_editor):
    Report = apps.get_model("intake", "Report")
    table = Report._meta.db_table
    for pk, blob in Report.objects.exclude(salute__isnull=True).values_list("pk", "salute").iterator(chunk_size=BATCH):
        text = crypto.decrypt_text(bytes(blob), crypto.associated_data(table, "salute", pk))
        Report.objects.filter(pk=pk).update(salute_clear=json.loads(text))


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_report_idempotency_key_length"),
    ]

    operations = [
        migrations.RenameField(model_name="report", old_name="salute", new_name="salute_clear"),
        migrations.AddField(
            model_name="report",
            name="salute",
            field=vigil.privacy.fields.EncryptedJSONField(blank=True, null=True),
        ),
        migrations.RunPython(seal, unseal),
        migrations.RemoveField(model_name="report", name="salute_clear"),
    ]

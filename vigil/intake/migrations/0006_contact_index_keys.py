"""Reports' contact indexes for e-mail contacts keyed on email-validator's normalized form with the local
part lower-cased (vigil.lib.normalize.normalize_contact_value), under the current index key."""

from django.db import migrations

PURPOSE = "report_contact"


def rekey(apps, schema_editor):
    from vigil.lib import crypto
    from vigil.lib.normalize import InvalidAddress, normalize_contact_value

    Report = apps.get_model("intake", "Report")
    for report in Report.objects.exclude(contact_index=None).exclude(contact_index="").iterator(chunk_size=500):
        contact = report.contact or ""
        if "@" not in contact:
            continue
        try:
            index = crypto.blind_index(normalize_contact_value(contact), purpose=PURPOSE)
        except InvalidAddress:
            continue  # kept as it was: nothing better to key it on
        if index != report.contact_index:
            Report.objects.filter(pk=report.pk).update(contact_index=index)


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_seal_report_salute")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

"""E-mail subscribers' blind indexes keyed on email-validator's normalized form with the local part
lower-cased (vigil.lib.normalize.address_key), under the current index key. Addresses stored before were
case-folded whole; lookups still try that older key too, so nobody stored then is lost."""

from django.db import migrations

PURPOSE = "alerts.subscriber.address"


def rekey(apps, schema_editor):
    from vigil.lib import crypto
    from vigil.lib.normalize import address_key

    Subscriber = apps.get_model("alerts", "Subscriber")
    for subscriber in Subscriber.objects.filter(channel="email").iterator(chunk_size=500):
        if not subscriber.address:
            continue
        index = crypto.blind_index(address_key(subscriber.address), purpose=PURPOSE)
        if index != subscriber.address_index:
            Subscriber.objects.filter(pk=subscriber.pk).update(address_index=index)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_broadcasts")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]

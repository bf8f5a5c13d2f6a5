"""Alert deliveries move to messaging: each sent alert gets a broadcast, and its deliveries are copied
into messaging's table (subscriber -> recipient id), then alerts' own table goes. Reversible."""

import django.db.models.deletion
from django.db import migrations, models

COPIED = (
    "channel",
    "language",
    "priority",
    "state",
    "not_before",
    "attempts",
    "claim",
    "claimed_at",
    "provider_id",
    "provider_status",
    "error_code",
    "was_uncertain",
    "resolution",
    "sent_at",
    "created_at",
)
CHUNK = 2000


def to_messaging(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    OldDelivery = apps.get_model("alerts", "Delivery")
    Broadcast = apps.get_model("messaging", "Broadcast")
    Delivery = apps.get_model("messaging", "Delivery")
    for alert in Alert.objects.filter(pk__in=OldDelivery.objects.values("alert_id")).order_by("created_at"):
        broadcast = Broadcast.objects.create(
            programme="alerts.alert",
            recipient_kind="alerts.active_subscriber",
            tag=alert.ref,
            created_at=alert.created_at,
        )
        Alert.objects.filter(pk=alert.pk).update(broadcast=broadcast)
        rows = OldDelivery.objects.filter(alert_id=alert.pk).order_by("id").values("subscriber_id", *COPIED)
        batch = []
        for row in rows.iterator(chunk_size=CHUNK):
            batch.append(Delivery(broadcast=broadcast, recipient_id=row.pop("subscriber_id"), **row))
            if len(batch) >= CHUNK:
                Delivery.objects.bulk_create(batch)
                batch = []
        Delivery.objects.bulk_create(batch)


def to_alerts(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    OldDelivery = apps.get_model("alerts", "Delivery")
    Subscriber = apps.get_model("alerts", "Subscriber")
    Delivery = apps.get_model("messaging", "Delivery")
    present = set(Subscriber.objects.values_list("pk", flat=True))
    for alert in Alert.objects.exclude(broadcast=None):
        rows = Delivery.objects.filter(broadcast_id=alert.broadcast_id).order_by("id").values("recipient_id", *COPIED)
        batch = [
            OldDelivery(alert_id=alert.pk, subscriber_id=row.pop("recipient_id"), **row)
            for row in rows
            if row["recipient_id"] in present
        ]
        OldDelivery.objects.bulk_create(batch, batch_size=CHUNK)
    Alert.objects.update(broadcast=None)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_alert_place"),
        ("messaging", "0002_broadcasts"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="broadcast",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alert",
                to="messaging.broadcast",
            ),
        ),
        migrations.RunPython(to_messaging, to_alerts),
        migrations.DeleteModel(name="Delivery"),
    ]

"""Read-only views of alerts and their deliveries: every change goes through vigil.alerts.actions.
Subscribers are not registered at all (their addresses are for the audited list only). Deliveries are
messaging's rows; they are shown here because they belong to an organization through their alert."""

from django.contrib import admin

from vigil.accounts.admin import ReadOnlyAdmin
from vigil.alerts.models import Alert
from vigil.messaging.models import Delivery


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["ref", "kind", "state", "organization", "recipients", "sent_at", "expires_at"]
    list_filter = ["kind", "state"]
    exclude = ["texts"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    organization_field = "broadcast__alert__organization"  # a delivery belongs to its alert's organization
    list_display = ["id", "alert_ref", "channel", "language", "state", "attempts", "was_uncertain", "resolution"]
    list_filter = ["channel", "state", "was_uncertain"]
    exclude = ["recipient_id", "provider_id"]

    @admin.display(description="alert")
    def alert_ref(self, delivery):
        alert = getattr(delivery.broadcast, "alert", None)
        return alert.ref if alert is not None else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("broadcast__alert")

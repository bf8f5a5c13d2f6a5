"""Read-only views of alerts and deliveries: every change goes through vigil.alerts.actions. Subscribers
are not registered at all (their addresses are for the audited list only)."""

from django.contrib import admin

from vigil.accounts.admin import ReadOnlyAdmin
from vigil.alerts.models import Alert, Delivery


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["ref", "kind", "state", "organization", "recipients", "sent_at", "expires_at"]
    list_filter = ["kind", "state"]
    exclude = ["texts"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    organization_field = "alert__organization"  # a delivery belongs to its alert's organization
    list_display = ["id", "alert", "channel", "language", "state", "attempts", "was_uncertain", "resolution", "sent_at"]
    list_filter = ["channel", "state", "was_uncertain"]
    exclude = ["subscriber", "provider_id"]

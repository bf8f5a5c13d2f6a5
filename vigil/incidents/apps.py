from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "vigil.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        """Signals, and the recipient kinds incidents sends to through messaging (staff notices)."""
        from vigil import messaging
        from vigil.incidents import notify, signals  # noqa: F401

        messaging.register_resolver(notify.CONFIRMED, notify.resolve_confirmed)
        messaging.register_resolver(notify.PENDING, notify.resolve_pending)

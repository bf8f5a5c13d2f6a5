from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "vigil.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        """Signals; the recipient kinds incidents sends to through messaging (staff notices); the evidence
        files key rotation seals again; the hourly grouping sweep."""
        from vigil import messaging
        from vigil.incidents import evidence, notify, signals  # noqa: F401
        from vigil.privacy.registry import register_sealed_elsewhere
        from vigil.work.registry import register_periodic

        messaging.register_resolver(notify.CONFIRMED, notify.resolve_confirmed)
        messaging.register_resolver(notify.PENDING, notify.resolve_pending)
        register_sealed_elsewhere("incidents.evidence_files", evidence.reseal_all)
        register_periodic("vigil.incidents.jobs.close_stale_grouping", every="hour")

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "vigil.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        from vigil.incidents import signals  # noqa: F401

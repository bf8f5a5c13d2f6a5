from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "vigil.privacy"
    label = "privacy"
    verbose_name = "Privacy: encryption, retention, legal holds"

    def ready(self):
        """The daily purge is periodic work of the worker's (registered by name: work sits below)."""
        from vigil.work.registry import register_periodic

        register_periodic("vigil.privacy.jobs.purge_expired", every="day")

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "vigil.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self):
        from vigil.work.registry import register_periodic

        register_periodic("vigil.messaging.jobs.forget_closed_windows", every="hour")

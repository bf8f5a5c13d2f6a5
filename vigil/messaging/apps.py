from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "vigil.messaging"
    label = "messaging"
    verbose_name = "Messaging"

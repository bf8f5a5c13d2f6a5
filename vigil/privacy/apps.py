from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "vigil.privacy"
    label = "privacy"
    verbose_name = "Privacy: encryption, retention, legal holds"

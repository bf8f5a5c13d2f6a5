from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "vigil.rights"
    label = "rights"
    verbose_name = "Know your rights"

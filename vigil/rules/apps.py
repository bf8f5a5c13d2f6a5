from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "vigil.rules"
    label = "rules"
    verbose_name = "Rules"

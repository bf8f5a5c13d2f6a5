from django.apps import AppConfig
from django.conf.locale import LANG_INFO

# Django's language table has no Haitian Creole; get_language_info() and the switcher need it.
LANG_INFO.setdefault("ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"})


class VigilConfig(AppConfig):
    name = "vigil"
    label = "vigil"
    verbose_name = "Vigil"

    def ready(self):
        from vigil import checks  # noqa: F401  (registers the system checks)

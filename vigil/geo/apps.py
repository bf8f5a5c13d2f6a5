from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "vigil.geo"
    label = "geo"
    verbose_name = "Areas"

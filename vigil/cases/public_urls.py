"""The family's public pages: the intake form and the status page (no login, every catalog)."""

from django.urls import path

from vigil.cases import family_views

urlpatterns = [
    path("family/", family_views.family_intake, name="family_intake"),
    path("family/status/", family_views.family_status_page, name="family_status"),
]

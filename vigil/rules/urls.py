from django.urls import path

from vigil.rules import views

urlpatterns = [
    path("findings/", views.monitor_findings, name="monitor_findings"),
]

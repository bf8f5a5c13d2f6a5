from django.urls import path

from vigil.rules import views

urlpatterns = [
    path("findings/", views.monitor_findings, name="monitor_findings"),
    path("findings/<uuid:incident_id>/letter/", views.referral_letter, name="referral_letter"),
]

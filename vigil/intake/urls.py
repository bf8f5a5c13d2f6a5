from django.urls import path

from vigil.intake import api, views

urlpatterns = [
    path("report/", views.report_form, name="report_form"),
    path("report/status/", views.report_status, name="report_status"),
    path("api/v1/reports", api.create_report, name="api_create_report"),
    path("api/v1/reports/<uuid:report_id>", api.get_report, name="api_get_report"),
    path("api/v1/openapi.json", api.openapi_document, name="api_openapi"),
    path("hooks/twilio/inbound", views.twilio_inbound, name="twilio_inbound"),
]

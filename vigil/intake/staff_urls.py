from django.urls import path

from vigil.intake import staff_views

urlpatterns = [
    path("reports/phone/", staff_views.phone_report, name="hotline_entry"),
    path("incidents/hotline/", staff_views.phone_report_moved, name="hotline_entry_moved"),
]

from django.urls import path

from vigil.messaging import views

urlpatterns = [
    path("hooks/twilio/status", views.twilio_status, name="messaging_twilio_status"),
    # The address alerts gave Twilio before messaging existed: messages still in flight report here.
    path("hooks/twilio/alert-status", views.twilio_status, name="messaging_twilio_status_alerts"),
    path("staff/demo/outbox/", views.demo_outbox, name="messaging_demo_outbox"),
    path("staff/messaging/templates/", views.whatsapp_templates, name="messaging_whatsapp_templates"),
    path(
        "staff/messaging/templates/<int:template_id>/state",
        views.whatsapp_template_state,
        name="messaging_whatsapp_template_state",
    ),
]

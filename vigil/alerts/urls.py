from django.urls import path

from vigil.alerts import api, views

urlpatterns = [
    path("alerts/", views.subscribe, name="alerts_subscribe"),
    path("alerts/confirm/", views.confirm, name="alerts_confirm"),
    path("alerts/unsubscribe/", views.unsubscribe, name="alerts_unsubscribe"),
    path("staff/alerts/", views.alert_list, name="alert_list"),
    path("staff/alerts/new/", views.alert_compose, name="alert_compose"),
    path("staff/alerts/subscribers/", views.subscriber_counts, name="alert_subscribers"),
    path("staff/alerts/subscribers/addresses/", views.subscriber_addresses, name="alert_subscriber_addresses"),
    path("staff/alerts/<uuid:alert_id>/", views.alert_detail, name="alert_detail"),
    path("staff/alerts/<uuid:alert_id>/progress/", views.alert_progress, name="alert_progress"),
    path("staff/alerts/<uuid:alert_id>/approve/", views.alert_approve, name="alert_approve"),
    path("staff/alerts/<uuid:alert_id>/send/", views.alert_send, name="alert_send"),
    path("staff/alerts/<uuid:alert_id>/cancel/", views.alert_cancel, name="alert_cancel"),
    path("api/v1/alerts/<uuid:alert_id>", api.alert_status, name="api_alert_status"),
    path("api/v1/alerts/<uuid:alert_id>/send", api.alert_send, name="api_alert_send"),
]

from django.urls import path

from vigil.incidents import detention_views, field_views, verification_views, views

urlpatterns = [
    path("", views.queue, name="incident_queue"),
    path("<uuid:incident_id>/", views.incident_detail, name="incident_detail"),
    path("<uuid:incident_id>/transition/", views.incident_transition, name="incident_transition"),
    path("<uuid:incident_id>/hold/", views.incident_hold, name="incident_hold"),
    path("<uuid:incident_id>/break-hold/", views.incident_break_hold, name="incident_break_hold"),
    path("<uuid:incident_id>/offer/", views.incident_offer, name="incident_offer"),
    path("<uuid:incident_id>/document/", views.incident_document, name="incident_document"),
    path("<uuid:incident_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<uuid:incident_id>/evidence/export/", views.evidence_export, name="evidence_export"),
    path("<uuid:incident_id>/merge/", views.incident_merge, name="incident_merge"),
    path("<uuid:incident_id>/detentions/", detention_views.detention_page, name="detention_page"),
    path("<uuid:incident_id>/detentions/new/", detention_views.detention_new, name="detention_new"),
    path("<uuid:incident_id>/detentions/<uuid:record_id>/", detention_views.detention_edit, name="detention_edit"),
    path("evidence/<uuid:evidence_id>/", views.evidence_view, name="evidence_view"),
    path("reports/<uuid:report_id>/move/", views.report_move, name="report_move"),
    path("roster/", views.roster, name="roster"),
    path("responder/", field_views.responder_home, name="responder_home"),
    path("notices/", field_views.notification_address, name="notification_address"),
    path("responder/dispatch/<uuid:dispatch_id>/", field_views.dispatch_move, name="dispatch_move"),
    path("responder/dispatch/<uuid:dispatch_id>/help/", field_views.ask_for_help, name="dispatch_help"),
    path("<uuid:incident_id>/facts/resolve/", field_views.resolve_fact, name="fact_resolve"),
    path("reports/<uuid:report_id>/contact/", field_views.report_contact, name="report_contact"),
    path("dispatches/<uuid:dispatch_id>/help-answered/", field_views.answer_help, name="dispatch_help_answered"),
    path("responder/dispatch/<uuid:dispatch_id>/scene/", verification_views.scene_answer, name="scene_answer"),
    path("<uuid:incident_id>/verify/propose/", verification_views.propose, name="verification_propose"),
    path("proposals/", verification_views.waiting, name="verification_waiting"),
    path("proposals/<uuid:proposal_id>/approve/", verification_views.approve, name="verification_approve"),
    path("proposals/<uuid:proposal_id>/withdraw/", verification_views.withdraw, name="verification_withdraw"),
    path(
        "confirmations/<uuid:confirmation_id>/verify/",
        verification_views.verify_from_scene,
        name="verification_from_scene",
    ),
]

from django.urls import path

from vigil.cases import (
    document_views,
    family_views,
    interpreting_views,
    linking_views,
    locating_views,
    packet_views,
    proposal_views,
    sharing_views,
    views,
)

urlpatterns = [
    path("", views.queue, name="case_queue"),
    path("new/", views.case_new, name="case_new"),
    path("providers/", views.provider_directory, name="provider_directory"),
    path("provider/", views.provider_live, name="provider_live"),
    path("provider/referrals/", views.provider_referrals, name="provider_referrals"),
    path("<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("<uuid:case_id>/state/", views.case_state, name="case_state"),
    path("<uuid:case_id>/close/", views.case_close, name="case_close"),
    path("<uuid:case_id>/needs/", views.case_needs, name="case_needs"),
    path("<uuid:case_id>/notes/", views.case_note, name="case_note"),
    path("<uuid:case_id>/tasks/", views.case_task, name="case_task"),
    path("<uuid:case_id>/events/", views.case_event, name="case_event"),
    path("<uuid:case_id>/refer/", views.case_refer, name="case_refer"),
    path("tasks/<uuid:task_id>/done/", views.task_done, name="case_task_done"),
    path("referrals/<uuid:referral_id>/send/", views.referral_send, name="referral_send"),
    path("referrals/<uuid:referral_id>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
    path("referrals/<uuid:referral_id>/answer/", views.referral_answer, name="referral_answer"),
    path("referrals/<uuid:referral_id>/packet.json", views.referral_packet, name="referral_packet"),
    path("referrals/<uuid:referral_id>/packet.pdf", packet_views.referral_packet_pdf, name="referral_packet_pdf"),
]

# Interpreters (vigil/cases/interpreting_views.py).
urlpatterns += [
    path("interpreters/", interpreting_views.interpreter_directory, name="interpreter_directory"),
    path("interpreters/hours/", interpreting_views.interpreter_hours, name="interpreter_hours"),
    path("interpreters/hours.csv", interpreting_views.interpreter_hours_csv, name="interpreter_hours_csv"),
    path("interpreters/<uuid:interpreter_id>/", interpreting_views.interpreter_detail, name="interpreter_detail"),
    path("<uuid:case_id>/interpretation/", interpreting_views.case_interpretation_new, name="case_interpretation_new"),
    path(
        "incidents/<uuid:incident_id>/interpretation/",
        interpreting_views.incident_interpretation_new,
        name="incident_interpretation_new",
    ),
    path(
        "interpretations/<uuid:interpretation_id>/",
        interpreting_views.interpretation_detail,
        name="interpretation_detail",
    ),
    path(
        "interpretations/<uuid:interpretation_id>/assign/",
        interpreting_views.interpretation_assign,
        name="interpretation_assign",
    ),
    path(
        "interpretations/<uuid:interpretation_id>/confirm/",
        interpreting_views.interpretation_confirm,
        name="interpretation_confirm",
    ),
    path(
        "interpretations/<uuid:interpretation_id>/complete/",
        interpreting_views.interpretation_complete,
        name="interpretation_complete",
    ),
    path(
        "interpretations/<uuid:interpretation_id>/cancel/",
        interpreting_views.interpretation_cancel,
        name="interpretation_cancel",
    ),
]

# Locating the person (vigil/cases/locating_views.py).
urlpatterns += [
    path("facilities/", locating_views.facility_directory, name="facility_directory"),
    path("<uuid:case_id>/locations/", locating_views.case_location, name="case_location"),
    path("<uuid:case_id>/hearings/", locating_views.case_hearing, name="case_hearing"),
]

# The family's relatives and consents, for caseworkers (vigil/cases/family_views.py; the public pages are
# in public_urls.py).
urlpatterns += [
    path("<uuid:case_id>/family/", family_views.case_family, name="case_family"),
    path("consents/<uuid:consent_id>/withdraw/", family_views.consent_withdraw, name="consent_withdraw"),
]

# Sharing a case with another organization of the coalition (vigil/cases/sharing_views.py).
urlpatterns += [
    path("<uuid:case_id>/share/", sharing_views.case_share, name="case_share"),
    path("shares/<uuid:share_id>/revoke/", sharing_views.share_revoke, name="share_revoke"),
]

# A case's documents (vigil/cases/document_views.py).
urlpatterns += [
    path("<uuid:case_id>/documents/", document_views.case_document_upload, name="case_document_upload"),
    path("documents/<uuid:document_id>/", document_views.case_document_download, name="case_document_download"),
    path("documents/<uuid:document_id>/delete/", document_views.case_document_delete, name="case_document_delete"),
]

# The matcher's proposals (vigil/cases/proposal_views.py; the case page's ranked providers come by a template tag).
urlpatterns += [
    path("proposals/", proposal_views.surge, name="proposal_surge"),
    path("proposals/approve/", proposal_views.surge_approve, name="proposal_surge_approve"),
]

# The incident and the person's detention record a case is linked to (vigil/cases/linking_views.py).
urlpatterns += [
    path("<uuid:case_id>/incident/", linking_views.case_link_incident, name="case_link_incident"),
    path("<uuid:case_id>/detention/", linking_views.case_link_detention_record, name="case_link_detention_record"),
]

from django.urls import path

from vigil.cases import views

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
]

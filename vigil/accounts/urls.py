from django.urls import path

from vigil.accounts import views

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/languages/", views.my_languages, name="my_languages"),
    path("audit/", views.audit_log, name="audit_log"),
    path("organization/verification/", views.verification_bases, name="verification_bases"),
    path("users/", views.user_list, name="user_list"),
    path("users/<uuid:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:user_id>/languages/", views.user_languages, name="user_languages"),
    path("users/<uuid:user_id>/reset-mfa/", views.user_reset_mfa, name="user_reset_mfa"),
]

from django.contrib import admin
from django.urls import include, path

from vigil import views
from vigil.accounts.middleware import admin_site_login_redirect

admin.site.login = admin_site_login_redirect
admin.site.site_header = "Vigil administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("vigil.intake.urls")),
    path("", include("vigil.messaging.urls")),
    path("", include("vigil.alerts.urls")),
    path("", include("vigil.rights.urls")),
    path("", include("vigil.cases.public_urls")),
    path("accounts/", include("allauth.urls")),
    path("staff/admin/", admin.site.urls),
    path("staff/", include("vigil.accounts.urls")),
    path("staff/work/", include("vigil.work.urls")),
    path("staff/", include("vigil.intake.staff_urls")),
    path("staff/incidents/", include("vigil.incidents.urls")),
    path("staff/rules/", include("vigil.rules.urls")),
    path("staff/cases/", include("vigil.cases.urls")),
]

handler400 = "vigil.views.bad_request"
handler403 = "vigil.views.permission_denied"
handler404 = "vigil.views.page_not_found"
handler500 = "vigil.views.server_error"

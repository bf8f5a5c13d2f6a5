from django.urls import path

from bench.intake_site.views import bare_insert
from vigil.views import healthz

urlpatterns = [path("bench/bare", bare_insert), path("healthz", healthz)]

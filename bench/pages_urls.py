"""The app's addresses, plus one for the baseline of `make bench-pages`.

The baseline (`/__bench__/baseline/<language>/`) is a fixed HTML page with the site's stylesheet, answered by
the same server, middleware and static files as every measured page, with no template, database or script:
what a page costs when the app does nothing. bench/pages.py writes its HTML into BENCH_BASELINE_DIR.
"""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from vigil.accounts.access import public
from vigil.urls import handler400, handler403, handler404, handler500
from vigil.urls import urlpatterns as app_urlpatterns


@public
def baseline(request, language):
    page = Path(os.environ["BENCH_BASELINE_DIR"]) / f"{language}.html"
    if not language.isalpha() or not page.exists():
        raise Http404
    return HttpResponse(page.read_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/baseline/<str:language>/", baseline), *app_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

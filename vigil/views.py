"""Project-wide public pages: the landing page, the health check, the site's icon and the error pages."""

from functools import cache
from pathlib import Path

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from vigil.accounts.access import public
from vigil.lib import jsonapi


@public
def home(request):
    return render(request, "home.html")


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@cache
def _favicon_bytes() -> bytes:
    return (Path(__file__).resolve().parent / "static" / "vigil" / "favicon.ico").read_bytes()


@public
def favicon(request):
    """Browsers ask for /favicon.ico on any page that names no icon (the Django admin's, for one)."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


def _error_page(request, status: int):
    """The error page in the visitor's language; under /api/, the API's JSON error instead of a page."""
    if jsonapi.is_api_path(request.path):
        return jsonapi.error_for_status(status)
    return render(request, "error.html", {"status": status}, status=status)


def bad_request(request, exception=None):
    return _error_page(request, 400)


def permission_denied(request, exception=None):
    return _error_page(request, 403)


def page_not_found(request, exception=None):
    return _error_page(request, 404)


def server_error(request):
    return _error_page(request, 500)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (often a page left open past its session, or cookies blocked):
    the site's own page in the visitor's language instead of Django's English one. The reason is not
    shown or logged here; Django's security logger records the refusal in one line."""
    if jsonapi.is_api_path(request.path):
        return jsonapi.error_for_status(403)
    return render(request, "error.html", {"status": 403, "csrf": True}, status=403)

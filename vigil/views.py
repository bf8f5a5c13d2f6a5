"""Project-wide public pages: the landing page, the health check and the site's icon."""

from functools import cache
from pathlib import Path

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from vigil.accounts.access import public


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


def bad_request(request, exception=None):
    return render(request, "error.html", {"status": 400}, status=400)


def permission_denied(request, exception=None):
    return render(request, "error.html", {"status": 403}, status=403)


def page_not_found(request, exception=None):
    return render(request, "error.html", {"status": 404}, status=404)


def server_error(request):
    return render(request, "error.html", {"status": 500}, status=500)

"""Project-wide public pages: the landing page and the health check."""

from django.db import connection
from django.http import JsonResponse
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


def bad_request(request, exception=None):
    return render(request, "error.html", {"status": 400}, status=400)


def permission_denied(request, exception=None):
    return render(request, "error.html", {"status": 403}, status=403)


def page_not_found(request, exception=None):
    return render(request, "error.html", {"status": 404}, status=404)


def server_error(request):
    return render(request, "error.html", {"status": 500}, status=500)

"""WSGI entry point.

Requests under /api/ go to a second Django handler with a shorter middleware chain: the partner API
takes bearer tokens, not sessions, cookies, CSRF tokens or HTML, and at surge rates the pages' middleware
is most of the cost of a report. Both handlers share everything else (settings, URLs, views, database).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
pages = get_wsgi_application()


def _api_handler():
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    class ApiHandler(WSGIHandler):
        def load_middleware(self, is_async=False):
            full = settings.MIDDLEWARE
            settings.MIDDLEWARE = settings.API_MIDDLEWARE
            try:
                super().load_middleware(is_async)
            finally:
                settings.MIDDLEWARE = full

    return ApiHandler()


api = _api_handler()


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/api/"):
        return api(environ, start_response)
    return pages(environ, start_response)


def _warm_up():
    """Load the jurisdiction's areas, gazetteer and language model before the first report arrives."""
    from vigil.geo import areas, places
    from vigil.lib import langid

    areas.all_area_codes()
    places.resolve_place_text("Roosevelt Ave and 74 St")
    langid.detect_language("ICE agents at the corner")


_warm_up()

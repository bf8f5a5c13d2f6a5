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
    """Load the URL configuration (every app's views), the jurisdiction's areas and gazetteer, the language
    model and the grouping context before the first report arrives: seconds of work that would otherwise
    fall on the first reports, inside a surge.

    Under `gunicorn --preload` this runs once in the master and the workers inherit it; the database
    connection the grouping context used is closed so that no worker inherits an open one.
    """
    from django.db import DatabaseError, connections
    from django.urls import get_resolver

    from vigil.geo import areas, places
    from vigil.incidents import actions as incident_actions
    from vigil.lib import langid

    get_resolver().url_patterns  # noqa: B018
    areas.all_area_codes()
    places.resolve_place_text("Roosevelt Ave and 74 St")
    langid.detect_language("ICE agents at the corner")
    try:
        incident_actions.warm_grouping_context()
    except DatabaseError:
        pass  # not migrated yet: the first report builds it
    finally:
        connections.close_all()


_warm_up()

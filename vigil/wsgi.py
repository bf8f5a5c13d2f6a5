import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
application = get_wsgi_application()


def _warm_up():
    """Load the jurisdiction's areas, gazetteer and language model before the first report arrives."""
    from vigil.geo import areas, places
    from vigil.lib import langid

    areas.all_area_codes()
    places.resolve_place_text("Roosevelt Ave and 74 St")
    langid.detect_language("ICE agents at the corner")


_warm_up()

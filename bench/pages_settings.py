"""The app's settings as `make bench-pages` runs it: the app's own, with bench/pages_urls.py as the URLconf
(the app's addresses plus the baseline page's)."""

from vigil import settings as app_settings

globals().update({name: value for name, value in vars(app_settings).items() if name.isupper()})
ROOT_URLCONF = "bench.pages_urls"

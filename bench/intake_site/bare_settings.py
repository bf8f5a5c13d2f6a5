"""The baseline's settings: the same apps and SQLite settings as Vigil, no middleware, one URL."""

from vigil.settings import *  # noqa: F403

# allauth refuses to start without its middleware; it only sets a context variable per request.
MIDDLEWARE = ["allauth.account.middleware.AccountMiddleware"]
ROOT_URLCONF = "bench.intake_site.bare_urls"

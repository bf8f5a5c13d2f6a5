"""Vigil settings: everything that differs between machines comes from the environment.

See .env.example for every variable. With no variables at all, Vigil runs embedded: SQLite in WAL
mode, in-process cache, background work claimed from the database's job table.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from vigil.lib.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
JURISDICTION = env_str("VIGIL_JURISDICTION", "nyc")
JURISDICTION_DIR = BASE_DIR / "jurisdictions" / JURISDICTION

DEBUG = env_bool("DEBUG", False)
# A development secret is acceptable only with DEBUG on; check vigil.E001 refuses it otherwise.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("VIGIL_SITE_NAME", "Vigil")
DEMO = env_bool("VIGIL_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
    "vigil.apps.VigilConfig",
    "vigil.accounts",
    "vigil.work",
    "vigil.privacy",
    "vigil.geo",
    "vigil.messaging",
    "vigil.incidents",
    "vigil.rules",
    "vigil.intake",
    "vigil.alerts",
    "vigil.cases",
    "vigil.rights",
]

MIDDLEWARE = [
    # First, so that nothing after it (allauth, logging, error reports) ever sees the raw address.
    "vigil.middleware.ClientAddressMiddleware",
    "vigil.middleware.PrivateCacheMiddleware",
    "vigil.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vigil.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "vigil.middleware.CsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vigil.accounts.middleware.AccessPolicyMiddleware",
    "vigil.middleware.DebugNotFoundMiddleware",  # DEBUG only: the project's 404 page, not Django's debug page
]

# The partner API's shorter chain (see vigil/wsgi.py): no sessions, cookies, CSRF or templates there.
API_MIDDLEWARE = [
    "vigil.middleware.ClientAddressMiddleware",
    "vigil.middleware.PrivateCacheMiddleware",
    "vigil.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "vigil.accounts.middleware.AccessPolicyMiddleware",
]

# security.W003 looks for Django's CSRF middleware by its exact name and so misses ours, a subclass
# (vigil.middleware.CsrfMiddleware); vigil.E011 checks in its place that a CSRF middleware is there.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vigil" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "vigil.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if not DATABASE_URL:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'vigil.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with writers queued on a file lock (vigil/lib/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "vigil.lib.sqlite"
    # Connections stay open between requests: opening one runs the PRAGMAs, and closing the last one
    # checkpoints the WAL, together the largest fixed cost of a request.
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers wait on busy_timeout instead of
        # failing with "database is locked" when a read transaction upgrades to a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": env_float("SQLITE_BUSY_TIMEOUT", 20.0),
        # WAL lets readers run beside the writer; synchronous=FULL makes an acknowledged write survive
        # power loss, which is what "an acknowledged report is never lost" needs.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            # A deleted or rewritten row's bytes are zeroed in its page, not left in free space for anyone
            # who reads the file: the purge must leave no ciphertext behind (docs/privacy.md).
            " PRAGMA secure_delete=ON;"
        ),
    }
    # Tests use a file in WAL mode too: concurrency, raw-file and kill tests need what production has.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("SQLITE_TEST_NAME", "") or str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# Without Redis: a directory on a tmpfs where every process of the machine shares the cache.
CACHE_DIR = env_str("CACHE_DIR", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis the cache stays in memory so the daily address salt never reaches disk: in a tmpfs
    # directory (CACHE_DIR, e.g. /dev/shm/vigil) shared by every process of the machine, or else in the
    # process itself, which is right for one web process only (vigil.E012 and vigil.W014 say so).
    # Large enough that a surge cannot evict lockout counters, rate limits or used-challenge markers.
    if CACHE_DIR:
        CACHES = {
            "default": {
                "BACKEND": "vigil.lib.memcache.MemoryDirectoryCache",
                "LOCATION": CACHE_DIR,
                "OPTIONS": {"MAX_ENTRIES": 200_000},
            }
        }
    else:
        CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "vigil",
                "OPTIONS": {"MAX_ENTRIES": 200_000},
            }
        }

# Durable background work (vigil.work): workers claim rows of the job table themselves (no task queue
# beside it, docs/decisions.md); leases, retries, backoff.
WORK_LEASE_SECONDS = env_int("WORK_LEASE_SECONDS", 300)
WORK_MAX_ATTEMPTS = env_int("WORK_MAX_ATTEMPTS", 8)
WORK_BACKOFF_BASE_SECONDS = env_float("WORK_BACKOFF_BASE_SECONDS", 5.0)
WORK_BACKOFF_MAX_SECONDS = env_float("WORK_BACKOFF_MAX_SECONDS", 3600.0)
WORK_POLL_SECONDS = env_float("WORK_POLL_SECONDS", 1.0)

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "staff_home"
ACCOUNT_ADAPTER = "vigil.accounts.adapter.AccountAdapter"
MFA_ADAPTER = "vigil.accounts.adapter.MFAAdapter"
# The first second factor needs the admin's one-time set-up code as well as the password.
MFA_FORMS = {
    "activate_totp": "vigil.accounts.forms.ActivateTOTPWithSetupCodeForm",
    "add_webauthn": "vigil.accounts.forms.AddWebAuthnWithSetupCodeForm",
}
# Staff sign in by username: no e-mail address of a staff member is needed or kept.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Per-account lockout: allauth's per-key limit counts failures for the typed username whether or not
# the account exists, so the answer never reveals which accounts exist.
LOGIN_ATTEMPTS_LIMIT = env_int("LOGIN_ATTEMPTS_LIMIT", 5)
LOGIN_ATTEMPTS_TIMEOUT = env_int("LOGIN_ATTEMPTS_TIMEOUT", 900)
ACCOUNT_RATE_LIMITS = {"login_failed": f"20/m/ip,{LOGIN_ATTEMPTS_LIMIT}/{LOGIN_ATTEMPTS_TIMEOUT}s/key"}
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = SITE_NAME
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused form gets the site's page in the visitor's language, not Django's English one.
CSRF_FAILURE_VIEW = "vigil.views.csrf_failure"

# --- Encryption keys --------------------------------------------------------------------------
# "version:base64key" pairs; the highest version encrypts, every listed version decrypts.
FIELD_ENCRYPTION_KEYS = env_str("FIELD_ENCRYPTION_KEYS", "")
BLIND_INDEX_KEYS = env_str("BLIND_INDEX_KEYS", "")
# Client addresses are trusted from this many proxies in front of Vigil (0: the socket's peer).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

# --- Verification -------------------------------------------------------------------------------
# Public incidents (from the public channels) may be verified by the verifiers of any organization of
# the network; with this off, the two verifiers of a public incident must belong to one organization.
VERIFY_PUBLIC_ACROSS_ORGANIZATIONS = env_bool("VERIFY_PUBLIC_ACROSS_ORGANIZATIONS", True)
# An offer to a responder expires unanswered after this many minutes; the dispatcher may offer again.
DISPATCH_OFFER_MINUTES = env_int("DISPATCH_OFFER_MINUTES", 5)

# --- Intake anti-abuse ------------------------------------------------------------------------
ALTCHA_ENABLED = env_bool("ALTCHA_ENABLED", True)
ALTCHA_MAX_NUMBER = env_int("ALTCHA_MAX_NUMBER", 50000)
# Reports per client-address hash per window (seconds) before the challenge is asked for.
REPORT_RATE_LIMIT = (env_int("REPORT_RATE_LIMIT", 10), env_int("REPORT_RATE_WINDOW", 600))

# --- Providers ----------------------------------------------------------------------------------
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
# The older names of PUBLIC_BASE_URL, still read when it is not set (vigil.lib.urls).
TWILIO_WEBHOOK_BASE_URL = env_str("TWILIO_WEBHOOK_BASE_URL", "")
ALERTS_PUBLIC_BASE_URL = env_str("ALERTS_PUBLIC_BASE_URL", "")

# The site's public address (https://vigil.example.org): every absolute link in a message and every
# webhook signature check (a provider signs the address it called, not the one Django sees behind a proxy).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")

# The demo (`make run`) answers on SMS and WhatsApp too: fixed, public values (a test number, a token
# that signs test messages: README), used only with DEBUG and VIGIL_DEMO and only where the environment
# sets nothing. Messages go to the console transport; no provider is ever called.
DEMO_SETTINGS = {
    "TWILIO_AUTH_TOKEN": "vigil-demo-twilio-auth-token",
    "ALERTS_SMS_NUMBER": "+12125550100",
    "ALERTS_WHATSAPP_NUMBER": "+12125550101",
    "PUBLIC_BASE_URL": f"http://127.0.0.1:{env_int('PORT', 8000)}",
}
if DEMO and DEBUG:
    for _name, _value in DEMO_SETTINGS.items():
        if not env_str(_name, ""):
            globals()[_name] = _value

# --- Retention (days) -------------------------------------------------------------------------
RETENTION = {
    "audit_event": env_int("RETENTION_AUDIT_DAYS", 730),
    "work_job": env_int("RETENTION_WORK_DAYS", 14),
    "report": env_int("RETENTION_REPORT_DAYS", 90),
    "report_contact": env_int("RETENTION_REPORT_CONTACT_DAYS", 30),
    "incident": env_int("RETENTION_INCIDENT_DAYS", 3650),
    "inactive_user": env_int("RETENTION_INACTIVE_USER_DAYS", 365),
    "provider_message": env_int("RETENTION_PROVIDER_MESSAGE_DAYS", 2),
    "alerts_inactive_subscriber": env_int("RETENTION_ALERTS_INACTIVE_SUBSCRIBER_DAYS", 2),
    # Deliveries of broadcasts (alerts): the older variable name is still read.
    "messaging_delivery": env_int("RETENTION_MESSAGING_DELIVERY_DAYS", env_int("RETENTION_ALERTS_DELIVERY_DAYS", 30)),
    "messaging_message": env_int("RETENTION_MESSAGING_MESSAGE_DAYS", 30),
    # A closed case, with its notes, tasks, events and referrals, from its closing: the provider that took
    # it keeps its own legal file; Vigil's rapid-response record goes.
    "case_closed": env_int("RETENTION_CASE_CLOSED_DAYS", 365),
}

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_HOPS else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Languages --------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ru", "Русский"),
    ("bn", "বাংলা"),
    ("ht", "Kreyòl ayisyen"),
    ("ko", "한국어"),
    ("ar", "العربية"),
    ("ur", "اردو"),
    ("fr", "Français"),
    ("pl", "Polski"),
]
LANGUAGES_BIDI = ["ar", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "vigil_lang"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_TZ = True
# The coalition's hotline, shown to reporters on the report, receipt and status pages (in the demo a
# 555-01xx number, which is reserved for fiction).
HOTLINE_NUMBER = env_str("VIGIL_HOTLINE_NUMBER", "+1 212-555-0100" if DEMO else "")
# A know-your-rights text whose review is older than this is listed for a new review (docs/rights.md).
RIGHTS_REVIEW_MAX_AGE_DAYS = env_int("VIGIL_RIGHTS_REVIEW_MAX_AGE_DAYS", 180)
# Until someone confirms where a detained person is held, a new "locate" task comes this many hours after a
# check that did not confirm it (docs/cases.md, "Locating the person").
LOCATE_EVERY_HOURS = env_int("VIGIL_LOCATE_EVERY_HOURS", 6)
# The organization (its slug) that receives the public family intake (/family/); empty: the page says
# to call the hotline and stores nothing (docs/cases.md, "Families").
FAMILY_INTAKE_ORGANIZATION = env_str("VIGIL_FAMILY_INTAKE_ORGANIZATION", "")
# Per borough, the organization that receives a family's form ("BK=org-slug,QN=other-slug", the family's
# borough code); a borough not listed, or a form without one, goes to FAMILY_INTAKE_ORGANIZATION.
FAMILY_INTAKE_BY_BOROUGH = env_list("VIGIL_FAMILY_INTAKE_BY_BOROUGH")
# The largest document a caseworker or a provider's staff may add to a case (docs/cases.md, "Documents").
CASE_DOCUMENT_MAX_BYTES = env_int("VIGIL_CASE_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "vigil" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
# The largest body accepted at all (a phone video plus the form); anything larger is refused unread.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 110 * 1024 * 1024)
# What an anonymous sender (the public report form) may upload in one request: three phone photos or a
# short clip. Held in memory while it is stripped and sealed, so it bounds what a stranger can make a
# worker hold.
PUBLIC_MAX_REQUEST_BYTES = env_int("PUBLIC_MAX_REQUEST_BYTES", 40 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = ["vigil.uploads.LimitedUploadHandler"]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "vigil@localhost")

# Logs: no request bodies, no addresses. The formatter never prints the request object.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "filters": {"forbidden_in_one_line": {"()": "vigil.lib.logs.ForbiddenInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # A refusal (403) is one line with the view's name, never a traceback, a path or the request.
        "django.request": {"filters": ["forbidden_in_one_line"]},
        "django.security.csrf": {"filters": ["forbidden_in_one_line"]},
    },
}
LOG_FILE = env_str("LOG_FILE", "")
if LOG_FILE:
    LOGGING["handlers"]["file"] = {"class": "logging.FileHandler", "filename": LOG_FILE, "formatter": "plain"}
    LOGGING["root"]["handlers"] = ["console", "file"]

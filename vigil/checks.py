"""System checks with stable ids for configurations that would put people at risk."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register(Tags.security, deploy=False)
def check_debug_hosts(app_configs, **kwargs):
    problems = []
    if settings.DEBUG and any(host not in LOCAL_HOSTS for host in settings.ALLOWED_HOSTS):
        problems.append(
            Error(
                "DEBUG is on while ALLOWED_HOSTS names a non-local host.",
                hint="DEBUG pages show settings and request data; turn DEBUG off for any public host.",
                id="vigil.E002",
            )
        )
    return problems


@register(Tags.security)
def check_keys(app_configs, **kwargs):
    from vigil.lib import crypto

    problems = []
    if not settings.DEBUG:
        if not _secret_key() or _secret_key() == settings.DEV_SECRET_KEY:
            problems.append(Error("SECRET_KEY is missing or is the development key.", id="vigil.E001"))
        if not settings.FIELD_ENCRYPTION_KEYS:
            problems.append(
                Error(
                    "FIELD_ENCRYPTION_KEYS is missing: personal data could not be encrypted.",
                    hint="Generate one with: manage.py generate_keys",
                    id="vigil.E003",
                )
            )
        if not settings.BLIND_INDEX_KEYS:
            problems.append(Error("BLIND_INDEX_KEYS is missing.", id="vigil.E004"))
    if settings.FIELD_ENCRYPTION_KEYS and settings.FIELD_ENCRYPTION_KEYS == settings.BLIND_INDEX_KEYS:
        problems.append(Error("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEYS must differ.", id="vigil.E006"))
    for name, value in (
        ("FIELD_ENCRYPTION_KEYS", settings.FIELD_ENCRYPTION_KEYS),
        ("BLIND_INDEX_KEYS", settings.BLIND_INDEX_KEYS),
    ):
        if value:
            try:
                crypto.parse_keyring(value)
            except crypto.KeyError_ as exc:
                problems.append(Error(f"{name} cannot be read: {exc}", id="vigil.E005"))
    return problems


def _secret_key() -> str:
    """SECRET_KEY, or "" when it is empty: Django raises on reading an empty one, which would stop the
    checks on a traceback instead of reporting vigil.E001."""
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:
        return ""


@register(Tags.security, deploy=True)
def check_csrf_middleware(app_configs, **kwargs):
    """Django's own check (security.W003, silenced in settings) looks for its class by name and misses our
    subclass (vigil.middleware.CsrfMiddleware): this one accepts any subclass and refuses none at all."""
    from django.middleware.csrf import CsrfViewMiddleware
    from django.utils.module_loading import import_string

    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue  # Django reports a middleware it cannot import as soon as it loads them
        if isinstance(middleware, type) and issubclass(middleware, CsrfViewMiddleware):
            return []
    return [
        Error(
            "No CSRF middleware in MIDDLEWARE: public and staff forms could be posted from other sites.",
            hint="Keep vigil.middleware.CsrfMiddleware in MIDDLEWARE.",
            id="vigil.E011",
        )
    ]


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs, **kwargs):
    """Links in messages and webhook signature checks need the site's public https address."""
    from vigil.lib.urls import NAMES, public_base_url

    base = public_base_url()
    if not base:
        return [
            Error(
                "PUBLIC_BASE_URL is not set: links in messages and webhook signature checks need it.",
                hint="Set PUBLIC_BASE_URL to the site's public address, e.g. https://vigil.example.org",
                id="vigil.E007",
            )
        ]
    if not base.startswith("https://"):
        return [Error("PUBLIC_BASE_URL must be an https:// address.", id="vigil.E007")]
    older = {(getattr(settings, name, "") or "").rstrip("/") for name in NAMES[1:]} - {""}
    if not settings.PUBLIC_BASE_URL and len(older) > 1:
        return [
            Error(
                "TWILIO_WEBHOOK_BASE_URL and ALERTS_PUBLIC_BASE_URL differ; Vigil now uses one address.",
                hint="Set PUBLIC_BASE_URL to the site's public address.",
                id="vigil.E007",
            )
        ]
    return []


@register(Tags.database)
def check_sqlite_wal(app_configs, databases=None, **kwargs):
    """SQLite without WAL and synchronous=FULL can lose an acknowledged report on power loss.

    Run for the databases `check --database` names; check_sqlite_on_deploy runs it for `check --deploy`.
    """
    problems = []
    for alias in databases or ():
        problems.extend(_sqlite_problems(alias))
    return problems


@register(Tags.security, deploy=True)
def check_sqlite_on_deploy(app_configs, databases=None, **kwargs):
    """`check --deploy` alone never runs database checks (Django runs them only with --database): a
    deployment on SQLite is checked here, on every SQLite database, without being told which."""
    if databases:
        return []  # named with --database: check_sqlite_wal reports them, once
    problems = []
    for alias in connections:
        if connections[alias].vendor == "sqlite":
            problems.extend(_sqlite_problems(alias))
    return problems


def _sqlite_problems(alias: str) -> list:
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return []
    mode, synchronous = _journal_and_synchronous(connection)
    if mode.lower() == "memory":
        return []  # a throw-away test database; nothing acknowledged lives there
    problems = []
    if mode.lower() != "wal":
        problems.append(Error(f"SQLite database '{alias}' is not in WAL mode ({mode}).", id="vigil.E010"))
    if synchronous != 2:
        problems.append(Warning(f"SQLite database '{alias}' is not synchronous=FULL.", id="vigil.W011"))
    return problems


def _journal_and_synchronous(connection) -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
    return mode, synchronous


@register(Tags.security, deploy=True)
def check_redis_keeps_nothing(app_configs, **kwargs):
    """The cache holds the day's address salt and rate-limit counters: a Redis that writes snapshots or an
    append-only file would put them on disk, where they outlive the day they are meant to last."""
    if not settings.REDIS_URL:
        return []
    try:
        config = _redis_persistence(settings.REDIS_URL)
    except Exception:  # noqa: BLE001  (managed Redis often refuses CONFIG; say so rather than fail)
        return [
            Warning(
                "Could not read Redis's persistence settings (CONFIG GET refused or unreachable).",
                hint='Make sure the Redis behind REDIS_URL has save "" and appendonly no.',
                id="vigil.W013",
            )
        ]
    if config.get("save") or config.get("appendonly") == "yes":
        return [
            Warning(
                "Redis writes its data to disk: the daily address salt would be stored there.",
                hint='Run the Redis behind REDIS_URL with save "" and appendonly no.',
                id="vigil.W012",
            )
        ]
    return []


def _redis_persistence(url: str) -> dict[str, str]:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return {**client.config_get("save"), **client.config_get("appendonly")}
    finally:
        client.close()


MEMORY_FILESYSTEMS = {"tmpfs", "ramfs"}


@register(Tags.security, deploy=True)
def check_cache_in_memory(app_configs, **kwargs):
    """CACHE_DIR holds the day's address salt and sender key: it must be a tmpfs, never a disk."""
    if settings.REDIS_URL or not settings.CACHE_DIR:
        return []
    kind = mount_type(settings.CACHE_DIR)
    if kind in MEMORY_FILESYSTEMS:
        return []
    return [
        Error(
            f"CACHE_DIR is not on a memory filesystem ({kind or 'unknown'}): the daily address salt would "
            "be written to disk.",
            hint="Use a directory under /dev/shm (a tmpfs), or REDIS_URL.",
            id="vigil.E012",
        )
    ]


def mount_type(path) -> str:
    """The filesystem type of the mount holding `path` (which need not exist yet), from /proc/mounts; ""
    where that cannot be read (not Linux), which the check treats as not in memory."""
    import os

    target = os.path.realpath(path)
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            mounts = [line.split()[1:3] for line in fh if len(line.split()) >= 3]
    except OSError:
        return ""
    best, kind = "", ""
    for point, fstype in mounts:
        point = point.replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        # The longest matching mount point wins; a later mount on the same point hides an earlier one.
        if inside and len(point) >= len(best):
            best, kind = point, fstype
    return kind


@register(Tags.security, deploy=True)
def check_cache_shared_by_web_processes(app_configs, **kwargs):
    """Several web processes with the in-process cache multiply every rate limit and let a solved challenge
    replay on another worker. The number of workers is gunicorn's: WEB_CONCURRENCY, or -w/--workers in
    GUNICORN_CMD_ARGS."""
    if settings.REDIS_URL or settings.CACHE_DIR:
        return []
    if web_processes() <= 1:
        return []
    return [
        Warning(
            "Several web processes are configured without a shared cache: each would keep its own rate "
            "limits, lockouts and used challenges.",
            hint="Set CACHE_DIR to a directory under /dev/shm, or REDIS_URL.",
            id="vigil.W014",
        )
    ]


def web_processes() -> int:
    import re

    from vigil.lib.env import env_int, env_str

    count = env_int("WEB_CONCURRENCY", 1)
    found = re.findall(r"(?:^|\s)(?:-w\s*|--workers(?:=|\s+))(\d+)", env_str("GUNICORN_CMD_ARGS", ""))
    if found:
        count = int(found[-1])  # the command-line arguments override WEB_CONCURRENCY in gunicorn
    return count

import pytest
from django.core.checks import run_checks
from django.test import override_settings


def ids(**kwargs):
    return {message.id for message in run_checks(**kwargs)}


@override_settings(DEBUG=True, ALLOWED_HOSTS=["vigil.example.org"])
def test_it_refuses_debug_on_a_public_host():
    assert "vigil.E002" in ids()


@override_settings(DEBUG=False, SECRET_KEY="dev-only-insecure-key-never-use-in-production-0123456789")
def test_it_refuses_the_development_secret_in_production():
    assert "vigil.E001" in ids()


@override_settings(DEBUG=False, FIELD_ENCRYPTION_KEYS="", BLIND_INDEX_KEYS="")
def test_it_refuses_missing_encryption_keys_in_production():
    assert {"vigil.E003", "vigil.E004"} <= ids()


@override_settings(FIELD_ENCRYPTION_KEYS="1:tooshort")
def test_it_refuses_unreadable_keys():
    assert "vigil.E005" in ids()


def test_it_passes_a_correct_configuration():
    assert not {i for i in ids() if i and i.startswith("vigil.")}


def test_it_refuses_sqlite_without_wal(db, tmp_path):
    import sqlite3

    from django.db import connections

    from vigil.checks import check_sqlite_wal

    path = tmp_path / "plain.sqlite3"
    sqlite3.connect(path).execute("PRAGMA journal_mode=DELETE").close()
    settings = {
        **connections["default"].settings_dict,
        "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA synchronous=NORMAL;"},
    }
    from django.db.backends.sqlite3.base import DatabaseWrapper

    connections["plain"] = DatabaseWrapper(settings, alias="plain")
    try:
        problems = {p.id for p in check_sqlite_wal(None, databases=["plain"])}
    finally:
        connections["plain"].close()
        del connections["plain"]
    assert {"vigil.E010", "vigil.W011"} <= problems


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"save": "", "appendonly": "no"}, set()),
        ({"save": "3600 1 300 100", "appendonly": "no"}, {"vigil.W012"}),
        ({"save": "", "appendonly": "yes"}, {"vigil.W012"}),
        (None, {"vigil.W013"}),
    ],
)
def test_it_warns_when_redis_would_write_the_daily_salt_to_disk(settings, monkeypatch, config, expected):
    from vigil import checks

    def persistence(url):
        if config is None:
            raise ConnectionError("CONFIG refused")
        return config

    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    monkeypatch.setattr(checks, "_redis_persistence", persistence)
    assert {p.id for p in checks.check_redis_keeps_nothing(None)} == expected
    settings.REDIS_URL = ""
    assert checks.check_redis_keeps_nothing(None) == []


@pytest.mark.parametrize(
    ("public", "twilio", "alerts", "expected"),
    [
        ("", "", "", {"vigil.E007"}),
        ("http://vigil.example.org", "", "", {"vigil.E007"}),
        ("https://vigil.example.org", "", "", set()),
        ("", "https://vigil.example.org/", "", set()),
        ("", "", "https://vigil.example.org", set()),
        ("", "https://hooks.example.org", "https://vigil.example.org", {"vigil.E007"}),
        ("https://vigil.example.org", "https://hooks.example.org", "https://old.example.org", set()),
    ],
)
def test_it_requires_one_public_https_address_for_deployment(db, settings, public, twilio, alerts, expected):
    settings.PUBLIC_BASE_URL = public
    settings.TWILIO_WEBHOOK_BASE_URL = twilio
    settings.ALERTS_PUBLIC_BASE_URL = alerts
    found = {m.id for m in run_checks(include_deployment_checks=True) if m.id == "vigil.E007"}
    assert found == expected
    assert "vigil.E007" not in ids()  # a deployment check only: development runs without it


def deploy_problems() -> set[str]:
    """What `manage.py check --deploy` reports: every check of the deployment, less the silenced ones."""
    return {m.id for m in run_checks(include_deployment_checks=True) if not m.is_silenced()}


@pytest.fixture
def sqlite_not_synchronous_full(transactional_db):
    """The test database's connection set to synchronous=NORMAL (a per-connection setting) for one test."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite check")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=NORMAL")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=FULL")


def test_it_checks_the_sqlite_database_on_deploy_without_being_told_which(sqlite_not_synchronous_full):
    assert "vigil.W011" in deploy_problems()


def test_it_reports_a_sqlite_database_once_when_told_which(sqlite_not_synchronous_full):
    found = [m.id for m in run_checks(include_deployment_checks=True, databases=["default"])]
    assert found.count("vigil.W011") == 1


@pytest.mark.django_db
def test_it_does_not_warn_of_missing_csrf_protection_when_ours_is_in_place():
    assert "security.W003" not in deploy_problems()


@pytest.mark.django_db
def test_it_refuses_a_configuration_without_any_csrf_middleware(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Csrf" not in m]
    assert "vigil.E011" in deploy_problems()


@override_settings(DEBUG=False, SECRET_KEY="")
def test_it_reports_an_empty_secret_key_as_e001_instead_of_failing():
    assert "vigil.E001" in ids()


def test_it_refuses_a_cache_directory_that_is_not_in_memory(settings, tmp_path):
    from vigil import checks

    settings.REDIS_URL = ""
    settings.CACHE_DIR = str(tmp_path / "cache")
    assert checks.mount_type(tmp_path) != "tmpfs", "tmp_path must be on a disk for this test"
    assert "vigil.E012" in {p.id for p in checks.check_cache_in_memory(None)}
    settings.CACHE_DIR = "/dev/shm/vigil-test-cache"
    assert checks.check_cache_in_memory(None) == []


@pytest.mark.parametrize(
    ("environ", "redis", "cache_dir", "expected"),
    [
        ({}, "", "", set()),
        ({"WEB_CONCURRENCY": "4"}, "", "", {"vigil.W014"}),
        ({"GUNICORN_CMD_ARGS": "--preload --workers=3"}, "", "", {"vigil.W014"}),
        ({"GUNICORN_CMD_ARGS": "-w 2 -b 127.0.0.1:8000"}, "", "", {"vigil.W014"}),
        ({"WEB_CONCURRENCY": "4"}, "redis://127.0.0.1:6379/15", "", set()),
        ({"WEB_CONCURRENCY": "4"}, "", "/dev/shm/vigil", set()),
        ({"WEB_CONCURRENCY": "1"}, "", "", set()),
    ],
)
def test_it_warns_when_several_web_processes_would_not_share_the_cache(
    settings, monkeypatch, environ, redis, cache_dir, expected
):
    from vigil import checks

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    settings.REDIS_URL = redis
    settings.CACHE_DIR = cache_dir
    assert {p.id for p in checks.check_cache_shared_by_web_processes(None)} == expected

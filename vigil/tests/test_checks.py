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
def test_it_requires_one_public_https_address_for_deployment(settings, public, twilio, alerts, expected):
    settings.PUBLIC_BASE_URL = public
    settings.TWILIO_WEBHOOK_BASE_URL = twilio
    settings.ALERTS_PUBLIC_BASE_URL = alerts
    found = {m.id for m in run_checks(include_deployment_checks=True) if m.id == "vigil.E007"}
    assert found == expected
    assert "vigil.E007" not in ids()  # a deployment check only: development runs without it

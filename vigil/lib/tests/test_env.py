import pytest

from vigil.lib import env


def test_it_reads_secrets_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("VIGIL_T_SECRET_FILE", str(secret))
    assert env.env_str("VIGIL_T_SECRET") == "s3cret"


def test_it_refuses_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("VIGIL_T_FLAG", "maybe")
    with pytest.raises(env.SettingError):
        env.env_bool("VIGIL_T_FLAG")


def test_it_parses_lists_and_numbers(monkeypatch):
    monkeypatch.setenv("VIGIL_T_LIST", "a, b,,c")
    monkeypatch.setenv("VIGIL_T_INT", "12")
    assert env.env_list("VIGIL_T_LIST") == ["a", "b", "c"]
    assert env.env_int("VIGIL_T_INT", 1) == 12
    assert env.env_int("VIGIL_T_MISSING", 5) == 5

"""The directory file: loaded, reloaded without overwriting what was edited in Vigil, checked."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.cases import actions
from vigil.cases.directory import DirectoryError, load, parse
from vigil.cases.models import Provider

ENTRY = """
version = 1

[[court]]
code = "test-court"
name = "Test Court (fictional)"
fictional = true

[[provider]]
slug = "test-legal"
name = "{name}"
fictional = true
source = "fictional"
boroughs = ["QN"]
languages = ["es"]
courts = ["test-court"]
open_slots = 4

[[provider.service]]
kind = "bond"
"""


def _write(tmp_path, name="Test Legal") -> Path:
    path = tmp_path / "directory.toml"
    path.write_text(ENTRY.format(name=name), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_it_loads_the_citys_directory_with_its_public_programs_and_fictional_providers():
    result = load(settings.JURISDICTION_DIR / "directory.toml")
    assert "nyifup" in result.created and "demo-legal" in result.created
    nyifup = Provider.objects.get(slug="nyifup")
    assert not nyifup.is_fictional and nyifup.source and nyifup.intake_contact == "" and nyifup.open_slots == 0
    assert all(p.name.startswith("Demo") for p in Provider.objects.filter(is_fictional=True))
    assert not Provider.objects.get(slug="actionnyc").automatic_proposals
    again = load(settings.JURISDICTION_DIR / "directory.toml")
    assert again.created == [] and again.updated == [] and len(again.unchanged) == len(result.created)


@pytest.mark.django_db
def test_a_reload_updates_an_entry_nobody_edited(tmp_path):
    load(_write(tmp_path))
    result = load(_write(tmp_path, name="Test Legal Renamed"))
    assert result.updated == ["test-legal"]
    provider = Provider.objects.get(slug="test-legal")
    assert provider.name == "Test Legal Renamed"
    assert list(provider.services.values_list("kind", flat=True)) == ["bond"]
    assert list(provider.courts.values_list("code", flat=True)) == ["test-court"]


@pytest.mark.django_db
def test_a_reload_leaves_an_edited_entry_alone_and_lists_it_as_a_conflict(tmp_path, caseworker):
    load(_write(tmp_path))
    provider = Provider.objects.get(slug="test-legal")
    actions.edit_provider(provider, actor=caseworker, intake_contact="Intake desk, ask for the on-call lawyer")
    result = load(_write(tmp_path, name="Test Legal Renamed"))
    assert result.conflicts == ["test-legal"]
    provider.refresh_from_db()
    assert provider.name == "Test Legal" and provider.intake_contact.startswith("Intake desk")


@pytest.mark.django_db
def test_a_reload_keeps_the_live_capacity_the_providers_staff_set(tmp_path):
    from conftest import make_staff
    from vigil.accounts.models import Role

    load(_write(tmp_path))
    provider = Provider.objects.get(slug="test-legal")
    staff = make_staff("test-legal-staff", Role.PROVIDER_STAFF, provider.organization)
    actions.set_provider_live_data(provider, open_slots=9, actor=staff)
    load(_write(tmp_path, name="Test Legal Renamed"))
    provider.refresh_from_db()
    assert provider.open_slots == 9 and provider.name == "Test Legal Renamed"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "bond"', 'kind = "bail"'), "provider #1 (test-legal): service #1: field 'kind'"),
        (('boroughs = ["QN"]', 'boroughs = ["XX"]'), "provider #1 (test-legal): field 'boroughs': unknown code 'XX'"),
        (('courts = ["test-court"]', 'courts = ["nowhere"]'), "field 'courts': unknown code 'nowhere'"),
        (("open_slots = 4", "open_slots = -1"), "field 'open_slots'"),
        (('source = "fictional"', 'sauce = "fictional"'), "unknown field 'sauce'"),
        (("version = 1", "version = 2"), "field 'version'"),
    ],
)
def test_it_names_the_entry_and_field_of_a_mistake(db, change, message):
    with pytest.raises(DirectoryError) as error:
        parse(ENTRY.format(name="Test Legal").replace(*change))
    assert message in str(error.value)


@pytest.mark.django_db
def test_the_command_loads_and_reports_conflicts(tmp_path, caseworker, capsys):
    call_command("load_directory", str(_write(tmp_path)))
    actions.edit_provider(Provider.objects.get(slug="test-legal"), actor=caseworker, name="Edited here")
    call_command("load_directory", str(_write(tmp_path, name="Changed in the file")))
    out = capsys.readouterr().out
    assert "1 conflicts" in out and "conflict: test-legal" in out
    with pytest.raises(CommandError):
        call_command("load_directory", str(tmp_path / "missing.toml"))

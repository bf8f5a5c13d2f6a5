"""The facilities directory file: the shipped fictional entries, links taken from another directory file,
a reload that leaves what was edited in Vigil alone, and bad entries named."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from vigil.cases.directory import DirectoryError
from vigil.cases.locating import Facility
from vigil.cases.locating_directory import default_path, links, load, parse
from vigil.cases.models import Court

ENTRY = """
version = 1

[[court]]
code = "test-court"
name = "Test Court (fictional)"
time_zone = "America/Denver"
fictional = true

[[facility]]
code = "test-facility"
name = "{name}"
kind = "jail"
time_zone = "America/Denver"
court = "test-court"
fictional = true
"""


def test_the_shipped_file_has_only_fictional_places_and_the_locator_from_the_rights_links():
    courts, facilities, file_links = parse(default_path().read_text(encoding="utf-8"))
    assert facilities and all(entry["fictional"] and "(fictional)" in entry["name"] for entry in facilities)
    assert all(court["fictional"] for court in courts)
    (locator,) = file_links
    assert locator.address == "https://locator.ice.gov/odls/"
    assert locator.source.startswith("us/rights/links.toml#locator")
    assert links()["detainee_locator"].address == locator.address


@pytest.mark.django_db
def test_loading_sets_the_courts_time_zones_and_keeps_what_the_providers_directory_named(tmp_path):
    call_command("load_directory")  # providers, then the jurisdiction's facilities
    court = Court.objects.get(code="demo-detained-docket")
    assert court.time_zone == "America/New_York"
    assert court.providers.exists()
    assert Facility.objects.get(code="demo-southern-detention").court.time_zone == "America/Chicago"


@pytest.mark.django_db
def test_a_reload_leaves_a_facility_edited_in_vigil_and_lists_it_as_a_conflict(tmp_path):
    path = tmp_path / "facilities.toml"
    path.write_text(ENTRY.format(name="First (fictional)"), encoding="utf-8")
    assert load(path).created == ["test-facility"]
    Facility.objects.update(name="Edited here", edited_at=timezone.now())
    path.write_text(ENTRY.format(name="Second (fictional)"), encoding="utf-8")
    assert load(path).conflicts == ["test-facility"]
    assert Facility.objects.get().name == "Edited here"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('time_zone = "America/Denver"\ncourt', 'time_zone = "Mars/Base"\ncourt'), "unknown time zone 'Mars/Base'"),
        (('court = "test-court"', 'court = "nowhere"'), "facility #1 (test-facility): field 'court'"),
        (("fictional = true\n", "fictional = false\n"), "field 'source' is required"),
        (('kind = "jail"', 'kind = "castle"'), "field 'kind'"),
    ],
)
def test_a_bad_entry_is_named_and_nothing_is_loaded(change, message):
    text = ENTRY.format(name="X (fictional)")
    old, new = change
    # The last occurrence: the facility's line, after the court's.
    head, found, tail = text.rpartition(old)
    text = head + new + tail
    with pytest.raises(DirectoryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_a_link_must_name_a_link_that_exists():
    text = 'version = 1\n[[link]]\nid = "x"\ntitle = "X"\nref = "us/rights/links.toml#nothing"\n'
    with pytest.raises(DirectoryError, match="has no link 'nothing'"):
        parse(text)

"""`[[directory:SERVICE]]`: who to call comes from the providers' directory, never from an article's text."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from vigil.cases import actions as cases_actions
from vigil.cases.models import Provider
from vigil.cases.tests.conftest import make_provider
from vigil.rights import content, directory


@pytest.fixture
def loaded(db, settings):
    settings.DEMO = True
    call_command("load_rights", verbosity=0)


@pytest.mark.django_db
def test_the_if_detained_page_lists_the_directorys_numbers_and_follows_a_change(client, loaded, owner):
    provider = make_provider("harbor-legal", intake_contact="(212) 555-0199")
    Provider.objects.filter(pk=provider.pk).update(is_fictional=False)  # a real entry of the directory
    page = client.get("/rights/if-detained/?lang=es").content.decode()
    assert "Harbor-Legal" in page and 'href="tel:+12125550199"' in page
    cases_actions.edit_provider(provider, actor=owner, intake_contact="(718) 555-0123")
    page = client.get("/rights/if-detained/?lang=es").content.decode()
    assert 'href="tel:+17185550123"' in page and "555-0199" not in page


@pytest.mark.django_db
def test_a_service_with_no_number_on_file_points_to_the_hotline(client, loaded):
    make_provider("quiet-legal", services=("family_preparedness",), intake_contact="")
    assert directory.render("family_preparedness") == "No number is on file yet: call the hotline."
    page = client.get("/rights/if-detained/?lang=es").content.decode()
    assert "Quiet-Legal" not in page


@pytest.mark.django_db
def test_fictional_providers_are_listed_in_demo_mode_only(settings):
    make_provider("made-up-legal", intake_contact="intake@example.org")  # fictional
    settings.DEMO = False
    assert directory.contacts("detained_removal_defense") == []
    settings.DEMO = True
    assert directory.contacts("detained_removal_defense") == [("Made-Up-Legal", "intake@example.org")]
    assert 'href="tel:' not in directory.render("detained_removal_defense")  # an address is text, not a number


def test_an_unknown_directory_service_in_a_file_is_refused():
    text = content.TextFile(
        kind="article",
        slug="sample",
        language="en",
        jurisdiction="us",
        title="T",
        body="Call [[directory:pizza]]",
        version=1,
    )
    with pytest.raises(content.ContentError, match="unknown directory service"):
        content.check(text)

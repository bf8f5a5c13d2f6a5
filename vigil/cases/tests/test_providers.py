"""Providers' live data, set by their own staff; the directory as caseworkers read it."""

import pytest
from django.urls import reverse

from vigil.cases import actions
from vigil.cases.tests.conftest import open_case, send


@pytest.mark.django_db
def test_a_providers_staff_set_its_open_slots_and_who_is_on_call(client, provider_a, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("provider_live")).status_code == 200
    response = client.post(reverse("provider_live"), {"open_slots": "7", "on_call": [str(staff_a.pk)]})
    assert response.status_code == 302
    provider_a.refresh_from_db()
    assert provider_a.open_slots == 7
    assert list(provider_a.on_call.all()) == [staff_a]


@pytest.mark.django_db
def test_it_refuses_a_bad_number_of_open_slots_with_a_message(client, provider_a, staff_a):
    client.force_login(staff_a)
    for value in ("-1", "many", "10001"):
        page = client.post(reverse("provider_live"), {"open_slots": value}, follow=True).content.decode()
        assert "Enter a number of open slots from 0 to 10000." in page
    provider_a.refresh_from_db()
    assert provider_a.open_slots == 3


@pytest.mark.django_db
def test_only_a_providers_own_staff_set_its_capacity(provider_a, staff_b, caseworker):
    for actor in (staff_b, caseworker):
        with pytest.raises(actions.CaseActionRefused):
            actions.set_provider_live_data(provider_a, open_slots=50, actor=actor)
    provider_a.refresh_from_db()
    assert provider_a.open_slots == 3


@pytest.mark.django_db
def test_the_directory_shows_capacity_left(client, caseworker, provider_a):
    send(open_case(caseworker), provider_a, caseworker)
    client.force_login(caseworker)
    page = client.get(reverse("provider_directory")).content.decode()
    assert provider_a.name in page
    assert "<td>2</td>" in page

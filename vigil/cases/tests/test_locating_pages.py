"""The case page's "Where the person is" section, its forms and the facilities page: the case organization's
caseworkers read and record, its admins read, the staff of the provider that accepted the case read and
record, a provider whose referral is only sent and outsiders do not."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from conftest import make_staff
from vigil.accounts.models import Role
from vigil.cases import actions
from vigil.cases import locating_actions as locating
from vigil.cases.tests.conftest import open_case, send
from vigil.cases.tests.locating import load_facilities


def _post_location(client, case, facility, confirmed=True):
    data = {"location-facility": facility.pk, "location-source": "detainee_locator"}
    if confirmed:
        data["location-confirmed"] = "on"
    return client.post(reverse("case_location", kwargs={"case_id": case.pk}), data)


@pytest.mark.django_db
def test_the_owner_and_a_colleague_record_and_read_an_outsider_gets_a_404(
    client, caseworker, case_colleague, case_outsider
):
    facilities = load_facilities()
    case = open_case(caseworker)
    for user, status in ((caseworker, 302), (case_colleague, 302), (case_outsider, 404)):
        client.force_login(user)
        assert _post_location(client, case, facilities["demo-county-jail"]).status_code == status, user.username
        client.logout()
    assert case.locations.count() == 2
    client.force_login(case_colleague)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="locating"' in page and "Demo County Jail (fictional)" in page
    client.force_login(case_outsider)
    assert client.get(reverse("case_detail", kwargs={"case_id": case.pk})).status_code == 404


@pytest.mark.django_db
def test_an_admin_reads_without_the_forms_and_cannot_record(client, caseworker, owner):
    facilities = load_facilities()
    case = open_case(caseworker)
    locating.record_location(
        case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    client.force_login(owner)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Demo County Jail (fictional)" in page
    assert reverse("case_location", kwargs={"case_id": case.pk}) not in page
    assert _post_location(client, case, facilities["demo-county-jail"]).status_code == 403


@pytest.mark.django_db
def test_a_provider_reads_and_records_only_once_it_accepted_the_case(client, caseworker, provider_a, staff_a, staff_b):
    facilities = load_facilities()
    case = open_case(caseworker)
    locating.record_location(
        case, actor=caseworker, source="detainee_locator", facility=facilities["demo-county-jail"], confirmed=True
    )
    referral = send(case, provider_a, caseworker)
    client.force_login(staff_a)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="locating"' not in page and "Demo County Jail" not in page
    assert _post_location(client, case, facilities["demo-harbor-processing"]).status_code == 404
    actions.accept_referral(referral, actor=staff_a)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Demo County Jail (fictional)" in page
    assert _post_location(client, case, facilities["demo-harbor-processing"]).status_code == 302
    assert case.locations.filter(organization=staff_a.organization).exists()
    client.force_login(staff_b)
    assert _post_location(client, case, facilities["demo-harbor-processing"]).status_code == 404


@pytest.mark.django_db
def test_a_hearing_is_shown_in_its_courts_zone_in_the_readers_language(client, caseworker):
    facilities = load_facilities()
    court = facilities["demo-southern-detention"].court
    case = open_case(caseworker)
    client.force_login(caseworker)
    day = (timezone.now() + timedelta(days=40)).date()
    response = client.post(
        reverse("case_hearing", kwargs={"case_id": case.pk}),
        {
            "hearing-kind": "bond",
            "hearing-day": day.isoformat(),
            "hearing-at": "09:30",
            "hearing-court": court.pk,
            "hearing-source": "notice",
        },
    )
    assert response.status_code == 302
    hearing = case.hearings.get()
    assert hearing.time_zone == "America/Chicago"
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "9:30" in page and "Central Time" in page
    with override("es"):
        client.cookies["vigil_lang"] = "es"
        page = client.get(reverse("case_detail", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="es").content
    assert "9:30 (hora central)" in page.decode()


@pytest.mark.django_db
def test_a_past_hearing_from_the_form_is_refused_with_a_message(client, caseworker):
    case = open_case(caseworker)
    client.force_login(caseworker)
    yesterday = (timezone.now() - timedelta(days=1)).date()
    response = client.post(
        reverse("case_hearing", kwargs={"case_id": case.pk}),
        {
            "hearing-kind": "master",
            "hearing-day": yesterday.isoformat(),
            "hearing-at": "10:00",
            "hearing-source": "family",
        },
        follow=True,
    )
    assert "already passed" in response.content.decode()
    assert not case.hearings.exists()


@pytest.mark.django_db
def test_the_facilities_page_lists_the_directory_and_links_to_the_locator(client, caseworker, org):
    load_facilities()
    client.force_login(caseworker)
    page = client.get(reverse("facility_directory")).content.decode()
    assert "Demo Southern Detention Center (fictional)" in page and "America/Chicago" in page
    assert "https://locator.ice.gov/odls/" in page
    responder = make_staff("responder", Role.RESPONDER, org)
    client.force_login(responder)
    assert client.get(reverse("facility_directory")).status_code == 403

"""Contacting the facility, ICE or the court on the person's behalf needs a relative's consent for it in
force: a check or a hearing learnt from the facility is refused (in the reader's language, nothing stored)
without it and after its withdrawal; the online detainee locator and the court's automated information need
none; the provider that accepted the case acts as the person's lawyers; the locate task says which."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_org, make_staff
from vigil.accounts.models import Role
from vigil.cases import actions, family_actions, sharing_actions
from vigil.cases import locating_actions as locating
from vigil.cases.family import Consent
from vigil.cases.models import Hearing, LocationRecord
from vigil.cases.tests.conftest import open_case, send
from vigil.cases.tests.locating import load_facilities

REFUSED_ES = "La familia no ha dado su consentimiento para contactar al centro, a ICE o a la corte"
WITHDRAWN_ES = "La familia retiró su consentimiento para contactar al centro, a ICE o a la corte"


def _consent(case, caseworker, scopes=("contact_authorities",)):
    contact = {"relationship": "sibling", "language": "es", "channel": "none"}
    relative, _secret = family_actions.add_relative(
        case, actor=caseworker, contact=contact, consents=list(scopes), method="phone"
    )
    return relative


def _post_check(client, case, facility, source="facility"):
    data = {"location-facility": facility.pk, "location-source": source, "location-confirmed": "on"}
    return client.post(
        reverse("case_location", kwargs={"case_id": case.pk}), data, follow=True, HTTP_ACCEPT_LANGUAGE="es"
    )


@pytest.mark.django_db
def test_a_check_from_the_facility_is_refused_in_spanish_without_consent_then_allowed_then_refused_again(
    client, caseworker
):
    facility = load_facilities()["demo-county-jail"]
    case = open_case(caseworker)
    client.force_login(caseworker)
    client.cookies["vigil_lang"] = "es"
    response = _post_check(client, case, facility)
    assert REFUSED_ES in response.content.decode()
    assert not LocationRecord.objects.filter(case=case).exists()
    assert case.tasks.filter(kind="locate", done_at__isnull=True).exists()  # nothing done, nothing stored

    relative = _consent(case, caseworker, scopes=("share_provider",))
    assert REFUSED_ES in _post_check(client, case, facility).content.decode()  # another scope is not this one
    relative = _consent(case, caseworker)
    _post_check(client, case, facility)
    assert LocationRecord.objects.filter(case=case, source="facility").count() == 1

    consent = Consent.objects.get(contact=relative, scope="contact_authorities")
    family_actions.withdraw_consent(consent, actor=caseworker, method="phone")
    assert WITHDRAWN_ES in _post_check(client, case, facility).content.decode()
    assert LocationRecord.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_the_online_locator_the_family_and_a_lawyer_need_no_consent(caseworker):
    facility = load_facilities()["demo-county-jail"]
    case = open_case(caseworker)
    for source in ("detainee_locator", "family", "lawyer"):
        locating.record_location(case, actor=caseworker, source=source, facility=facility, confirmed=True)
    assert LocationRecord.objects.filter(case=case).count() == 3


@pytest.mark.django_db
def test_the_action_refuses_with_a_code_saying_missing_or_withdrawn(caseworker):
    facility = load_facilities()["demo-county-jail"]
    case = open_case(caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.record_location(case, actor=caseworker, source="facility", facility=facility, confirmed=True)
    assert refused.value.code == "consent_missing"
    relative = _consent(case, caseworker)
    family_actions.withdraw_consent(relative.consents.get(), actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.record_location(case, actor=caseworker, source="facility", place="Hold room", confirmed=True)
    assert refused.value.code == "consent_withdrawn"
    # Another relative's consent in force is enough.
    _consent(case, caseworker)
    locating.record_location(case, actor=caseworker, source="facility", place="Hold room", confirmed=True)


@pytest.mark.django_db
def test_a_hearing_learnt_from_the_facility_needs_the_consent_the_courts_automated_information_does_not(caseworker):
    case = open_case(caseworker)
    day, at = (timezone.now() + timedelta(days=30)).date(), timezone.now().time().replace(microsecond=0)
    with pytest.raises(actions.CaseActionRefused) as refused:
        locating.add_hearing(case, actor=caseworker, kind="master", day=day, at=at, source="facility")
    assert refused.value.code == "consent_missing" and not Hearing.objects.exists()
    locating.add_hearing(case, actor=caseworker, kind="master", day=day, at=at, source="court_information")
    _consent(case, caseworker)
    locating.add_hearing(case, actor=caseworker, kind="bond", day=day, at=at, source="facility")
    assert Hearing.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_the_provider_that_accepted_the_case_acts_as_the_persons_lawyers(caseworker, provider_a, staff_a):
    facility = load_facilities()["demo-county-jail"]
    case = open_case(caseworker)
    actions.accept_referral(send(case, provider_a, caseworker), actor=staff_a)
    locating.record_location(case, actor=staff_a, source="facility", facility=facility, confirmed=True)
    assert LocationRecord.objects.filter(case=case, organization=provider_a.organization).count() == 1


@pytest.mark.django_db
def test_a_partner_organization_is_held_to_the_familys_consent_too(client, caseworker):
    facility = load_facilities()["demo-county-jail"]
    case = open_case(caseworker)
    partner = make_staff("partner-locator", Role.CASEWORKER, make_org("partner-locating"))
    sharing_actions.share_case(case, partner.organization, actor=caseworker)
    client.force_login(partner)
    client.cookies["vigil_lang"] = "es"
    assert REFUSED_ES in _post_check(client, case, facility).content.decode()
    assert _post_check(client, case, facility, source="detainee_locator").status_code == 200
    assert LocationRecord.objects.get(case=case).organization == partner.organization


@pytest.mark.django_db
def test_the_locate_task_says_to_use_the_locator_only_until_the_family_consents(client, caseworker):
    case = open_case(caseworker)
    client.force_login(caseworker)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="no-authorities-consent"' in page and "Do not call them." in page
    _consent(case, caseworker)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="no-authorities-consent"' not in page and "Do not call them." not in page
    assert "the family consented to calling the facility" in page

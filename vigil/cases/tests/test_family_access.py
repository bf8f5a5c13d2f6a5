"""The caseworkers' view of a family: the case's organization sees its relatives and consents and may
record a withdrawal; another organization gets a 404, as for an unknown id; a provider's staff are refused
the page whatever the case."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError
from django.urls import reverse

from vigil.cases import family_actions
from vigil.cases.family import Consent, FamilyContact
from vigil.cases.models import Case
from vigil.cases.tests.conftest import send


def family_case(org, **contact):
    contact = {"relationship": "partner", "language": "es", "channel": "sms", "address": "+12125550177", **contact}
    case, relative, _secret, _created = family_actions.submit_family_intake(
        organization=org,
        person={"person_name": "Rosa Ejemplo"},
        contact=contact,
        consents=["share_provider", "updates"],
        intake_key=uuid.uuid4(),
    )
    return case, relative


@pytest.mark.django_db
def test_the_family_page_is_the_case_organizations_only(client, org, caseworker, case_colleague, case_outsider):
    case, _relative = family_case(org)
    url = reverse("case_family", kwargs={"case_id": case.pk})
    for user, status in ((caseworker, 200), (case_colleague, 200), (case_outsider, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user.username
        if status == 200:
            assert "+12125550177" in response.content.decode()
        client.logout()


@pytest.mark.django_db
def test_a_provider_with_the_referral_does_not_see_the_family(client, org, caseworker, provider_a, staff_a):
    case, _relative = family_case(org)
    send(case, provider_a, caseworker)
    client.force_login(staff_a)
    assert client.get(reverse("case_detail", kwargs={"case_id": case.pk})).status_code == 200
    # The role is refused for any case (403), so the page tells a provider nothing about which cases exist.
    assert client.get(reverse("case_family", kwargs={"case_id": case.pk})).status_code == 403
    assert client.get(reverse("case_family", kwargs={"case_id": uuid.uuid4()})).status_code == 403
    consent = Consent.objects.get(scope="updates")
    assert client.post(reverse("consent_withdraw", kwargs={"consent_id": consent.pk})).status_code == 403
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.django_db
def test_a_colleague_records_a_withdrawal_an_outsider_cannot(client, org, case_colleague, case_outsider):
    _case, _relative = family_case(org)
    consent = Consent.objects.get(scope="share_provider")
    url = reverse("consent_withdraw", kwargs={"consent_id": consent.pk})
    client.force_login(case_outsider)
    assert client.post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    client.force_login(case_colleague)
    assert client.post(url, {"method": "in_person"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == case_colleague and consent.withdrawal_method == "in_person"


@pytest.mark.django_db
def test_nothing_is_stored_half_when_the_intake_fails_midway(org, monkeypatch):
    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Consent.objects, "create", broken)
    with pytest.raises(IntegrityError):
        family_case(org)
    assert not Case.objects.exists() and not FamilyContact.objects.exists()


@pytest.mark.django_db
def test_the_purge_of_a_closed_case_takes_its_relatives_and_consents(org, caseworker):
    from datetime import timedelta

    from django.utils import timezone

    from vigil.cases import actions
    from vigil.privacy import actions as privacy

    case, relative = family_case(org)
    kept, _other = family_case(org)
    actions.close_case(case, "lost_contact", actor=caseworker)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=4000))
    privacy.purge_expired()
    assert not FamilyContact.objects.filter(pk=relative.pk).exists()
    assert not Consent.objects.filter(case_id=case.pk).exists()
    assert FamilyContact.objects.filter(case=kept).count() == 1
    assert family_actions.resolve_contact(str(relative.pk)) is None


@pytest.mark.django_db
def test_a_caseworker_adds_a_relative_who_called_with_the_consents_said_on_the_call(
    client, org, caseworker, case_colleague, case_outsider
):
    case, _first = family_case(org)
    url = reverse("case_family", kwargs={"case_id": case.pk})
    data = {
        "relationship": "parent",
        "language": "ht",
        "channel": "phone",
        "address": "(212) 555-0190",
        "consents": ["contact_authorities", "updates"],
        "method": "phone",
    }
    client.force_login(case_outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(case_colleague)
    page = client.post(url, data)
    assert page.status_code == 200
    relative = case.family_contacts.get(relationship="parent")
    assert relative.source == "call" and relative.address == "+12125550190"
    consents = relative.consents.all()
    assert {c.scope for c in consents} == {"contact_authorities", "updates"}
    assert all(c.recorded_by == case_colleague and c.method == "phone" for c in consents)
    secret = page.content.decode().split('id="secret" dir="ltr">')[1].split("<")[0]
    assert family_actions.check_family_secret(case.code, secret) == relative
    refused = client.post(url, {**data, "address": "", "channel": "sms"})
    assert refused.status_code == 400 and case.family_contacts.count() == 2

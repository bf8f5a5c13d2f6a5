"""Who sees which case: the owner's organization, the provider a referral was sent to (until it is
declined or expires), nobody else; 404 for what a user may not see; every view of a case audited."""

import uuid

import pytest
from django.urls import reverse

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.cases import actions
from vigil.cases.models import Referral
from vigil.cases.tests.conftest import open_case, send


def _detail(case):
    return reverse("case_detail", kwargs={"case_id": case.pk})


@pytest.mark.django_db
def test_it_shows_a_case_to_its_caseworker_and_a_colleague_but_not_to_another_organization(
    client, caseworker, case_colleague, case_outsider
):
    case = open_case(caseworker)
    for user, status in ((caseworker, 200), (case_colleague, 200), (case_outsider, 404)):
        client.force_login(user)
        assert client.get(_detail(case)).status_code == status, user.username
        client.logout()


@pytest.mark.django_db
def test_it_lists_only_the_organizations_own_cases_in_the_queue(client, caseworker, case_outsider):
    mine = open_case(caseworker, person_name="Mine")
    theirs = open_case(case_outsider, person_name="Theirs")
    client.force_login(caseworker)
    page = client.get(reverse("case_queue")).content.decode()
    assert mine.code in page
    assert theirs.code not in page


@pytest.mark.django_db
def test_it_shows_a_referred_case_only_to_the_provider_it_was_sent_to(client, caseworker, provider_a, staff_a, staff_b):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    client.force_login(staff_a)
    assert client.get(_detail(case)).status_code == 200
    assert case.code in client.get(reverse("provider_referrals")).content.decode()
    client.logout()
    client.force_login(staff_b)
    assert client.get(_detail(case)).status_code == 404
    assert client.get(reverse("referral_packet", kwargs={"referral_id": referral.pk})).status_code == 404
    assert (
        client.post(reverse("referral_answer", kwargs={"referral_id": referral.pk}), {"answer": "accept"}).status_code
        == 404
    )
    assert case.code not in client.get(reverse("provider_referrals")).content.decode()
    referral.refresh_from_db()
    assert referral.state == "sent"


@pytest.mark.django_db
def test_it_gives_a_provider_nothing_for_a_guessed_id(client, caseworker, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("case_detail", kwargs={"case_id": uuid.uuid4()})).status_code == 404
    assert client.get(reverse("referral_packet", kwargs={"referral_id": uuid.uuid4()})).status_code == 404


@pytest.mark.django_db
def test_it_hides_a_proposed_referral_from_the_provider_until_it_is_sent(client, caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    actions.propose_referral(case, provider_a, "detained_removal_defense", actor=caseworker)
    client.force_login(staff_a)
    assert client.get(_detail(case)).status_code == 404


@pytest.mark.django_db
def test_it_ends_a_providers_access_when_it_declines(client, caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    client.force_login(staff_a)
    response = client.post(
        reverse("referral_answer", kwargs={"referral_id": referral.pk}), {"answer": "decline", "reason": "other"}
    )
    assert response.status_code == 302
    assert client.get(_detail(case)).status_code == 404
    assert client.get(reverse("referral_packet", kwargs={"referral_id": referral.pk})).status_code == 404


@pytest.mark.django_db
def test_it_ends_a_providers_access_when_the_referral_expires(client, caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    Referral.objects.filter(pk=referral.pk).update(response_due_at=referral.sent_at)
    assert actions.expire_referral(referral.pk)
    client.force_login(staff_a)
    assert client.get(_detail(case)).status_code == 404


@pytest.mark.django_db
def test_it_keeps_a_providers_notes_from_the_coalition_after_acceptance(client, caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    actions.accept_referral(referral, actor=staff_a)
    actions.add_note(case, "Provider's own note about the hearing", actor=staff_a)
    actions.add_note(case, "Caseworker's note for the provider", actor=caseworker)
    client.force_login(caseworker)
    coalition_page = client.get(_detail(case)).content.decode()
    assert "Provider&#x27;s own note" not in coalition_page
    assert "Caseworker&#x27;s note" in coalition_page
    assert "Accepted by a provider" in coalition_page
    client.logout()
    client.force_login(staff_a)
    provider_page = client.get(_detail(case)).content.decode()
    assert "Provider&#x27;s own note" in provider_page
    assert "Caseworker&#x27;s note" in provider_page


@pytest.mark.django_db
def test_it_shows_the_conflict_check_only_to_the_provider(client, caseworker, provider_a, staff_a):
    case = open_case(caseworker, person_aliases="Anita E.", related_parties="Acme Cleaning Co. owner")
    send(case, provider_a, caseworker)
    client.force_login(caseworker)
    assert "For your conflict check" not in client.get(_detail(case)).content.decode()
    client.logout()
    client.force_login(staff_a)
    page = client.get(_detail(case)).content.decode()
    assert "For your conflict check" in page
    assert "Acme Cleaning Co. owner" in page


@pytest.mark.django_db
def test_it_audits_every_view_of_a_case_and_every_packet(client, caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    client.force_login(caseworker)
    client.get(_detail(case))
    client.get(_detail(case))
    client.logout()
    client.force_login(staff_a)
    client.get(_detail(case))
    # The packet is the provider's once it accepts: before, the case page and its conflict check.
    assert client.get(reverse("referral_packet", kwargs={"referral_id": referral.pk})).status_code == 404
    actions.accept_referral(referral, actor=staff_a)
    packet = client.get(reverse("referral_packet", kwargs={"referral_id": referral.pk}))
    assert packet.status_code == 200
    assert packet.json()["person"]["name"] == "Ana Example"
    views = AuditEvent.objects.filter(action="case.viewed", object_id=audit.key_of(case))
    assert views.filter(actor=caseworker).count() == 2
    assert views.filter(actor=staff_a).count() == 1
    assert AuditEvent.objects.filter(action="referral.packet_downloaded", actor=staff_a).count() == 1


@pytest.mark.django_db
def test_it_keeps_a_caseworker_from_answering_for_a_provider(client, caseworker, provider_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    client.force_login(caseworker)
    response = client.post(reverse("referral_answer", kwargs={"referral_id": referral.pk}), {"answer": "accept"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.state == "sent"


@pytest.mark.django_db
def test_it_keeps_another_organizations_caseworker_from_changing_a_case(client, caseworker, case_outsider):
    case = open_case(caseworker)
    client.force_login(case_outsider)
    response = client.post(reverse("case_close", kwargs={"case_id": case.pk}), {"reason": "duplicate"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == "new"

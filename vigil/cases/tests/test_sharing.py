"""Sharing a case with another organization of the coalition: the partner sees it in its queue and on its
page and helps (tasks, notes, locating) through the pages listed for partners only; revoking (or closing the
case) ends that at once; only the case's own organization shares and revokes; every change is audited; the
database holds one active share per case and organization. And the family form routed by borough."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import make_org, make_staff
from vigil.accounts import audit
from vigil.accounts.models import AuditEvent, Organization, Role
from vigil.cases import actions, sharing_actions
from vigil.cases.access import PARTNER_VIEWS
from vigil.cases.models import Case, CaseNote, CaseShare
from vigil.cases.tests.conftest import open_case, send
from vigil.cases.tests.test_family_pages import family_form


@pytest.fixture
def partner_org(db):
    return make_org("partner-group", kind=Organization.Kind.COMMUNITY_GROUP)


@pytest.fixture
def partner(partner_org):
    return make_staff("partner-caseworker", Role.CASEWORKER, partner_org)


def _page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("case_detail", kwargs={"case_id": case.pk}))
    client.logout()
    return response


def _queue(client, user):
    client.force_login(user)
    html = client.get(reverse("case_queue")).content.decode()
    client.logout()
    return html


@pytest.mark.django_db
def test_a_shared_case_shows_in_the_partners_queue_and_page_and_nowhere_else(
    client, caseworker, partner, case_outsider, provider_a, staff_a, staff_b
):
    case = open_case(caseworker)
    other = open_case(caseworker, person_name="Not Shared")
    send(case, provider_a, caseworker)
    assert _page(client, partner, case).status_code == 404
    sharing_actions.share_case(case, partner.organization, actor=caseworker)
    assert case.code in _queue(client, partner) and other.code not in _queue(client, partner)
    page = _page(client, partner, case)
    assert page.status_code == 200 and "Ana Example" in page.content.decode()
    assert _page(client, partner, other).status_code == 404
    # A third organization still gets a 404; the providers' staff are as before.
    assert _page(client, case_outsider, case).status_code == 404
    assert case.code not in _queue(client, case_outsider)
    assert _page(client, staff_a, case).status_code == 200
    assert _page(client, staff_b, case).status_code == 404


@pytest.mark.django_db
def test_revoking_hides_the_case_from_the_partner_at_once(client, caseworker, partner):
    case = open_case(caseworker)
    share = sharing_actions.share_case(case, partner.organization, actor=caseworker)
    task = case.tasks.get()
    assert _page(client, partner, case).status_code == 200
    client.force_login(caseworker)
    assert client.post(reverse("share_revoke", kwargs={"share_id": share.pk})).status_code == 302
    client.logout()
    share.refresh_from_db()
    assert share.revoked_at is not None and share.revoked_by == caseworker
    assert _page(client, partner, case).status_code == 404
    assert case.code not in _queue(client, partner)
    client.force_login(partner)
    assert client.post(reverse("case_task_done", kwargs={"task_id": task.pk})).status_code == 404
    assert client.post(reverse("case_note", kwargs={"case_id": case.pk}), {"body": "late"}).status_code == 404
    assert not CaseNote.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_partner_adds_tasks_and_notes_and_reads_its_own_notes_only(client, caseworker, partner):
    case = open_case(caseworker)
    actions.add_note(case, "Sister says he was taken at 6 a.m.", actor=caseworker)
    sharing_actions.share_case(case, partner.organization, actor=caseworker)
    client.force_login(partner)
    url = reverse("case_note", kwargs={"case_id": case.pk})
    assert client.post(url, {"body": "Called the locator twice, not listed yet"}).status_code == 302
    due = (timezone.localtime() + timezone.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("case_task", kwargs={"case_id": case.pk}), {"kind": "locate", "due_at": due})
    assert response.status_code == 302
    assert case.tasks.filter(organization=partner.organization).count() == 1
    partner_page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Called the locator twice" in partner_page and "Sister says" not in partner_page
    client.force_login(caseworker)
    owner_page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "Called the locator twice" in owner_page and "Sister says" in owner_page


@pytest.mark.django_db
def test_the_partner_cannot_share_further_close_refer_or_see_the_family(client, caseworker, partner, provider_a):
    case = open_case(caseworker)
    share = sharing_actions.share_case(case, partner.organization, actor=caseworker)
    third = make_org("third-group")
    client.force_login(partner)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    for name in ("case_close", "case_refer", "case_share", "case_family", "case_state", "case_event"):
        assert reverse(name, kwargs={"case_id": case.pk}) not in page, name
    assert "Shared with your organization" not in page and "shared this case with your organization" in page
    posts = {
        "case_share": {"organization": third.pk},
        "case_close": {"reason": "duplicate"},
        "case_refer": {"provider": provider_a.pk, "service": "detained_removal_defense"},
        "case_state": {"to_state": "screening"},
        "case_family": {},
    }
    for name, data in posts.items():
        assert client.post(reverse(name, kwargs={"case_id": case.pk}), data).status_code == 404, name
    assert client.post(reverse("share_revoke", kwargs={"share_id": share.pk})).status_code == 404
    with pytest.raises(actions.CaseActionRefused) as refused:
        sharing_actions.share_case(case, third, actor=partner)
    assert refused.value.code == "not_yours"
    with pytest.raises(actions.CaseActionRefused):
        sharing_actions.revoke_share(share, actor=partner)
    case.refresh_from_db()
    assert case.state == "new" and not case.referrals.exists()
    assert list(CaseShare.objects.filter(revoked_at__isnull=True)) == [share]


@pytest.mark.django_db
def test_a_partner_reaches_a_shared_case_only_through_the_pages_listed_for_partners(client, caseworker, partner):
    """Every case URL, walked: a page not listed for partners (a new one too) is a 404 for them."""
    from vigil.accounts.tests.test_access import fill, our_patterns

    case = open_case(caseworker)
    sharing_actions.share_case(case, partner.organization, actor=caseworker)
    values = {"case_id": case.pk, "task_id": case.tasks.get().pk}
    client.force_login(partner)
    walked = set()
    for route, pattern in our_patterns():
        names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        if not names or not names <= set(values) or "cases" not in route:
            continue
        if Role.CASEWORKER not in getattr(pattern.callback, "vigil_roles", ()):
            continue
        url = fill(route, values)
        statuses = {client.get(url).status_code, client.post(url).status_code}
        if pattern.name in PARTNER_VIEWS:
            assert 404 not in statuses, route
        else:
            assert statuses <= {404, 405}, route
        walked.add(pattern.name)
    assert PARTNER_VIEWS <= walked and {"case_close", "case_family", "case_share"} <= walked


@pytest.mark.django_db
def test_sharing_and_revoking_are_audited_under_the_cases_keyed_hash(caseworker, partner):
    case = open_case(caseworker)
    share = sharing_actions.share_case(case, partner.organization, actor=caseworker)
    sharing_actions.revoke_share(share, actor=caseworker)
    events = AuditEvent.objects.filter(object_id=audit.key_of(case), action__startswith="case.share")
    assert list(events.order_by("at").values_list("action", flat=True)) == ["case.shared", "case.share_revoked"]
    for event in events:
        assert event.actor == caseworker and event.organization_id == caseworker.organization_id
        assert str(case.pk) not in str(event.detail) and partner.organization.name not in str(event.detail)


@pytest.mark.django_db
def test_the_database_holds_one_active_share_per_case_and_organization(caseworker, partner):
    case = open_case(caseworker)
    share = sharing_actions.share_case(case, partner.organization, actor=caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseShare.objects.create(case=case, organization=partner.organization)
    with pytest.raises(actions.CaseActionRefused) as refused:
        sharing_actions.share_case(case, partner.organization, actor=caseworker)
    assert refused.value.code == "already_shared"
    sharing_actions.revoke_share(share, actor=caseworker)
    again = sharing_actions.share_case(case, partner.organization, actor=caseworker)
    assert CaseShare.objects.filter(case=case).count() == 2 and again.is_active


@pytest.mark.django_db
def test_it_shares_only_with_another_coalition_organization(caseworker, owner, provider_a, partner):
    case = open_case(caseworker)
    for organization in (caseworker.organization, provider_a.organization, None):
        with pytest.raises(actions.CaseActionRefused) as refused:
            sharing_actions.share_case(case, organization, actor=caseworker)
        assert refused.value.code == "share_organization"
    # The case organization's admins share too.
    assert sharing_actions.share_case(case, partner.organization, actor=owner).shared_by == owner


@pytest.mark.django_db
def test_closing_the_case_revokes_its_shares(client, caseworker, partner):
    case = open_case(caseworker)
    share = sharing_actions.share_case(case, partner.organization, actor=caseworker)
    actions.close_case(case, "duplicate", actor=caseworker)
    share.refresh_from_db()
    assert share.revoked_at is not None and share.revoked_by is None
    assert _page(client, partner, case).status_code == 404
    with pytest.raises(actions.CaseActionRefused) as refused:
        sharing_actions.share_case(Case.objects.get(pk=case.pk), partner.organization, actor=caseworker)
    assert refused.value.code == "closed"


@pytest.mark.django_db
def test_the_owner_shares_from_the_case_page(client, caseworker, partner, provider_a):
    case = open_case(caseworker)
    client.force_login(caseworker)
    page = client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    assert f'value="{partner.organization.pk}"' in page and f'value="{provider_a.organization.pk}"' not in page
    response = client.post(
        reverse("case_share", kwargs={"case_id": case.pk}), {"organization": partner.organization.pk}, follow=True
    )
    assert "The case is shared with Partner-Group." in response.content.decode()
    assert CaseShare.objects.get(case=case).organization == partner.organization


# --- The family form, routed by borough ------------------------------------------------------------


@pytest.mark.django_db
def test_the_family_form_goes_to_the_organization_named_for_the_familys_borough(client, org, partner_org, settings):
    settings.FAMILY_INTAKE_ORGANIZATION = org.slug
    settings.FAMILY_INTAKE_BY_BOROUGH = [f"bk={partner_org.slug}", "QN=no-such-organization"]
    for borough, organization in (("BK", partner_org), ("QN", org), ("MN", org), ("", org)):
        response, _data = family_form(client, borough=borough, a_number="")
        assert response.status_code == 200, borough
        assert Case.objects.order_by("-created_at").first().organization == organization, borough


@pytest.mark.django_db
def test_with_only_boroughs_named_a_family_from_another_borough_is_sent_to_the_hotline(client, partner_org, settings):
    settings.FAMILY_INTAKE_ORGANIZATION = ""
    settings.FAMILY_INTAKE_BY_BOROUGH = [f"BK={partner_org.slug}"]
    response, _data = family_form(client, borough="QN")
    assert response.status_code == 503 and not Case.objects.exists()
    response, _data = family_form(client, borough="BK")
    assert response.status_code == 200 and Case.objects.get().organization == partner_org


@pytest.mark.django_db
def test_a_malformed_borough_route_stops_with_the_settings_name(org, settings):
    from vigil.cases.family_actions import intake_organization

    settings.FAMILY_INTAKE_BY_BOROUGH = ["BK"]
    with pytest.raises(ImproperlyConfigured, match="VIGIL_FAMILY_INTAKE_BY_BOROUGH"):
        intake_organization("BK")

"""The matcher's proposals from the database: the bridge's mapping, the ranked providers on the case page, the
proposed assignment of all waiting cases (pin, drop, approve as one), and the next-best provider after an
expiry or a decline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_staff
from vigil.accounts.models import AuditEvent, Role
from vigil.cases import actions, proposal_actions, proposals
from vigil.cases.models import Referral, Service
from vigil.cases.tests.conftest import make_provider, open_case, send

SURGE = "/staff/cases/proposals/"
APPROVE = "/staff/cases/proposals/approve/"


def _problem(caseworker):
    return proposals.surge_problem(caseworker.organization_id)


def _pair(case, provider) -> str:
    return f"{case.pk}:{provider.pk}"


def _approve_form(response) -> dict:
    """What the page's approval form would post: read from the context it rendered."""
    context = response.context
    return {
        "fingerprint": context["fingerprint"],
        "pin": context["pinned"],
        "drop": context["dropped"],
        "pair": [row["pair"] for row in context["assigned"]],
        "response_hours": "24",
    }


# --- The bridge --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_maps_income_bands_to_the_matchers_integers(caseworker):
    low = open_case(caseworker, income_band="low")
    not_low = open_case(caseworker, person_name="B", income_band="not_low")
    unknown = open_case(caseworker, person_name="C")
    cases = {c.id: c for c in _problem(caseworker).cases}
    assert cases[str(low.pk)].income_band == 1
    assert cases[str(not_low.pk)].income_band == 2
    assert cases[str(unknown.pk)].income_band is None


@pytest.mark.django_db
def test_a_low_income_service_takes_low_income_cases_and_asks_about_unknown_ones(caseworker):
    provider = make_provider("low-income-legal", services=())
    Service.objects.create(provider=provider, kind="children_sijs", income_band="low")
    low = open_case(caseworker, income_band="low", services_needed=["children_sijs"])
    unknown = open_case(caseworker, person_name="B", services_needed=["children_sijs"])
    built = next(p for p in _problem(caseworker).providers if p.id == str(provider.pk))
    assert built.max_income_band == 1
    _problem_, ranked, _excluded = proposals.rank_for_case(low)
    assert [r.provider_id for r in ranked] == [str(provider.pk)]
    _problem_, ranked, excluded = proposals.rank_for_case(unknown)
    assert ranked == [] and [why.code for _pid, why in excluded] == ["funding"]


@pytest.mark.django_db
def test_it_leaves_out_providers_whose_intake_is_assigned_elsewhere(caseworker, provider_a):
    rotation = make_provider("rotation-panel", automatic_proposals=False)
    case = open_case(caseworker)
    _problem_, ranked, excluded = proposals.rank_for_case(case)
    assert [r.provider_id for r in ranked] == [str(provider_a.pk)]
    assert (str(rotation.pk), "not_automatic") in [(pid, why.code) for pid, why in excluded]
    problem = _problem(caseworker)
    assert proposal_actions.solve(problem, (), ()).pairs[str(case.pk)] == str(provider_a.pk)


@pytest.mark.django_db
def test_it_counts_capacity_left_and_conflict_declines(caseworker, provider_a, provider_b, staff_a):
    provider_a.open_slots = 1
    provider_a.save()
    declined = open_case(caseworker, person_name="Declined")
    referral = send(declined, provider_a, caseworker)
    actions.decline_referral(referral, "conflict", actor=staff_a)
    problem = _problem(caseworker)
    built = {p.id: p for p in problem.providers}
    assert built[str(provider_a.pk)].capacity == 1  # the decline gave the slot back
    case = next(c for c in problem.cases if c.id == str(declined.pk))
    assert case.conflict_declined_by == {str(provider_a.pk)}
    other = open_case(caseworker, person_name="Other")
    send(other, provider_a, caseworker)
    assert {p.id: p for p in _problem(caseworker).providers}[str(provider_a.pk)].capacity == 0


@pytest.mark.django_db
def test_a_provider_listing_no_courts_serves_every_court(caseworker, provider_a):
    from vigil.cases.locating_actions import record_location
    from vigil.cases.models import Court, Facility

    court = Court.objects.create(code="demo-court", name="Demo court")
    facility = Facility.objects.create(code="demo-jail", name="Demo jail", time_zone="America/New_York", court=court)
    elsewhere = make_provider("other-court-legal")
    elsewhere.courts.add(Court.objects.create(code="other-court", name="Other court"))
    case = open_case(caseworker)
    record_location(case, actor=caseworker, source="detainee_locator", facility=facility, place="", confirmed=True)
    _problem_, ranked, excluded = proposals.rank_for_case(case)
    assert [r.provider_id for r in ranked] == [str(provider_a.pk)]
    assert [(pid, why.code) for pid, why in excluded] == [(str(elsewhere.pk), "court")]


# --- The case page ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_page_ranks_providers_with_reasons_and_proposes_one(client, caseworker, provider_a, provider_b):
    provider_b.languages = ["es"]
    provider_b.save()
    case = open_case(caseworker, language="es")
    client.force_login(caseworker)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    ranked = page[page.index('id="ranked-providers"') :]
    assert ranked.index(provider_b.name) < ranked.index(provider_a.name)
    assert "its staff speak" in ranked
    response = client.post(
        f"/staff/cases/{case.pk}/refer/", {"provider": str(provider_b.pk), "service": "detained_removal_defense"}
    )
    assert response.status_code == 302
    assert Referral.objects.get(case=case).provider == provider_b
    assert 'id="ranked-providers"' not in client.get(f"/staff/cases/{case.pk}/").content.decode()


# --- The surge page: who sees it ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_and_a_colleague_see_the_organizations_waiting_cases(client, caseworker, case_colleague, provider_a):
    case = open_case(caseworker)
    for user in (caseworker, case_colleague):
        client.force_login(user)
        response = client.get(SURGE)
        assert response.status_code == 200
        assert case.code in response.content.decode()


@pytest.mark.django_db
def test_an_outsider_caseworker_sees_none_of_the_first_organizations_cases(
    client, caseworker, case_outsider, provider_a
):
    case = open_case(caseworker)
    client.force_login(case_outsider)
    response = client.get(SURGE)
    assert response.status_code == 200
    assert case.code not in response.content.decode()
    assert response.context["assigned"] == [] and response.context["unassigned"] == []


@pytest.mark.django_db
def test_a_providers_staff_get_a_404(client, caseworker, provider_a, staff_a):
    open_case(caseworker)
    client.force_login(staff_a)
    assert client.get(SURGE).status_code == 404
    assert client.post(APPROVE, {"fingerprint": "x"}).status_code == 404


# --- Pin, drop, approve ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pinning_and_dropping_change_the_proposal(client, caseworker, provider_a, provider_b):
    provider_a.open_slots = 5
    provider_a.save()
    case = open_case(caseworker)
    client.force_login(caseworker)
    first = client.get(SURGE).context["assigned"]
    assert [row["provider"] for row in first] == [provider_a]  # the most capacity left
    dropped = client.post(SURGE, {"drop_pair": _pair(case, provider_a)})
    assert [row["provider"] for row in dropped.context["assigned"]] == [provider_b]
    assert dropped.context["dropped"] == [_pair(case, provider_a)]
    undone = client.post(SURGE, {"drop": _pair(case, provider_a), "undrop": _pair(case, provider_a)})
    assert [row["provider"] for row in undone.context["assigned"]] == [provider_a]
    pinned = client.post(SURGE, {"pin_case": str(case.pk), f"pin_to_{case.pk}": str(provider_b.pk)})
    assert [(row["provider"], row["pinned"]) for row in pinned.context["assigned"]] == [(provider_b, True)]


@pytest.mark.django_db
def test_approving_sends_every_proposed_referral_in_one_go(client, caseworker, provider_a, provider_b):
    cases = [open_case(caseworker, person_name=f"Person {i}", urgent_needs=["medical_need"]) for i in range(4)]
    client.force_login(caseworker)
    shown = client.get(SURGE)
    assert len(shown.context["assigned"]) == 4
    response = client.post(APPROVE, _approve_form(shown))
    assert response.status_code == 302
    referrals = Referral.objects.filter(case__in=cases)
    assert referrals.count() == 4 and set(referrals.values_list("state", flat=True)) == {"sent"}
    for case in cases:
        case.refresh_from_db()
        assert case.state == "referred"
    approval = AuditEvent.objects.get(action="referral.proposal_approved")
    assert approval.actor == caseworker and approval.detail["count"] == 4
    assert AuditEvent.objects.filter(action="referral.sent").count() == 4


@pytest.mark.django_db
def test_approving_sends_a_cases_own_proposed_referral_and_replaces_another(client, caseworker, provider_a, provider_b):
    provider_a.open_slots = 5
    provider_a.save()
    provider_b.open_slots = 1  # the even load then keeps both cases with the first provider
    provider_b.save()
    same = open_case(caseworker, person_name="Same")
    moved = open_case(caseworker, person_name="Moved")
    kept = actions.propose_referral(same, provider_a, "detained_removal_defense", actor=caseworker)
    replaced = actions.propose_referral(moved, provider_b, "detained_removal_defense", actor=caseworker)
    client.force_login(caseworker)
    shown = client.post(SURGE, {"pin_case": str(moved.pk), f"pin_to_{moved.pk}": str(provider_a.pk)})
    assert client.post(APPROVE, _approve_form(shown)).status_code == 302
    kept.refresh_from_db()
    replaced.refresh_from_db()
    assert kept.state == "sent" and replaced.state == "withdrawn"
    assert Referral.objects.get(case=moved, state="sent").provider == provider_a


@pytest.mark.django_db
def test_a_stale_approval_is_refused_whole(client, caseworker, case_colleague, org, provider_a):
    provider_a.open_slots = 2
    provider_a.save()
    cases = [open_case(caseworker, person_name=f"Person {i}") for i in range(2)]
    client.force_login(caseworker)
    shown = client.get(SURGE)
    assert len(shown.context["assigned"]) == 2
    # Meanwhile another caseworker sends a third case to the provider: one slot is gone.
    third = open_case(case_colleague, person_name="Third")
    send(third, provider_a, case_colleague)
    response = client.post(APPROVE, _approve_form(shown))
    assert response.status_code == 409
    assert "nothing was sent" in response.content.decode()
    assert Referral.objects.filter(case__in=cases).count() == 0
    assert not AuditEvent.objects.filter(action="referral.proposal_approved").exists()
    assert len(response.context["assigned"]) == 1  # the proposal made again, for the capacity left


@pytest.mark.django_db
def test_an_approval_after_a_case_stopped_waiting_is_refused_whole(caseworker, provider_a):
    first, second = open_case(caseworker), open_case(caseworker, person_name="B")
    problem = _problem(caseworker)
    fingerprint = problem.fingerprint()
    pairs = {c: p for c, p in proposal_actions.solve(problem, (), ()).pairs.items() if p}
    actions.close_case(second, "duplicate", actor=caseworker)
    with pytest.raises(proposal_actions.ProposalStale):
        proposal_actions.approve_assignment(
            caseworker.organization, actor=caseworker, fingerprint=fingerprint, pairs=pairs, response_hours=24
        )
    assert Referral.objects.filter(case=first).count() == 0


@pytest.mark.django_db
def test_an_admin_sees_the_proposal_without_approving(client, org, caseworker, provider_a):
    open_case(caseworker)
    admin = make_staff("cases-admin", Role.ADMIN, org)
    client.force_login(admin)
    response = client.get(SURGE)
    assert response.status_code == 200 and not response.context["may_approve"]
    assert client.post(APPROVE, {}).status_code == 403


# --- The next-best provider ------------------------------------------------------------------------------


def _expire(referral):
    Referral.objects.filter(pk=referral.pk).update(response_due_at=timezone.now() - timedelta(minutes=1))
    assert actions.expire_referral(referral.pk)


@pytest.mark.django_db
def test_after_an_expiry_the_next_best_provider_is_proposed(caseworker, provider_a, provider_b):
    case = open_case(caseworker)
    _expire(send(case, provider_a, caseworker))
    proposed = Referral.objects.get(case=case, state="proposed")
    assert proposed.provider == provider_b and proposed.proposed_by is None
    case.refresh_from_db()
    assert case.state == "screening"


@pytest.mark.django_db
def test_after_a_conflict_decline_that_provider_is_left_out(caseworker, provider_a, provider_b, staff_b):
    provider_b.open_slots = 10  # ranked first for its capacity
    provider_b.save()
    case = open_case(caseworker)
    actions.decline_referral(send(case, provider_b, caseworker), "conflict", actor=staff_b)
    assert Referral.objects.get(case=case, state="proposed").provider == provider_a
    assert str(provider_b.pk) in {p for p in _problem(caseworker).cases[0].conflict_declined_by}


@pytest.mark.django_db
def test_with_no_provider_left_the_case_just_waits(caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    actions.decline_referral(send(case, provider_a, caseworker), "no_capacity", actor=staff_a)
    assert not Referral.objects.filter(case=case, state__in=("proposed", "sent")).exists()
    case.refresh_from_db()
    assert case.state == "screening"


@pytest.mark.django_db
def test_a_withdrawal_proposes_nothing(caseworker, provider_a, provider_b):
    case = open_case(caseworker)
    actions.withdraw_referral(send(case, provider_a, caseworker), actor=caseworker)
    assert not Referral.objects.filter(case=case, state="proposed").exists()


@pytest.mark.django_db
def test_a_case_whose_family_withdrew_provider_sharing_is_left_out_with_why(
    client, org, caseworker, provider_a, settings
):
    from vigil.cases import family_actions
    from vigil.cases.tests.test_family_updates import family_intake

    case, relative = family_intake(org)
    family_actions.withdraw_consent(relative.consents.get(scope="share_provider"), actor=caseworker)
    client.force_login(caseworker)
    response = client.get(SURGE)
    assert [row["case"] for row in response.context["left_out"]] == [case]
    assert response.context["assigned"] == []
    assert "withdrew consent" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_send_at_once_cannot_overfill_a_provider(org, other_org):
    import threading

    from django.db import connection

    provider = make_provider("one-slot-surge", open_slots=1)
    # The sender works for another organization: its case is not in the approver's surge.
    approver, sender = make_staff("racer-0", Role.CASEWORKER, org), make_staff("racer-1", Role.CASEWORKER, other_org)
    waiting = open_case(approver, person_name="Waiting")
    problem = _problem(approver)
    fingerprint = problem.fingerprint()
    pairs = {c: p for c, p in proposal_actions.solve(problem, (), ()).pairs.items() if p}
    assert pairs == {str(waiting.pk): str(provider.pk)}
    other = open_case(sender, person_name="Other")
    proposed = actions.propose_referral(other, provider, "detained_removal_defense", actor=sender)
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def approve():
        proposal_actions.approve_assignment(
            org, actor=approver, fingerprint=fingerprint, pairs=pairs, response_hours=24
        )

    def send_other():
        actions.send_referral(proposed, actor=sender)

    def run(change):
        try:
            barrier.wait(timeout=10)
            change()
            outcomes.append("sent")
        except actions.CaseActionRefused as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(change,)) for change in (approve, send_other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert outcomes.count("sent") == 1 and set(outcomes) <= {"sent", "proposal_stale", "no_capacity"}
    assert Referral.objects.filter(provider=provider, state="sent").count() == 1

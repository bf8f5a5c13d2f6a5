"""Referrals: proposed → sent → accepted | declined | expired; one open per case; conflicts; capacity."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from vigil.accounts.models import AuditEvent
from vigil.cases import actions
from vigil.cases.models import Case, CaseEvent, Referral
from vigil.cases.tests.conftest import make_provider, open_case, send


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_referral_for_a_case(caseworker, provider_a, provider_b):
    case = open_case(caseworker)
    Referral.objects.create(case=case, provider=provider_a, service="detained_removal_defense")
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(case=case, provider=provider_b, service="detained_removal_defense")


@pytest.mark.django_db
def test_it_refuses_to_propose_a_second_open_referral_with_a_message(caseworker, provider_a, provider_b):
    case = open_case(caseworker)
    actions.propose_referral(case, provider_a, "detained_removal_defense", actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(case, provider_b, "detained_removal_defense", actor=caseworker)
    assert refused.value.code == "open_referral"
    assert Referral.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_closed_referral_leaves_room_for_the_next(caseworker, provider_a, provider_b, staff_a):
    case = open_case(caseworker)
    first = send(case, provider_a, caseworker)
    actions.decline_referral(first, "no_capacity", actor=staff_a)
    # The next-best provider is proposed on the decline (vigil/cases/proposal_actions.py); it can be sent.
    second = actions.send_referral(Referral.objects.get(case=case, state="proposed"), actor=caseworker)
    assert second.state == "sent" and second.provider == provider_b


@pytest.mark.django_db
def test_it_moves_the_case_with_its_referral(caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    case.refresh_from_db()
    assert case.state == "referred"
    assert referral.response_due_at - referral.sent_at == timedelta(hours=24)
    actions.accept_referral(referral, actor=staff_a)
    case.refresh_from_db()
    assert case.state == "accepted"
    actions.transition(case, "represented", actor=staff_a)
    case.refresh_from_db()
    assert case.state == "represented"
    assert AuditEvent.objects.filter(action="referral.accepted", actor=staff_a).exists()


@pytest.mark.django_db
def test_a_conflict_decline_excludes_the_provider_and_tells_nobody_why(caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    actions.decline_referral(referral, "conflict", actor=staff_a)
    case.refresh_from_db()
    assert case.state == "screening"
    event = case.events.get(kind=CaseEvent.Kind.REFERRAL_DECLINED)
    assert event.reason_code == ""
    referral.refresh_from_db()
    assert referral.conflict_check == {}
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(case, provider_a, "detained_removal_defense", actor=caseworker)
    assert refused.value.code == "conflict"


@pytest.mark.django_db
def test_another_decline_reason_is_on_the_timeline_and_does_not_exclude(caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    actions.decline_referral(referral, "no_capacity", actor=staff_a)
    assert case.events.get(kind=CaseEvent.Kind.REFERRAL_DECLINED).reason_code == "no_capacity"
    assert actions.propose_referral(case, provider_a, "detained_removal_defense", actor=caseworker).state == "proposed"


@pytest.mark.django_db
def test_it_refuses_a_provider_without_the_service(caseworker, provider_a):
    case = open_case(caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(case, provider_a, "habeas", actor=caseworker)
    assert refused.value.code == "no_service"
    assert "does not offer" in str(refused.value.message)
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_provider_without_capacity(caseworker):
    full = make_provider("full-legal", open_slots=0)
    case = open_case(caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(case, full, "detained_removal_defense", actor=caseworker)
    assert refused.value.code == "no_capacity"


@pytest.mark.django_db
def test_it_refuses_a_response_deadline_out_of_range(caseworker, provider_a):
    case = open_case(caseworker)
    referral = actions.propose_referral(case, provider_a, "detained_removal_defense", actor=caseworker)
    for hours in (0, -3, "soon", 24 * 15):
        with pytest.raises(actions.CaseActionRefused) as refused:
            actions.send_referral(referral, actor=caseworker, response_hours=hours)
        assert refused.value.code == "deadline"
    referral.refresh_from_db()
    assert referral.state == "proposed"


@pytest.mark.django_db
def test_it_applies_the_services_funding_rules(caseworker):
    habeas = make_provider("habeas-legal", services=())
    habeas.services.create(kind="habeas", residence=["BX"], detention_statuses=["detained"])
    children = make_provider("children-legal", services=())
    children.services.create(kind="children_sijs", income_band="low")
    queens = open_case(caseworker, borough="QN")
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(queens, habeas, "habeas", actor=caseworker)
    assert refused.value.code == "residence"
    released = open_case(caseworker, person_name="B", borough="BX", detention_status="released")
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(released, habeas, "habeas", actor=caseworker)
    assert refused.value.code == "detention_status"
    not_low = open_case(caseworker, person_name="C", income_band="not_low")
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.propose_referral(not_low, children, "children_sijs", actor=caseworker)
    assert refused.value.code == "income"
    bronx = open_case(caseworker, person_name="D", borough="BX")
    assert actions.propose_referral(bronx, habeas, "habeas", actor=caseworker).state == "proposed"


@pytest.mark.django_db
def test_capacity_left_counts_open_accepted_cases_and_unanswered_referrals(caseworker, staff_a, provider_a):
    assert actions.capacity_left(provider_a) == 3
    first = open_case(caseworker, person_name="First")
    second = open_case(caseworker, person_name="Second")
    accepted = send(first, provider_a, caseworker)
    actions.accept_referral(accepted, actor=staff_a)
    send(second, provider_a, caseworker)
    assert actions.capacity_left(provider_a) == 1
    actions.close_case(first, "released_bond", actor=caseworker)
    assert actions.capacity_left(provider_a) == 2


@pytest.mark.django_db
def test_it_refuses_to_send_past_capacity(caseworker, provider_a):
    cases = [open_case(caseworker, person_name=f"P{i}") for i in range(4)]
    proposed = [actions.propose_referral(c, provider_a, "detained_removal_defense", actor=caseworker) for c in cases]
    for referral in proposed[:3]:
        actions.send_referral(referral, actor=caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.send_referral(proposed[3], actor=caseworker)
    assert refused.value.code == "no_capacity"
    assert Referral.objects.filter(state="sent").count() == 3


@pytest.mark.django_db
def test_an_expired_referral_returns_the_case_to_the_queue(caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    assert not actions.expire_referral(referral.pk)  # not yet due
    Referral.objects.filter(pk=referral.pk).update(response_due_at=timezone.now() - timedelta(minutes=1))
    assert actions.expire_overdue_referrals() == 1
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.state == "expired"
    assert case.state == "screening"
    with pytest.raises(actions.CaseActionRefused):
        actions.accept_referral(referral, actor=staff_a)
    assert actions.expire_referral(referral.pk) is False


@pytest.mark.django_db
def test_it_queues_the_expiry_at_the_deadline(caseworker, provider_a):
    from vigil.work.models import Job

    referral = send(open_case(caseworker), provider_a, caseworker, hours=6)
    job = Job.objects.get(handler="vigil.cases.jobs.expire_referral")
    assert job.args == [str(referral.pk)]


@pytest.mark.django_db
def test_it_flags_cases_from_one_incident_sent_to_one_provider(caseworker, provider_a):
    from vigil.intake import actions as intake
    from vigil.intake.validation import build_input

    report = intake.submit_report(build_input({"text": "ICE at the warehouse", "area": "QN0301"}), channel="api")[0]
    first = open_case(caseworker, person_name="First", incident=report.incident)
    second = open_case(caseworker, person_name="Second", incident=report.incident)
    assert send(first, provider_a, caseworker).conflict_review is False
    assert send(second, provider_a, caseworker).conflict_review is True


@pytest.mark.django_db
def test_closing_a_case_withdraws_its_open_referral(caseworker, provider_a):
    case = open_case(caseworker)
    referral = send(case, provider_a, caseworker)
    actions.close_case(case, "duplicate", actor=caseworker)
    referral.refresh_from_db()
    assert referral.state == "withdrawn"
    assert Case.objects.get(pk=case.pk).closing_reason == "duplicate"


@pytest.mark.django_db
def test_it_says_why_a_provider_is_not_eligible_for_a_case(caseworker, provider_a, staff_a):
    case = open_case(caseworker)
    assert actions.eligibility_refusal(case, provider_a, "detained_removal_defense") is None
    assert actions.eligibility_refusal(case, provider_a, "habeas") == "no_service"
    actions.decline_referral(send(case, provider_a, caseworker), "conflict", actor=staff_a)
    assert actions.eligibility_refusal(case, provider_a, "detained_removal_defense") == "conflict"
    assert actions.eligibility_refusal(
        case, make_provider("empty-legal", open_slots=0), "detained_removal_defense"
    ) == ("no_capacity")

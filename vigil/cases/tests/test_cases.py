"""Opening cases: sealed fields, one case per A-number, urgency tiers, bad input; the caseworker's queue."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.cases import actions
from vigil.cases.models import Case, CaseEvent, CaseTask
from vigil.cases.tests.conftest import open_case


@pytest.mark.django_db
def test_it_seals_the_detained_persons_fields(caseworker):
    case = open_case(
        caseworker, person_name="Rosa Unique-Name", a_number="A-123-456-789", person_birth_country="Ecuador"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_name, a_number, person_birth_country, a_number_index FROM cases_case WHERE id = %s",
            [case.pk.hex if connection.vendor == "sqlite" else case.pk],
        )
        name, a_number, country, index = cursor.fetchone()
    for stored in (name, a_number, country):
        assert b"Rosa" not in bytes(stored) and b"123456789" not in bytes(stored) and b"Ecuador" not in bytes(stored)
    assert "123456789" not in index
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.person_name, fresh.a_number) == ("Rosa Unique-Name", "123456789")


@pytest.mark.django_db
def test_two_relatives_writing_the_a_number_differently_land_on_one_case(caseworker, case_colleague):
    first, created = actions.open_case(
        organization=caseworker.organization, actor=caseworker, person_name="José", a_number="A12345678"
    )
    second, created_again = actions.open_case(
        organization=case_colleague.organization, actor=case_colleague, person_name="Jose", a_number="012-345-678"
    )
    assert created and not created_again
    assert first.pk == second.pk
    assert Case.objects.count() == 1
    assert first.events.filter(kind=CaseEvent.Kind.SECOND_CALLER).count() == 1


@pytest.mark.django_db
def test_a_closed_case_does_not_catch_a_new_detention(caseworker):
    first = open_case(caseworker, a_number="A123456789")
    actions.close_case(first, "released_bond", actor=caseworker)
    second = open_case(caseworker, a_number="A123456789")
    assert second.pk != first.pk


@pytest.mark.django_db
def test_the_same_a_number_in_another_organization_is_another_case(caseworker, case_outsider):
    assert open_case(caseworker, a_number="A123456789").pk != open_case(case_outsider, a_number="A123456789").pk


@pytest.mark.django_db
def test_it_sets_the_urgency_tier_from_the_urgent_needs(caseworker):
    assert open_case(caseworker, urgent_needs=["pregnant", "child_without_care"]).urgency_tier == 3
    assert open_case(caseworker, urgent_needs=["hearing_within_14_days", "fear_of_return"]).urgency_tier == 2
    case = open_case(caseworker, urgent_needs=["lawful_permanent_resident", "unknown-need"])
    assert case.urgency_tier == 1
    assert case.urgent_needs == ["lawful_permanent_resident"]
    case = actions.set_urgent_needs(case, ["transfer_feared"], actor=caseworker)
    assert Case.objects.get(pk=case.pk).urgency_tier == 2


@pytest.mark.django_db
def test_every_new_case_gets_a_locate_task(caseworker):
    case = open_case(caseworker)
    task = case.tasks.get()
    assert task.kind == CaseTask.Kind.LOCATE
    assert task.due_at > timezone.now()
    assert AuditEvent.objects.filter(action="case.opened", object_id=audit.key_of(case)).exists()


@pytest.mark.django_db
def test_it_refuses_a_date_of_birth_in_the_future_and_stores_nothing(caseworker):
    with pytest.raises(actions.CaseActionRefused) as refused:
        open_case(caseworker, person_birth_date=timezone.localdate() + timedelta(days=1))
    assert refused.value.code == "birth_date_future"
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("a_number", "IOE0123456789", "USCIS receipt number"),
        ("a_number", "123456789012", "USCIS online account number"),
        ("a_number", "A12", "eight or nine digits"),
        ("person_birth_date", "2999-01-01", "cannot be in the future"),
    ],
)
def test_the_intake_form_says_what_is_wrong_and_stores_nothing(client, caseworker, field, value, message):
    client.force_login(caseworker)
    data = {"person_name": "Ana", "detention_status": "detained", "income_band": "unknown", field: value}
    response = client.post(reverse("case_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_intake_form_speaks_the_readers_language(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("case_new"),
        {"person_name": "Ana", "detention_status": "detained", "income_band": "unknown", "a_number": "IOE0123456789"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "USCIS" in response.content.decode()
    assert "This looks like" not in response.content.decode()


@pytest.mark.django_db
def test_the_intake_form_opens_a_case(client, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("case_new"),
        {
            "person_name": "Ana",
            "a_number": "A 123 456 789",
            "person_birth_date": "1990-04-02",
            "detention_status": "detained",
            "income_band": "unknown",
            "urgent_needs": ["medical_need"],
            "borough": "QN",
            "language": "es",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", kwargs={"case_id": case.pk})
    assert (case.a_number, case.person_birth_date, case.urgency_tier) == ("123456789", date(1990, 4, 2).isoformat(), 3)


@pytest.mark.django_db
def test_it_refuses_a_task_deadline_in_the_past(client, caseworker):
    case = open_case(caseworker)
    with pytest.raises(actions.CaseActionRefused) as refused:
        actions.add_task(case, "follow_up", actor=caseworker, due_at=timezone.now() - timedelta(hours=1))
    assert refused.value.code == "deadline_past"
    client.force_login(caseworker)
    response = client.post(
        reverse("case_task", kwargs={"case_id": case.pk}),
        {"kind": "follow_up", "due_at": "2001-01-01T10:00"},
        follow=True,
    )
    assert "The deadline must be in the future." in response.content.decode()
    assert case.tasks.count() == 1  # the locate task only


@pytest.mark.django_db
def test_it_closes_only_with_a_reason(caseworker):
    case = open_case(caseworker)
    with pytest.raises(actions.CaseActionRefused):
        actions.close_case(case, "", actor=caseworker)
    closed = actions.close_case(case, "lost_contact", actor=caseworker)
    assert (closed.state, closed.closing_reason) == ("closed", "lost_contact")
    with pytest.raises(actions.CaseActionRefused):
        actions.close_case(closed, "duplicate", actor=caseworker)


@pytest.mark.django_db
def test_it_refuses_a_move_the_states_do_not_allow(caseworker):
    case = open_case(caseworker)
    for state in ("accepted", "referred", "closed", "represented"):
        with pytest.raises(actions.CaseActionRefused):
            actions.transition(case, state, actor=caseworker)
    assert actions.transition(case, "screening", actor=caseworker).state == "screening"


@pytest.mark.django_db
def test_the_queue_puts_overdue_tasks_first_then_cases_by_tier_then_age(client, caseworker):
    from vigil.cases.views import waiting_queue

    old_tier_one = open_case(caseworker, person_name="Old")
    tier_three = open_case(caseworker, person_name="Urgent", urgent_needs=["medical_need"])
    tier_two_older = open_case(caseworker, person_name="Two-older", urgent_needs=["hearing_within_14_days"])
    tier_two_newer = open_case(caseworker, person_name="Two-newer", urgent_needs=["transfer_feared"])
    Case.objects.filter(pk=old_tier_one.pk).update(created_at=timezone.now() - timedelta(days=3))
    Case.objects.filter(pk=tier_two_older.pk).update(created_at=timezone.now() - timedelta(hours=2))
    CaseTask.objects.filter(case=old_tier_one).update(due_at=timezone.now() - timedelta(hours=1))
    overdue, cases = waiting_queue(caseworker)
    assert [t.case_id for t in overdue] == [old_tier_one.pk]
    assert [c.pk for c in cases] == [tier_three.pk, tier_two_older.pk, tier_two_newer.pk, old_tier_one.pk]
    assert cases[-1].has_overdue_task and not cases[0].has_overdue_task
    client.force_login(caseworker)
    page = client.get(reverse("case_queue")).content.decode()
    assert page.index('id="overdue"') < page.index('id="waiting"')
    assert page.index(tier_three.code) < page.index(tier_two_newer.code)


@pytest.mark.django_db
def test_the_same_intake_form_sent_twice_opens_one_case(client, caseworker):
    client.force_login(caseworker)
    form_page = client.get(reverse("case_new")).content.decode()
    key = form_page.split('name="intake_key" value="', 1)[1].split('"', 1)[0]
    data = {"person_name": "Ana", "detention_status": "detained", "income_band": "unknown", "intake_key": key}
    first = client.post(reverse("case_new"), data)
    second = client.post(reverse("case_new"), data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.SECOND_CALLER).exists()


@pytest.mark.django_db
def test_a_relative_still_lands_on_the_case_after_the_keys_are_rotated(settings, caseworker):
    import base64

    from django.core.management import call_command

    case = open_case(caseworker, a_number="A123456789", person_name="Rotated")
    new = base64.urlsafe_b64encode(b"r" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{settings.FIELD_ENCRYPTION_KEYS},2:{new}"
    settings.BLIND_INDEX_KEYS = f"{settings.BLIND_INDEX_KEYS},2:{new}"
    call_command("rotate_keys")
    settings.FIELD_ENCRYPTION_KEYS = f"2:{new}"
    settings.BLIND_INDEX_KEYS = f"2:{new}"
    assert Case.objects.get(pk=case.pk).a_number_index.startswith("2:")
    again, created = actions.open_case(organization=caseworker.organization, actor=caseworker, a_number="123-456-789")
    assert (again.pk, created) == (case.pk, False)
    assert again.person_name == "Rotated"


def test_the_urgent_needs_and_their_tiers_are_the_matchers():
    from vigil.cases.matching import model
    from vigil.cases.urgency import TIER_2, TIER_3, UrgentNeed, urgency_tier

    assert set(UrgentNeed.values) == set(model.URGENT_NEEDS)
    assert set(TIER_3) == set(model.TIER_3_NEEDS) and set(TIER_2) == set(model.TIER_2_NEEDS)
    for code in UrgentNeed.values:
        assert urgency_tier([code]) == model.tier_of(frozenset({code})), code

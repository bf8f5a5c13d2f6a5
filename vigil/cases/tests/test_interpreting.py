"""Interpreters and interpretation requests: what is stored, the states, the hard rules re-checked when
assigning, the hours, and two caseworkers who cannot double-book one interpreter."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conftest import make_staff
from vigil.accounts import audit
from vigil.accounts.models import AuditEvent, Role
from vigil.cases import interpreting_actions as actions
from vigil.cases.actions import CaseActionRefused
from vigil.cases.models import InterpretationRequest
from vigil.cases.tests.conftest import open_case
from vigil.cases.tests.interpreting import make_interpreter, make_request, tomorrow_at
from vigil.work.models import Job


def _started(request, minutes_ago=30):
    """Move a request into the past, as if its time had come."""
    start = timezone.now() - timedelta(minutes=minutes_ago)
    InterpretationRequest.objects.filter(pk=request.pk).update(starts_at=start, ends_at=start + timedelta(hours=1))
    request.refresh_from_db()
    return request


@pytest.mark.django_db
def test_it_stores_an_interpreters_languages_as_normalized_tags(caseworker):
    interpreter = make_interpreter(caseworker, languages=["ES_mx", "zh-yue", "mam", "quc", "es-MX"])
    assert interpreter.languages == ["es-mx", "zh-yue", "mam", "quc"]


@pytest.mark.django_db
def test_it_refuses_zh_alone_and_asks_which(caseworker):
    with pytest.raises(CaseActionRefused) as refused:
        make_interpreter(caseworker, languages=["zh-Hant"])
    assert refused.value.code == "language_ask_which"
    with pytest.raises(CaseActionRefused) as refused:
        make_request(caseworker, language="zh")
    message = str(refused.value.message)
    assert refused.value.code == "language_ask_which"
    assert "Cantonese (yue)" in message and "Mandarin Chinese (cmn)" in message and "(cdo)" in message
    assert not InterpretationRequest.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_request_from_both_a_case_and_an_incident_or_from_neither(caseworker):
    request = make_request(caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterpretationRequest.objects.filter(pk=request.pk).update(case=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterpretationRequest.objects.filter(pk=request.pk).update(incident=_incident())


def _incident(organization=None):
    from vigil.incidents.models import Incident
    from vigil.intake import actions as intake
    from vigil.intake.validation import build_input

    data = build_input({"text": "ICE agents at Roosevelt and 74th", "area": "QN0301"})
    report = intake.submit_report(data, channel="api", partner=organization)[0]
    return Incident.objects.get(pk=report.incident_id)


@pytest.mark.django_db
def test_it_takes_a_request_from_an_incident_of_the_organization_or_of_public_intake(caseworker, other_org):
    for incident in (_incident(), _incident(caseworker.organization)):
        request = actions.request_interpretation(
            actor=caseworker,
            incident=incident,
            language="quc",
            mode="phone",
            starts_at=tomorrow_at(9),
            ends_at=tomorrow_at(10),
        )
        assert request.case is None and request.incident == incident
    with pytest.raises(CaseActionRefused) as refused:
        actions.request_interpretation(
            actor=caseworker,
            incident=_incident(other_org),
            language="quc",
            mode="phone",
            starts_at=tomorrow_at(9),
            ends_at=tomorrow_at(10),
        )
    assert refused.value.code == "incident"


@pytest.mark.django_db
def test_it_needs_a_borough_in_person_and_a_time_that_has_not_passed(caseworker):
    with pytest.raises(CaseActionRefused) as refused:
        make_request(caseworker, mode="in_person")
    assert refused.value.code == "borough"
    case = open_case(caseworker)
    with pytest.raises(CaseActionRefused) as refused:
        actions.request_interpretation(
            actor=caseworker,
            case=case,
            language="es",
            mode="phone",
            starts_at=timezone.now() - timedelta(hours=2),
            ends_at=timezone.now() - timedelta(hours=1),
        )
    assert refused.value.code == "time_past"


@pytest.mark.django_db
def test_it_refuses_a_request_for_another_organizations_case(caseworker, case_outsider):
    case = open_case(case_outsider)
    with pytest.raises(CaseActionRefused) as refused:
        make_request(caseworker, case)
    assert refused.value.code == "case"


@pytest.mark.django_db
def test_it_proposes_only_interpreters_who_keep_the_rules_least_loaded_first(caseworker):
    busy = make_interpreter(caseworker, name="Busy")
    idle = make_interpreter(caseworker, name="Idle")
    make_interpreter(caseworker, name="Cantonese only", languages=["yue"])
    make_interpreter(caseworker, name="Afternoons", window=(13, 18))
    past = make_request(caseworker)
    actions.assign_interpreter(past, busy, actor=caseworker)
    actions.confirm_interpretation(past, actor=caseworker)
    actions.complete_interpretation(_started(past), 90, actor=caseworker)
    request = make_request(caseworker)
    proposed, left_out = actions.propose_interpreters(request)
    assert [i.display_name for i in proposed] == ["Idle", "Busy"]
    assert proposed[0] == idle and proposed[1].minutes_this_month == 90
    assert sorted(left_out.values()) == ["availability", "language"]


@pytest.mark.django_db
def test_it_walks_a_request_through_assigned_confirmed_completed_with_audit_events(caseworker):
    interpreter = make_interpreter(caseworker)
    request = make_request(caseworker)
    assert Job.objects.filter(handler="vigil.cases.jobs.mark_interpretation_unfilled").count() == 1
    actions.assign_interpreter(request, interpreter, actor=caseworker)
    actions.confirm_interpretation(request, actor=caseworker)
    with pytest.raises(CaseActionRefused) as refused:
        actions.complete_interpretation(request, 50, actor=caseworker)
    assert refused.value.code == "not_started"
    actions.complete_interpretation(_started(request), 50, actor=caseworker)
    request.refresh_from_db()
    assert (request.state, request.minutes_worked, request.interpreter) == ("completed", 50, interpreter)
    audited = set(AuditEvent.objects.filter(object_id=audit.key_of(request)).values_list("action", flat=True))
    assert audited == {
        "interpretation.requested",
        "interpretation.assigned",
        "interpretation.confirmed",
        "interpretation.completed",
    }
    assert not AuditEvent.objects.filter(detail__icontains="Interpreter One").exists()


@pytest.mark.django_db
def test_it_refuses_to_assign_an_interpreter_who_breaks_a_rule_or_is_already_booked(caseworker):
    cantonese = make_interpreter(caseworker, name="Cantonese", languages=["yue"])
    spanish = make_interpreter(caseworker, name="Spanish")
    with pytest.raises(CaseActionRefused) as refused:
        actions.assign_interpreter(make_request(caseworker, language="cmn"), cantonese, actor=caseworker)
    assert refused.value.code == "language"
    actions.assign_interpreter(make_request(caseworker, start=10, end=11), spanish, actor=caseworker)
    overlapping = make_request(caseworker, start=10.5, end=11.5)
    with pytest.raises(CaseActionRefused) as refused:
        actions.assign_interpreter(overlapping, spanish, actor=caseworker)
    assert refused.value.code == "booked"
    actions.assign_interpreter(make_request(caseworker, start=11, end=12), spanish, actor=caseworker)


@pytest.mark.django_db
def test_cancelling_frees_the_interpreters_time(caseworker):
    spanish = make_interpreter(caseworker)
    first = make_request(caseworker)
    actions.assign_interpreter(first, spanish, actor=caseworker)
    actions.cancel_interpretation(first, actor=caseworker)
    actions.assign_interpreter(make_request(caseworker), spanish, actor=caseworker)
    with pytest.raises(CaseActionRefused):
        actions.cancel_interpretation(first, actor=caseworker)


@pytest.mark.django_db
def test_it_keeps_another_organizations_interpreter_and_caseworker_out(caseworker, case_outsider):
    theirs = make_interpreter(case_outsider)
    request = make_request(caseworker)
    with pytest.raises(CaseActionRefused) as refused:
        actions.assign_interpreter(request, theirs, actor=caseworker)
    assert refused.value.code == "not_yours"
    with pytest.raises(CaseActionRefused):
        actions.cancel_interpretation(request, actor=case_outsider)
    assert actions.propose_interpreters(request)[0] == []


@pytest.mark.django_db
def test_it_marks_a_request_unfilled_when_nobody_was_assigned_by_its_start(caseworker):
    request = make_request(caseworker)
    assert not actions.mark_unfilled(request.pk)
    _started(request)
    assert actions.mark_unfilled(request.pk)
    assert not actions.mark_unfilled(request.pk)
    request.refresh_from_db()
    assert request.state == "unfilled"


@pytest.mark.django_db
def test_it_counts_hours_per_interpreter_and_per_language(caseworker):
    ana = make_interpreter(caseworker, name="Ana", languages=["es", "mam"])
    bo = make_interpreter(caseworker, name="Bo", languages=["es"])
    for interpreter, language, minutes in ((ana, "es", 60), (ana, "mam", 45), (bo, "es", 30)):
        request = make_request(caseworker, language=language)
        actions.assign_interpreter(request, interpreter, actor=caseworker)
        actions.confirm_interpretation(request, actor=caseworker)
        actions.complete_interpretation(_started(request), minutes, actor=caseworker)
    make_request(caseworker)  # never completed: not counted
    now = timezone.now()
    report = actions.hours_report(caseworker.organization, now - timedelta(days=1), now + timedelta(days=1))
    assert [(r["interpreter__display_name"], r["minutes"], r["count"]) for r in report["by_interpreter"]] == [
        ("Ana", 105, 2),
        ("Bo", 30, 1),
    ]
    assert [(r["language"], r["minutes"]) for r in report["by_language"]] == [("es", 90), ("mam", 45)]
    assert report["total_minutes"] == 135


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_assigning_one_interpreter_at_once_cannot_double_book_them(org):
    caseworkers = [make_staff(f"assigner-{i}", Role.CASEWORKER, org) for i in range(2)]
    interpreter = make_interpreter(caseworkers[0])
    requests = [make_request(caseworkers[i], start=10, end=11) for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def assign(i):
        try:
            barrier.wait(timeout=10)
            actions.assign_interpreter(requests[i], interpreter, actor=caseworkers[i])
            outcomes.append("assigned")
        except CaseActionRefused as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["assigned", "booked"]
    assert InterpretationRequest.objects.filter(interpreter=interpreter, state="assigned").count() == 1
    assert tomorrow_at(10) == InterpretationRequest.objects.get(state="assigned").starts_at


@pytest.mark.django_db
def test_the_demo_seeds_fictional_interpreters_once(org):
    from vigil.cases.demo import DEMO_INTERPRETERS, seed_interpreters
    from vigil.cases.models import AvailabilityWindow, Interpreter

    seed_interpreters(org)
    windows = AvailabilityWindow.objects.count()
    seed_interpreters(org)
    roster = Interpreter.objects.filter(organization=org)
    assert roster.count() == len(DEMO_INTERPRETERS)
    assert all(i.is_fictional and "fictional" in i.display_name for i in roster)
    assert AvailabilityWindow.objects.count() == windows > 0


@pytest.mark.django_db
def test_proposing_reads_the_roster_in_a_fixed_number_of_queries(caseworker, django_assert_max_num_queries):
    for number in range(6):
        make_interpreter(caseworker, name=f"Interpreter {number}")
    request = make_request(caseworker)
    with django_assert_max_num_queries(4):
        proposed, _left_out = actions.propose_interpreters(request)
    assert len(proposed) == 6

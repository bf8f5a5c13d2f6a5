"""Closed cases are purged a period after closing with everything hanging from them, leaving none of their
sealed bytes in the database files; open cases and held ones stay, and a held case keeps its incident."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.cases import actions
from vigil.cases.models import Case, CaseEvent, CaseNote, CaseTask, Referral
from vigil.cases.tests.conftest import open_case, send
from vigil.incidents.models import DetentionRecord, Incident
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input
from vigil.privacy import actions as privacy
from vigil.privacy.tests.storage import database_bytes

SEALED_CASE_FIELDS = ("person_name", "person_aliases", "a_number", "taken_place", "related_parties")


def _closed_days_ago(case: Case, days: int) -> None:
    actions.close_case(case, Case.ClosingReason.REMOVED, actor=case.created_by)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=days))


def _stored_ciphertexts(case: Case) -> list[bytes]:
    """The sealed values as the database holds them (a values query does not decrypt)."""
    row = Case.objects.filter(pk=case.pk).values_list(*SEALED_CASE_FIELDS).get()
    notes = CaseNote.objects.filter(case=case).values_list("body", flat=True)
    return [bytes(value) for value in (*row, *notes) if value]


def _old_incident(org, days: int) -> Incident:
    data = build_input({"text": "ICE agents at Roosevelt and 74th", "area": "QN0301"})
    incident = intake_actions.submit_report(data, channel="api", partner=org)[0].incident
    Incident.objects.filter(pk=incident.pk).update(last_report_at=timezone.now() - timedelta(days=days))
    return incident


@pytest.mark.django_db(transaction=True)
def test_it_purges_a_closed_case_past_its_period_and_leaves_none_of_its_bytes(settings, caseworker, provider_a):
    settings.RETENTION = {**settings.RETENTION, "case_closed": 30}
    due = open_case(
        caseworker,
        person_name="Purgeable Person",
        person_aliases="P. Person",
        a_number="A-123-456-789",
        taken_place="outside the laundromat on 37th Ave",
        related_parties="a co-worker taken the same morning",
    )
    actions.add_note(due, "Spoke with the sister; the person is held upstate.", actor=caseworker)
    send(due, provider_a, caseworker)
    _closed_days_ago(due, 31)
    recently_closed = open_case(caseworker, person_name="Recently Closed")
    _closed_days_ago(recently_closed, 29)
    still_open = open_case(caseworker, person_name="Still Open")

    ciphertexts = _stored_ciphertexts(due)
    rows = {
        CaseTask: set(CaseTask.objects.filter(case=due).values_list("pk", flat=True)),
        CaseNote: set(CaseNote.objects.filter(case=due).values_list("pk", flat=True)),
        CaseEvent: set(CaseEvent.objects.filter(case=due).values_list("pk", flat=True)),
        Referral: set(Referral.objects.filter(case=due).values_list("pk", flat=True)),
    }
    assert len(ciphertexts) == len(SEALED_CASE_FIELDS) + 1 and all(rows.values())
    before = database_bytes()
    assert all(ciphertext in before for ciphertext in ciphertexts)  # what the purge must remove is there

    privacy.purge_expired()

    after = database_bytes()
    assert [c for c in ciphertexts if c in after] == []
    assert not Case.objects.filter(pk=due.pk).exists()
    assert {model.__name__: model.objects.filter(pk__in=ids).count() for model, ids in rows.items()} == {
        "CaseTask": 0,
        "CaseNote": 0,
        "CaseEvent": 0,
        "Referral": 0,
    }
    assert Case.objects.filter(pk__in=[recently_closed.pk, still_open.pk]).count() == 2
    # The audit log named the case by a keyed hash only: nothing there leads back to it.
    assert AuditEvent.objects.filter(object_id=audit.key_of(due)).exists()
    for form in (str(due.pk), due.pk.hex):
        assert not AuditEvent.objects.filter(object_id__contains=form).exists()


@pytest.mark.django_db
def test_it_keeps_a_held_closed_case_and_its_incident_past_their_periods(settings, caseworker, org):
    settings.RETENTION = {**settings.RETENTION, "case_closed": 30, "incident": 30}
    incident = _old_incident(org, 100)
    record = DetentionRecord.objects.create(incident=incident)
    held = open_case(caseworker, person_name="Held Case", incident=incident)
    _closed_days_ago(held, 100)
    privacy.set_legal_hold(Case.objects.get(pk=held.pk), True, actor=caseworker)

    privacy.purge_expired()

    assert Case.objects.filter(pk=held.pk).exists()
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert DetentionRecord.objects.filter(pk=record.pk).exists()

    privacy.set_legal_hold(Case.objects.get(pk=held.pk), False, actor=caseworker)
    privacy.purge_expired()
    assert not Case.objects.filter(pk=held.pk).exists()
    assert not Incident.objects.filter(pk=incident.pk).exists()


@pytest.mark.django_db
def test_it_lets_an_open_cases_incident_go_and_the_case_keeps_its_own_copy(settings, caseworker, org):
    settings.RETENTION = {**settings.RETENTION, "incident": 30}
    incident = _old_incident(org, 100)
    case = open_case(caseworker, person_name="Open Case", incident=incident, incident_workplace="the car wash")

    privacy.purge_expired()

    case = Case.objects.get(pk=case.pk)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert case.incident_id is None and case.incident_workplace == "the car wash"

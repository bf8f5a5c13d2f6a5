"""The precompiled single-row writes and reads agree with the ORM."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from vigil.accounts.models import AuditEvent
from vigil.incidents.models import Incident
from vigil.intake.models import Report
from vigil.lib import rows
from vigil.privacy.fields import seal_now


def new_report(**fields) -> Report:
    defaults = dict(
        channel="api",
        text="Agentes en la esquina",
        place_text="Roosevelt y la 74",
        receipt_code=uuid.uuid4().hex[:9].upper(),
        receipt_secret="s3cret",
        salute={"agents": 3},
        lat=40.747,
        lon=-73.891,
    )
    return Report(**{**defaults, **fields})


@pytest.mark.django_db
def test_it_inserts_a_row_the_orm_reads_back_with_its_fields_sealed():
    report = rows.insert(new_report())
    assert not report._state.adding
    loaded = Report.objects.get(pk=report.pk)
    assert (loaded.text, loaded.place_text, loaded.receipt_secret) == (
        "Agentes en la esquina",
        "Roosevelt y la 74",
        "s3cret",
    )
    assert loaded.salute == {"agents": 3} and loaded.lat == 40.747
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM intake_report WHERE receipt_code = %s", [report.receipt_code])
        stored = bytes(cursor.fetchone()[0])
    assert b"Agentes" not in stored


@pytest.mark.django_db
def test_it_inserts_fields_sealed_ahead_of_time():
    report = new_report(text="sealed before the lock")
    seal_now(report)
    rows.insert(report)
    assert Report.objects.get(pk=report.pk).text == "sealed before the lock"


@pytest.mark.django_db
def test_it_reads_back_an_auto_increment_key():
    first = rows.insert(AuditEvent(action="test.one", actor_kind="system", detail={"count": 1}))
    second = rows.insert(AuditEvent(action="test.two", actor_kind="system"))
    assert first.pk and second.pk == first.pk + 1
    assert AuditEvent.objects.get(pk=first.pk).detail == {"count": 1}


@pytest.mark.django_db
def test_it_raises_djangos_integrity_error_on_a_duplicate():
    rows.insert(new_report(idempotency_key="same"))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(new_report(idempotency_key="same"))
    assert Report.objects.filter(idempotency_key="same").count() == 1


@pytest.mark.django_db
def test_it_updates_only_the_named_columns():
    incident = rows.insert(Incident(area="QN0401", borough="QN", languages=["es"]))
    at = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    changed = rows.update(Incident, incident.pk, {"report_count": 7, "last_report_at": at, "languages": ["es", "en"]})
    assert changed == 1
    loaded = Incident.objects.get(pk=incident.pk)
    assert (loaded.report_count, loaded.last_report_at, loaded.languages) == (7, at, ["es", "en"])
    assert (loaded.area, loaded.borough) == ("QN0401", "QN")
    assert rows.update(Incident, uuid.uuid4(), {"report_count": 1}) == 0


@pytest.mark.django_db
def test_it_selects_values_converted_as_the_orm_would():
    incident = rows.insert(Incident(area="BK0202", languages=["ht"], has_solved_submission=True))
    sql = "SELECT {}, {}, {} FROM {} WHERE {} = %s".format(
        rows.column(Incident, "id"),
        rows.column(Incident, "languages"),
        rows.column(Incident, "has_solved_submission"),
        rows.table(Incident),
        rows.column(Incident, "area"),
    )
    [(pk, languages, solved)] = rows.select(Incident, ("id", "languages", "has_solved_submission"), sql, ["BK0202"])
    assert (pk, languages, solved) == (incident.pk, ["ht"], True)
    assert isinstance(pk, uuid.UUID)

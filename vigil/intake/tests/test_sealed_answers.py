"""The SALUTE answers are free text (reporters write names and plates there): sealed like every other
free text, in new reports and, by a migration, in existing ones."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from vigil.intake import actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input

ANSWERS = {
    "size": "5",
    "uniform": "vests, one named Maria Lopez",
    "vehicles": "grey van plate KXR4471",
    "agency": "ICE",
    "equipment": "battering ram",
}


def stored_salute(pk) -> bytes:
    """The column as the database holds it, without the model."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT salute FROM intake_report WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk]
        )
        value = cursor.fetchone()[0]
    return bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()


@pytest.mark.django_db
def test_it_seals_the_answers_of_a_new_report():
    report = actions.submit_report(
        build_input({"text": "ICE at Roosevelt and 74th", "salute": ANSWERS}), channel="web"
    )[0]
    raw = stored_salute(report.pk)
    for secret in (b"Lopez", b"KXR4471", b"battering"):
        assert secret not in raw
    again = Report.objects.get(pk=report.pk)
    assert again.salute_answers() == ANSWERS
    assert {answer.key: answer.value for answer in again.structured_answers()}["uniform"] == ANSWERS["uniform"]


@pytest.mark.django_db
def test_it_keeps_a_report_without_answers_without_any():
    report = actions.submit_report(build_input({"text": "ICE at Roosevelt and 74th"}), channel="web")[0]
    assert Report.objects.get(pk=report.pk).salute_answers() == {}


@pytest.mark.django_db(transaction=True)
def test_it_seals_the_answers_of_existing_reports_when_migrating():
    executor = MigrationExecutor(connection)
    before = [("intake", "0004_report_idempotency_key_length")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("intake", "Report")
    row = old.objects.create(channel="web", receipt_code="MIGRATE1", text="ICE here", salute=ANSWERS)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    raw = stored_salute(row.pk)
    assert b"Lopez" not in raw and b"KXR4471" not in raw
    assert Report.objects.get(pk=row.pk).salute_answers() == ANSWERS

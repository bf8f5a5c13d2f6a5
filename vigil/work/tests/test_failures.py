"""A failed job keeps where it failed (files, lines, functions, exception types), never what it held."""

import inspect
import uuid

import pytest

from vigil.work import actions
from vigil.work.models import Job
from vigil.work.tests import handlers


def failed_job(handler) -> Job:
    job = actions.enqueue(handler, str(uuid.uuid4()), max_attempts=1)
    assert actions.run(job.pk) == Job.State.FAILED
    job.refresh_from_db()
    return job


def line_of(function, text: str) -> int:
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.django_db
def test_it_keeps_the_file_line_and_function_where_a_job_failed():
    job = failed_job(handlers.always_fail)
    assert job.last_error == "RuntimeError"
    assert f"vigil/work/tests/handlers.py:{line_of(handlers.always_fail, 'raise')}" in job.last_traceback
    assert "always_fail" in job.last_traceback
    assert "RuntimeError" in job.last_traceback


@pytest.mark.django_db
def test_it_keeps_the_cause_of_a_failure_by_type_and_place():
    job = failed_job(handlers.fail_with_personal_data)
    assert "ConnectionError" in job.last_traceback
    assert f"vigil/work/tests/handlers.py:{line_of(handlers._reach, 'raise')}" in job.last_traceback


@pytest.mark.django_db
def test_it_keeps_no_message_and_no_local_of_a_failure(caplog):
    job = failed_job(handlers.fail_with_personal_data)
    for text in (job.last_traceback, job.last_error, caplog.text):
        assert "7185550142" not in text
        assert "Maria" not in text


@pytest.mark.django_db
def test_it_keeps_where_an_attempt_failed_while_the_job_waits_to_be_retried():
    job = actions.enqueue(handlers.always_fail, str(uuid.uuid4()), max_attempts=3)
    assert actions.run(job.pk) == Job.State.PENDING
    job.refresh_from_db()
    assert "always_fail" in job.last_traceback


@pytest.mark.django_db
def test_it_shows_admins_where_failed_work_failed(client, owner):
    job = failed_job(handlers.always_fail)
    client.force_login(owner)
    page = client.get("/staff/work/").content.decode()
    assert f"handlers.py:{line_of(handlers.always_fail, 'raise')}" in page
    assert job.handler in page

"""The worker process's steps: periodic work every period it runs through, pauses only while idle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.work import actions, loop
from vigil.work.loop import WorkerLoop
from vigil.work.models import Job
from vigil.work.tests import handlers

PURGE = "vigil.privacy.jobs.purge_expired"
SWEEP = "vigil.incidents.jobs.close_stale_grouping"


@pytest.mark.django_db
def test_a_worker_that_runs_for_hours_queues_the_periodic_work_of_each_new_period(monkeypatch):
    monkeypatch.setattr(actions, "run_next", lambda **kwargs: None)  # only the scheduling is looked at here
    clock = [datetime(2026, 12, 5, 9, 58, tzinfo=UTC)]
    worker = WorkerLoop(now=lambda: clock[0])
    worker.step()
    clock[0] += timedelta(minutes=1)
    worker.step()
    assert (Job.objects.filter(handler=SWEEP).count(), Job.objects.filter(handler=PURGE).count()) == (1, 1)
    clock[0] += timedelta(minutes=3)  # 10:02: a new hour, the same day
    worker.step()
    assert (Job.objects.filter(handler=SWEEP).count(), Job.objects.filter(handler=PURGE).count()) == (2, 1)
    clock[0] += timedelta(hours=14)  # the next day
    worker.step()
    assert (Job.objects.filter(handler=SWEEP).count(), Job.objects.filter(handler=PURGE).count()) == (3, 2)


@pytest.mark.django_db
def test_a_step_runs_one_due_job():
    marker = str(uuid.uuid4())
    job = actions.enqueue(handlers.record_effect, marker)
    worker = WorkerLoop()
    assert worker.step() is True
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert AuditEvent.objects.filter(action="test.effect", object_id=audit.object_key("test", marker)).count() == 1


@override_settings(WORK_POLL_SECONDS=1.0)
def test_it_pauses_only_while_idle_and_longer_the_longer_it_stays_idle():
    worker = WorkerLoop()
    assert worker.pause_after(ran=True) == 0
    pauses = [worker.pause_after(ran=False) for _ in range(10)]
    assert pauses[0] == loop.FIRST_PAUSE_SECONDS
    assert pauses == sorted(pauses) and pauses[-1] == 1.0
    assert worker.pause_after(ran=True) == 0
    assert worker.pause_after(ran=False) == loop.FIRST_PAUSE_SECONDS


@pytest.mark.django_db(transaction=True)  # the command manages its own connections, as a worker process does
def test_the_worker_command_runs_what_is_due_and_exits_with_once():
    markers = [str(uuid.uuid4()) for _ in range(3)]
    for marker in markers:
        actions.enqueue(handlers.record_effect, marker)
    later = actions.enqueue(handlers.record_effect, str(uuid.uuid4()), delay_seconds=600)
    call_command("worker", "--once")
    for marker in markers:
        assert AuditEvent.objects.filter(action="test.effect", object_id=audit.object_key("test", marker)).count() == 1
    later.refresh_from_db()
    assert later.state == Job.State.PENDING

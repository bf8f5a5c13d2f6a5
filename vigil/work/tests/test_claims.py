"""Workers claim due jobs from the table themselves: the most urgent first, each job by one worker only, and
the job of a worker that died comes back when its lease runs out."""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.work import actions
from vigil.work.models import Job
from vigil.work.tests import handlers

State = Job.State


def effects(marker: str) -> int:
    return AuditEvent.objects.filter(action="test.effect", object_id=audit.object_key("test", marker)).count()


def lease_runs_out(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


def enqueue_many(count: int) -> list[Job]:
    return [actions.enqueue(handlers.record_effect, str(uuid.uuid4())) for _ in range(count)]


@pytest.mark.django_db
def test_it_claims_the_most_urgent_due_job_first():
    waiting_longest = actions.enqueue(handlers.record_effect, str(uuid.uuid4()))
    Job.objects.filter(pk=waiting_longest.pk).update(run_after=timezone.now() - timedelta(minutes=5))
    urgent = actions.enqueue(handlers.record_effect, str(uuid.uuid4()), priority=5)
    actions.enqueue(handlers.record_effect, str(uuid.uuid4()), priority=9, delay_seconds=60)

    first = actions.claim_next()
    assert first.pk == urgent.pk
    second = actions.claim_next()
    assert second.pk == waiting_longest.pk
    assert actions.claim_next() is None  # the most urgent of all is not due yet


@pytest.mark.django_db
def test_it_marks_a_claimed_job_running_under_a_lease_with_its_attempt_counted():
    job = actions.enqueue(handlers.record_effect, str(uuid.uuid4()))
    claimed = actions.claim_next()
    stored = Job.objects.get(pk=job.pk)
    assert (stored.state, stored.attempts) == (State.RUNNING, 1)
    assert stored.lease_until > timezone.now() + timedelta(seconds=settings.WORK_LEASE_SECONDS - 5)
    # What the claimer holds is what was stored: the run is fenced by that attempt number.
    assert (claimed.state, claimed.attempts, claimed.lease_until) == (stored.state, stored.attempts, stored.lease_until)


@pytest.mark.django_db
def test_it_claims_nothing_when_nothing_is_due():
    actions.enqueue(handlers.record_effect, str(uuid.uuid4()), delay_seconds=60)
    done = actions.enqueue(handlers.record_effect, str(uuid.uuid4()))
    actions.run(done.pk)
    assert actions.claim_next() is None
    assert actions.run_next() is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_one_job():
    """Eight workers, each with its own database connection, start together and claim until nothing is due."""
    jobs = enqueue_many(160)
    claims: dict = defaultdict(list)
    errors: list = []
    start = threading.Barrier(8)

    def worker(number: int) -> None:
        try:
            start.wait()
            while (job := actions.claim_next()) is not None:
                claims[job.pk].append(number)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(claims) == sorted(job.pk for job in jobs)
    assert [pk for pk, workers in claims.items() if len(workers) > 1] == []
    assert set(Job.objects.values_list("state", "attempts")) == {(State.RUNNING, 1)}
    assert len({number for workers in claims.values() for number in workers}) > 1  # they did run side by side


@pytest.mark.django_db(transaction=True)
def test_it_runs_each_job_once_with_several_workers_running_side_by_side():
    markers = [str(uuid.uuid4()) for _ in range(60)]
    for marker in markers:
        actions.enqueue(handlers.record_effect, marker)
    errors: list = []

    def worker() -> None:
        try:
            while actions.run_next() is not None:
                pass
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [effects(marker) for marker in markers] == [1] * len(markers)
    assert set(Job.objects.values_list("state", "attempts")) == {(State.DONE, 1)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite admits one writer: a claim waits its turn")
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_a_job_another_worker_holds_instead_of_waiting_for_it():
    first, second = enqueue_many(2)
    Job.objects.filter(pk=first.pk).update(priority=1)
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        started = time.monotonic()
        claimed = actions.claim_next()
        assert time.monotonic() - started < 2
        assert claimed.pk == second.pk
    finally:
        release.set()
        thread.join(timeout=30)


@pytest.mark.django_db
def test_it_runs_the_job_of_a_worker_that_died_again_once_its_lease_ran_out():
    marker = str(uuid.uuid4())
    job = actions.enqueue(handlers.record_effect, marker)
    dead = actions.claim_next()  # the worker dies here, before running it
    assert actions.claim_next() is None  # its lease still holds
    assert actions.reap() == 0
    lease_runs_out(dead)
    assert actions.reap() == 1
    again = actions.claim_next()
    assert (again.pk, again.attempts) == (job.pk, 2)
    assert actions.execute(again) == State.DONE
    assert effects(marker) == 1


@pytest.mark.django_db
def test_a_worker_whose_lease_ran_out_undoes_its_run_when_the_job_was_taken_again():
    marker = str(uuid.uuid4())
    actions.enqueue(handlers.record_effect, marker)
    slow = actions.claim_next()
    lease_runs_out(slow)
    actions.reap()
    other = actions.claim_next()
    assert actions.execute(slow) == "lost_lease"
    assert effects(marker) == 0
    assert actions.execute(other) == State.DONE
    assert effects(marker) == 1


@pytest.mark.django_db
def test_it_fails_a_job_whose_last_attempt_lost_its_worker():
    job = actions.enqueue(handlers.record_effect, str(uuid.uuid4()), max_attempts=1)
    dead = actions.claim_next()
    lease_runs_out(dead)
    actions.reap()
    job.refresh_from_db()
    assert (job.state, job.last_error) == (State.FAILED, "LeaseExpired")
    assert actions.claim_next() is None

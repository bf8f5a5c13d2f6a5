"""Every state change of background work.

A job is written in the caller's transaction (the outbox), so the work to do commits or rolls back
with the change that needs it. The dispatcher hands due jobs to the Tasks backend; the runner claims
a job under a lease, runs it in a transaction with its completion, and retries failures with
exponential backoff until max_attempts, after which the job is failed and shown to admins.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from vigil.accounts import audit
from vigil.lib.tracebacks import bare_traceback
from vigil.work.models import Job
from vigil.work.registry import resolve

logger = logging.getLogger(__name__)
State = Job.State
UNFINISHED = Job.UNFINISHED_STATES
_ID_TYPES = (int, uuid.UUID)


def _check_args(args) -> list:
    """Arguments are ids only: personal data must never reach a queue, a task table or a log."""
    out = []
    for value in args:
        if isinstance(value, bool) or not isinstance(value, _ID_TYPES + (str,)):
            raise TypeError("job arguments must be ids")
        if isinstance(value, str):
            uuid.UUID(value)  # raises for anything that is not an id
        out.append(str(value) if isinstance(value, uuid.UUID) else value)
    return out


def enqueue(
    handler,
    *args,
    delay_seconds: float = 0,
    dedupe_key: str | None = None,
    priority: int = 0,
    max_attempts: int | None = None,
) -> Job | None:
    """Record work in the current transaction; returns None if unfinished work with the same dedupe key
    exists (pending, queued or running)."""
    name = getattr(handler, "durable_name", None) or handler
    resolve(name)
    fields = dict(
        handler=name,
        args=_check_args(args),
        priority=priority,
        max_attempts=max_attempts or settings.WORK_MAX_ATTEMPTS,
        run_after=timezone.now() + timedelta(seconds=delay_seconds),
    )
    if dedupe_key:
        # A key stands for work not yet finished (a partial unique constraint): once done or failed, the
        # same key is new work. The savepoint keeps the caller's transaction usable when a concurrent
        # enqueue of the same key wins.
        if Job.objects.filter(dedupe_key=dedupe_key, state__in=UNFINISHED).exists():
            return None
        try:
            with transaction.atomic():
                return Job.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            if Job.objects.filter(dedupe_key=dedupe_key, state__in=UNFINISHED).exists():
                return None
            raise
    return Job.objects.create(**fields)


def schedule_periodic(now=None) -> int:
    """Queue each registered periodic job once for its current period (day or hour), across workers: the
    dedupe key names the handler and the period. Returns the jobs queued now."""
    from vigil.work.registry import PERIOD_FORMATS, PERIODIC

    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        for name, every in sorted(PERIODIC.items()):
            key = f"periodic:{name}:{now:{PERIOD_FORMATS[every]}}"
            if enqueue(name, dedupe_key=key) is not None:
                queued += 1
    return queued


# The Tasks backend's entry point, named rather than imported (vigil/work/tasks.py calls back into this module).
RUN_JOB_TASK = "vigil.work.tasks.run_job"


def _send_to_backend(job_ids: list) -> None:
    run_job = import_string(RUN_JOB_TASK)
    for job_id in job_ids:
        run_job.enqueue(str(job_id))


def dispatch_due(limit: int = 500) -> int:
    """Steps: pick due pending jobs; mark them queued; hand their ids to the Tasks backend.

    With the database backend the hand-over is in the same transaction. With Redis a crash between
    commit and hand-over leaves the job queued with no task; ``reap`` re-dispatches it later.
    """
    now = timezone.now()
    with transaction.atomic():
        # Locked, skipping rows another dispatcher holds (PostgreSQL; SQLite's IMMEDIATE transaction
        # already admits one writer at a time).
        ids = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, run_after__lte=now)
            .order_by("-priority", "run_after")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return 0
        moved = Job.objects.filter(id__in=ids, state=State.PENDING).update(state=State.QUEUED, queued_at=now)
        if moved != len(ids):
            # Some were queued by someone else meanwhile: hand over only those this call moved, which
            # carry its own queued_at.
            ids = list(Job.objects.filter(id__in=ids, state=State.QUEUED, queued_at=now).values_list("id", flat=True))
            if not ids:
                return 0
        if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
            _send_to_backend(ids)
        else:
            transaction.on_commit(lambda: _send_to_backend(ids))
    return len(ids)


def reap(now=None) -> int:
    """Return abandoned work to the queue: leases that ran out, and queued jobs no task ever picked up."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = Job.objects.filter(state=State.RUNNING, lease_until__lt=now)
        lost = Job.objects.filter(
            state=State.QUEUED, queued_at__lt=now - timedelta(seconds=settings.WORK_REQUEUE_SECONDS)
        )
        count = 0
        for job in list(expired.select_for_update()) + list(lost.select_for_update()):
            if job.state == State.RUNNING and job.attempts >= job.max_attempts:
                _fail(job, "LeaseExpired", now)
            else:
                Job.objects.filter(id=job.id, state=job.state).update(
                    state=State.PENDING, lease_until=None, queued_at=None, run_after=now
                )
            count += 1
    return count


def _fail(job: Job, error: str, now, trace: str = "") -> None:
    # Fenced by the attempt number: a runner whose lease ran out cannot fail a later attempt's work.
    updated = Job.objects.filter(id=job.id, state=State.RUNNING, attempts=job.attempts).update(
        state=State.FAILED, last_error=error[:200], last_traceback=trace, finished_at=now, lease_until=None
    )
    if not updated:
        return
    audit.record("work.failed", object_type="work.job", object_id=str(job.id), count=job.attempts)
    logger.error("job %s (%s) failed after %s attempts: %s\n%s", job.id, job.handler, job.attempts, error, trace)


def backoff_seconds(attempts: int) -> float:
    base = settings.WORK_BACKOFF_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    # Jitter spreads retries of many jobs that failed together (a provider outage).
    return min(base, settings.WORK_BACKOFF_MAX_SECONDS) * (0.75 + random.random() / 2)


def claim(job_id) -> Job | None:
    """Take a job under a lease; None if another runner has it, or it is done or not yet due."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(id=job_id, state__in=[State.PENDING, State.QUEUED], run_after__lte=now).update(
            state=State.RUNNING,
            lease_until=now + timedelta(seconds=settings.WORK_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return None
        return Job.objects.get(id=job_id)


def run(job_id) -> str:
    """Steps: claim under a lease; run the handler and mark done in one transaction; on error, retry later
    with backoff or fail for good. Returns the job's state afterwards."""
    job = claim(job_id)
    if job is None:
        return "skipped"
    try:
        handler = resolve(job.handler)
        with transaction.atomic():
            handler(*job.args)
            finished = Job.objects.filter(id=job.id, state=State.RUNNING, attempts=job.attempts).update(
                state=State.DONE, finished_at=timezone.now(), lease_until=None, last_error="", last_traceback=""
            )
            if not finished:
                # The lease ran out and someone else took the job: undo our run.
                raise _LostLease
        return State.DONE
    except _LostLease:
        return "lost_lease"
    except Exception as exc:  # noqa: BLE001  (any failure of a handler is a retry, never a crash of the worker)
        now = timezone.now()
        error = type(exc).__name__
        # The exception's message and its frames' locals may hold what the job was handling: only types
        # and places are kept.
        trace = bare_traceback(exc)
        with transaction.atomic():
            if job.attempts >= job.max_attempts:
                _fail(job, error, now, trace)
                return State.FAILED
            Job.objects.filter(id=job.id, state=State.RUNNING, attempts=job.attempts).update(
                state=State.PENDING,
                lease_until=None,
                queued_at=None,
                last_error=error[:200],
                last_traceback=trace,
                run_after=now + timedelta(seconds=backoff_seconds(job.attempts)),
            )
        logger.warning("job %s (%s) attempt %s failed: %s", job.id, job.handler, job.attempts, error)
        return State.PENDING


class _LostLease(Exception):
    pass


def retry_failed(job_id, *, actor) -> None:
    """An admin sends a failed job round again, unless the same work (its dedupe key) was enqueued anew
    since and has not finished."""
    with transaction.atomic():
        key = Job.objects.filter(id=job_id).values_list("dedupe_key", flat=True).first()
        if key and Job.objects.filter(dedupe_key=key, state__in=UNFINISHED).exists():
            return
        updated = Job.objects.filter(id=job_id, state=State.FAILED).update(
            state=State.PENDING, attempts=0, run_after=timezone.now(), finished_at=None
        )
        if updated:
            audit.record("work.retried", actor=actor, object_type="work.job", object_id=str(job_id))


def run_pending_now(limit: int = 1000) -> int:
    """Run every due job in this process (tests and `worker --once`)."""
    dispatch_due()
    done = 0
    for job_id in list(
        Job.objects.filter(state__in=[State.QUEUED, State.PENDING], run_after__lte=timezone.now())
        .order_by("-priority", "run_after")
        .values_list("id", flat=True)[:limit]
    ):
        run(job_id)
        done += 1
    return done

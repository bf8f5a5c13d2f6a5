"""Every state change of background work.

A job is written in the caller's transaction (the outbox), so the work to do commits or rolls back
with the change that needs it. Workers claim due jobs from the table itself, one at a time under a
lease (`claim_next`: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, the one-writer IMMEDIATE
transaction on SQLite), run each in a transaction with its completion, and retry failures with
exponential backoff until max_attempts, after which the job is failed and shown to admins.
"""

from __future__ import annotations

import logging
import random
import uuid
from contextlib import nullcontext
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from vigil.accounts import audit
from vigil.lib import rows
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


def reap(now=None) -> int:
    """Return abandoned work to the queue: jobs whose runner died (their lease ran out) are due again, or
    failed if that was their last attempt."""
    now = now or timezone.now()
    expired = Job.objects.filter(state=State.RUNNING, lease_until__lt=now)
    if not expired.exists():
        # Read first: on SQLite the transaction below would take the one writer lock every few seconds
        # per worker for nothing.
        return 0
    with transaction.atomic():
        count = 0
        for job in expired.select_for_update(skip_locked=True):
            if job.attempts >= job.max_attempts:
                _fail(job, "LeaseExpired", now)
            else:
                Job.objects.filter(id=job.id, state=State.RUNNING, attempts=job.attempts).update(
                    state=State.PENDING, lease_until=None, run_after=now
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


def _due(now):
    return Job.objects.filter(state=State.PENDING, run_after__lte=now)


def _take(jobs, now) -> int:
    """Mark the given pending jobs running under a new lease, counting the attempt."""
    return jobs.update(
        state=State.RUNNING,
        lease_until=now + timedelta(seconds=settings.WORK_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )


def claim(job_id) -> Job | None:
    """Take one given job under a lease; None if another runner has it, or it is done or not yet due."""
    now = timezone.now()
    with transaction.atomic():
        if not _take(_due(now).filter(id=job_id), now):
            return None
        return Job.objects.get(id=job_id)


# What a claim reads back of the row it took: all that running it needs.
_CLAIMED = ("id", "handler", "args", "attempts", "max_attempts")


@cache
def _claim_sql(vendor: str) -> str:
    """One statement: mark the most urgent due row running and return it. The row is chosen by a subquery
    that, on PostgreSQL, locks it and skips rows other claimers hold (`FOR UPDATE SKIP LOCKED`), so
    concurrent workers each get a different row and none waits for another; SQLite runs it inside the
    IMMEDIATE transaction that admits one writer at a time."""
    table = rows.table(Job)
    c = {name: rows.column(Job, name) for name in ("id", "state", "run_after", "priority", "lease_until", "attempts")}
    lock = " FOR UPDATE SKIP LOCKED" if vendor == "postgresql" else ""
    return (
        f"UPDATE {table} SET {c['state']} = %s, {c['lease_until']} = %s, {c['attempts']} = {c['attempts']} + 1 "  # noqa: S608
        f"WHERE {c['id']} = (SELECT {c['id']} FROM {table} WHERE {c['state']} = %s AND {c['run_after']} <= %s "
        f"ORDER BY {c['priority']} DESC, {c['run_after']} LIMIT 1{lock}) "
        f"RETURNING {', '.join(rows.column(Job, name) for name in _CLAIMED)}"
    )


def claim_next(now=None, *, look_first: bool = True) -> Job | None:
    """Take the most urgent due job under a lease (highest priority, then longest due); None if none is due.

    Steps: with `look_first` (an idle worker), a plain read first, so that on SQLite polling takes no writer
    lock; then one UPDATE ... RETURNING (`_claim_sql`) marks the chosen row running, its attempt counted,
    and commits before the job runs, so a worker that dies leaves a lease that `reap` returns to the queue.
    """
    now = now or timezone.now()
    if look_first and not _due(now).exists():
        return None
    vendor = connection.vendor
    lease_until = now + timedelta(seconds=settings.WORK_LEASE_SECONDS)
    params = [
        rows.prep(Job, "state", State.RUNNING),
        rows.prep(Job, "lease_until", lease_until),
        rows.prep(Job, "state", State.PENDING),
        rows.prep(Job, "run_after", now),
    ]
    # On SQLite the statement goes through an atomic block, which takes the writer lock that queues writers;
    # on PostgreSQL one statement is a transaction of its own (inside a caller's, it joins that one).
    with transaction.atomic() if vendor == "sqlite" else nullcontext():
        found = rows.select(Job, _CLAIMED, _claim_sql(vendor), params)
    if not found:
        return None
    job = Job(**dict(zip(_CLAIMED, found[0], strict=True)), state=State.RUNNING, lease_until=lease_until)
    job._state.adding = False
    return job


def run(job_id) -> str:
    """Run one given job if it is due and free: see `execute`. Returns the job's state afterwards, or
    "skipped"."""
    job = claim(job_id)
    if job is None:
        return "skipped"
    return execute(job)


def run_next(*, look_first: bool = True) -> str | None:
    """Claim the most urgent due job and run it (the worker's step); None if nothing is due."""
    job = claim_next(look_first=look_first)
    if job is None:
        return None
    return execute(job)


def execute(job: Job) -> str:
    """Steps, for a job this process claimed: run the handler and mark the job done in one transaction
    (fenced by the attempt, so a runner whose lease ran out and whose job was taken again undoes its run);
    on error, keep the error's type and places, then retry later with backoff or fail for good."""
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
    """Run the jobs due now in this process, most urgent first (tests); work they queue waits for the next
    call."""
    done = 0
    for job_id in list(_due(timezone.now()).order_by("-priority", "run_after").values_list("id", flat=True)[:limit]):
        run(job_id)
        done += 1
    return done

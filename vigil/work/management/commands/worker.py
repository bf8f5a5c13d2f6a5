"""The one background process: dispatches the outbox, reaps abandoned work, runs tasks.

manage.py worker            run until stopped (Ctrl-C or SIGTERM)
manage.py worker --once     run everything due now, then exit
"""

from __future__ import annotations

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from vigil.work import actions

logger = logging.getLogger("vigil.work")


class Command(BaseCommand):
    help = "Run Vigil's background work: outbox dispatch, lease reaping, task execution."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--max-tasks", type=int, default=200, help="Tasks per backend batch.")

    def handle(self, *args, once=False, max_tasks=200, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self._schedule_periodic()
        last_reap = 0.0
        while self.running:
            close_old_connections()
            if time.monotonic() - last_reap > 5:
                actions.reap()
                last_reap = time.monotonic()
            dispatched = actions.dispatch_due()
            ran = self._run_backend_batch(max_tasks)
            if once and not dispatched and not ran:
                return
            if not dispatched and not ran:
                time.sleep(settings.WORK_POLL_SECONDS)

    def _stop(self, signum, frame):
        self.running = False

    def _schedule_periodic(self):
        """The periodic work the apps registered (the daily purge, the hourly grouping sweep); dedupe keys
        make each run once per period across workers."""
        from vigil.work.actions import schedule_periodic

        schedule_periodic()

    def _run_backend_batch(self, max_tasks: int) -> int:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_db"):
            return self._run_db_batch(max_tasks)
        return self._run_rq_batch(max_tasks)

    def _run_db_batch(self, max_tasks: int) -> int:
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.filter(status="READY").count()
        if not ready:
            return 0
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id="vigil-worker",
            excluded_queue_names=[],
        ).run()
        # The backend's rows only mirror jobs (the Job row is the truth): keep its table small.
        DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).delete()
        return ready

    def _run_rq_batch(self, max_tasks: int) -> int:
        import django_rq
        from django_tasks_rq.backend import Job as RQJob
        from rq import Worker

        queue = django_rq.get_queue("default", job_class=RQJob)
        if queue.count == 0:
            return 0
        worker = Worker([queue], connection=queue.connection, job_class=RQJob)
        worker.work(burst=True, max_jobs=max_tasks, with_scheduler=False)
        return 1

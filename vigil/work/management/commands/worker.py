"""The one background process: claims due jobs from the job table and runs them, reaps expired leases,
queues periodic work. Run as many as needed: they share the table and never take the same job.

manage.py worker            run until stopped (Ctrl-C or SIGTERM: the job in hand is finished first)
manage.py worker --once     run everything due now, then exit
"""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from vigil.work.loop import WorkerLoop

logger = logging.getLogger("vigil.work")


class Command(BaseCommand):
    help = "Run Vigil's background work: claim and run due jobs, reap expired leases, queue periodic work."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")

    def handle(self, *args, once=False, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        loop = WorkerLoop()
        while self.running:
            close_old_connections()
            try:
                ran = loop.step()
            except DatabaseError as exc:
                # The database went away or stayed locked past its timeout: claimed work is safe under its
                # lease; try again after a pause. Only the error's type: its message may quote values.
                logger.error("worker step failed: %s", type(exc).__name__)
                ran = False
            if once and not ran:
                return
            pause = loop.pause_after(ran)
            if pause:
                time.sleep(pause)

    def _stop(self, signum, frame):
        self.running = False

"""The steps of one worker process (`manage.py worker` runs them until stopped; tests run them one by one)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from vigil.work import actions

# Leases are minutes long: looking for expired ones every few seconds is soon enough.
REAP_EVERY_SECONDS = 5.0
# The first pause of an idle worker; it doubles up to WORK_POLL_SECONDS while nothing is due.
FIRST_PAUSE_SECONDS = 0.02


class WorkerLoop:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic, now: Callable = timezone.now):
        self.clock = clock
        self.now = now
        self.period: str | None = None
        self.last_reap: float | None = None
        self.pause = FIRST_PAUSE_SECONDS
        self.busy = False

    def step(self) -> bool:
        """Steps: queue the periodic work of a new hour (the first step, then whenever the hour turns; dedupe
        keys make each run once per period across workers); every few seconds, return expired leases to the
        queue; claim and run the most urgent due job. True if a job ran."""
        now = self.now()
        period = f"{now:%Y-%m-%d-%H}"
        if period != self.period:
            actions.schedule_periodic(now)
            self.period = period
        if self.last_reap is None or self.clock() - self.last_reap >= REAP_EVERY_SECONDS:
            actions.reap(now)
            self.last_reap = self.clock()
        # A worker that just ran a job expects another and claims at once; an idle one looks first.
        self.busy = actions.run_next(look_first=not self.busy) is not None
        return self.busy

    def pause_after(self, ran: bool) -> float:
        """None after a job (there may be more); while idle, a pause that grows from 20 ms to WORK_POLL_SECONDS,
        so a worker that was busy picks up the next job of a steady stream at once, and an idle one costs one
        small read per WORK_POLL_SECONDS."""
        if ran:
            self.pause = FIRST_PAUSE_SECONDS
            return 0.0
        pause = self.pause
        self.pause = min(self.pause * 2, settings.WORK_POLL_SECONDS)
        return min(pause, settings.WORK_POLL_SECONDS)

"""Periodic work: the apps register it by name, the worker queues each once per period across workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vigil.work.actions import schedule_periodic
from vigil.work.models import Job
from vigil.work.registry import PERIODIC, register_periodic

PURGE = "vigil.privacy.jobs.purge_expired"
SWEEP = "vigil.incidents.jobs.close_stale_grouping"


def test_it_has_the_daily_purge_and_the_hourly_sweep_registered_by_the_apps_above():
    assert PERIODIC[PURGE] == "day"
    assert PERIODIC[SWEEP] == "hour"


def test_it_refuses_an_unknown_period():
    with pytest.raises(ValueError):
        register_periodic(PURGE, every="week")


@pytest.mark.django_db
def test_it_queues_each_periodic_job_once_per_period():
    morning = datetime(2026, 12, 5, 9, 15, tzinfo=UTC)
    assert schedule_periodic(morning) == len(PERIODIC)
    assert schedule_periodic(morning + timedelta(minutes=30)) == 0  # another worker, the same hour
    hourly = [name for name, every in PERIODIC.items() if every == "hour"]
    assert SWEEP in hourly and PURGE not in hourly
    # The hourly jobs (the sweep among them) again; the purge waits a day.
    assert schedule_periodic(morning + timedelta(hours=1)) == len(hourly)
    handlers = sorted(Job.objects.values_list("handler", flat=True))
    assert handlers.count(SWEEP) == 2 and handlers.count(PURGE) == 1

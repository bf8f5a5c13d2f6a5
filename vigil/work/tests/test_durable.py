import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent
from vigil.work import actions
from vigil.work.models import Job
from vigil.work.tests import handlers

ROOT = Path(__file__).resolve().parents[3]


def effects(marker):
    return AuditEvent.objects.filter(action="test.effect", object_id=audit.object_key("test", marker)).count()


@pytest.mark.django_db(transaction=True)
def test_it_records_work_only_if_the_change_commits():
    marker = str(uuid.uuid4())
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.enqueue(handlers.record_effect, marker)
        raise RuntimeError("the change failed")
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_anything_but_ids_as_arguments():
    with pytest.raises((TypeError, ValueError)):
        actions.enqueue(handlers.record_effect, "Maria Lopez, 718 555 0100")
    with pytest.raises(TypeError):
        actions.enqueue(handlers.record_effect, {"phone": "+17185550100"})


@pytest.mark.django_db
def test_it_runs_due_work_once():
    marker = str(uuid.uuid4())
    job = actions.enqueue(handlers.record_effect, marker)
    actions.run_pending_now()
    actions.run_pending_now()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert effects(marker) == 1


@pytest.mark.django_db
def test_it_retries_with_backoff_until_it_succeeds():
    marker = str(uuid.uuid4())
    job = actions.enqueue(handlers.fail_times, marker)
    assert actions.run(job.pk) == Job.State.PENDING
    job.refresh_from_db()
    assert job.run_after > timezone.now()  # backed off, not retried at once
    assert job.last_error == "ConnectionError"
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    actions.run(job.pk)
    job.refresh_from_db()
    first_gap = job.run_after - timezone.now()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert actions.run(job.pk) == Job.State.DONE
    assert effects(marker) == 1
    assert first_gap > timedelta(seconds=3)


@pytest.mark.django_db
@override_settings(WORK_MAX_ATTEMPTS=3)
def test_it_fails_for_good_after_the_last_attempt_and_tells_admins(client, owner):
    job = actions.enqueue(handlers.always_fail, str(uuid.uuid4()))
    for _ in range(3):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        actions.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert AuditEvent.objects.filter(action="work.failed", object_id=audit.object_key("work.job", job.pk)).exists()
    client.force_login(owner)
    page = client.get("/staff/work/")
    assert "always_fail" in page.content.decode()
    client.post(f"/staff/work/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.state == Job.State.PENDING


@pytest.mark.django_db
def test_it_requeues_work_whose_lease_ran_out():
    job = actions.enqueue(handlers.record_effect, str(uuid.uuid4()))
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, lease_until=timezone.now() - timedelta(seconds=1))
    assert actions.reap() == 1
    job.refresh_from_db()
    assert job.state == Job.State.PENDING


@pytest.mark.django_db
def test_it_deduplicates_by_key():
    assert actions.enqueue(handlers.record_effect, str(uuid.uuid4()), dedupe_key="once") is not None
    assert actions.enqueue(handlers.record_effect, str(uuid.uuid4()), dedupe_key="once") is None


def _manage(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the kill test runs on its own SQLite file")
def test_it_finishes_work_exactly_once_after_the_worker_is_killed_mid_task(tmp_path):
    """Steps: a file database in WAL mode; enqueue one job; start the worker; kill -9 it while the handler
    is inside its transaction; start a worker again with a short lease; the effect exists exactly once."""
    db = tmp_path / "kill.sqlite3"
    slow = tmp_path / "slow"
    slow.write_text("1")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "VIGIL_TEST_SLOW_FILE": str(slow),
        "WORK_LEASE_SECONDS": "2",
        "WORK_POLL_SECONDS": "0.2",
        "REDIS_URL": "",
    }
    _manage(env, "migrate", "--noinput")
    marker = str(uuid.uuid4())
    _manage(
        env,
        "shell",
        "-c",
        (
            "from django.db import transaction\n"
            "from vigil.work import actions\n"
            "from vigil.work.tests import handlers\n"
            f"with transaction.atomic(): actions.enqueue(handlers.record_effect, '{marker}')\n"
        ),
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not Path(str(slow) + ".started").exists():
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    slow.unlink()
    assert "-wal" in "".join(p.name for p in tmp_path.iterdir()) or db.exists()
    time.sleep(2.5)  # let the lease run out
    out = _manage(
        env,
        "shell",
        "-c",
        (
            "from vigil.work import actions\n"
            "from vigil.work.models import Job\n"
            "from vigil.accounts.models import AuditEvent\n"
            "from vigil.accounts import audit\n"
            "actions.reap()\n"
            "actions.run_pending_now()\n"
            f"print(AuditEvent.objects.filter(action='test.effect', object_id=audit.object_key('test', '{marker}')).count(), "
            "list(Job.objects.filter(handler__endswith='record_effect').values_list('state', 'attempts')))\n"
        ),
    )
    assert out.stdout.strip().splitlines()[-1] == "1 [('done', 2)]"

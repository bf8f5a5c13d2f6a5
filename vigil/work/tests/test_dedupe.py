"""A dedupe key stands for work not yet finished: reused after the work is done, it is new work."""

import uuid

import pytest

from vigil.work import actions
from vigil.work.models import Job
from vigil.work.tests import handlers


@pytest.mark.django_db
def test_it_refuses_the_same_key_while_the_work_is_waiting():
    assert actions.enqueue(handlers.record_effect, str(uuid.uuid4()), dedupe_key="k") is not None
    assert actions.enqueue(handlers.record_effect, str(uuid.uuid4()), dedupe_key="k") is None


@pytest.mark.django_db
def test_it_accepts_a_key_again_once_its_work_is_done():
    first = actions.enqueue(handlers.record_effect, str(uuid.uuid4()), dedupe_key="k")
    actions.run_pending_now()
    first.refresh_from_db()
    assert first.state == Job.State.DONE
    again = actions.enqueue(handlers.record_effect, str(uuid.uuid4()), dedupe_key="k")
    assert again is not None and again.pk != first.pk


@pytest.mark.django_db
def test_it_accepts_a_key_again_once_its_work_failed_for_good():
    first = actions.enqueue(handlers.always_fail, str(uuid.uuid4()), dedupe_key="k", max_attempts=1)
    actions.run(first.pk)
    assert actions.enqueue(handlers.always_fail, str(uuid.uuid4()), dedupe_key="k") is not None

"""Dispatching hands each due job to the Tasks backend once, however many dispatchers run."""

import uuid

import pytest
from django.db.models.query import QuerySet
from django.utils import timezone

from vigil.work import actions
from vigil.work.models import Job
from vigil.work.tests import handlers


@pytest.mark.django_db
def test_it_hands_over_only_the_jobs_it_queued_itself(monkeypatch):
    job = actions.enqueue(handlers.record_effect, str(uuid.uuid4()))
    sent = []
    monkeypatch.setattr(actions, "_send_to_backend", lambda ids: sent.extend(ids))
    update = QuerySet.update
    raced = []

    def another_dispatcher_first(self, **fields):
        # Another dispatcher queues the job between our select and our update.
        if self.model is Job and fields.get("state") == Job.State.QUEUED and not raced:
            raced.append(True)
            update(Job.objects.filter(pk=job.pk), state=Job.State.QUEUED, queued_at=timezone.now())
        return update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", another_dispatcher_first)
    assert actions.dispatch_due() == 0
    assert sent == []


@pytest.mark.django_db
def test_it_hands_over_every_due_job_once():
    jobs = [actions.enqueue(handlers.record_effect, str(uuid.uuid4())) for _ in range(3)]
    assert actions.dispatch_due() == 3
    assert actions.dispatch_due() == 0
    assert set(Job.objects.values_list("state", flat=True)) == {Job.State.QUEUED}
    assert len(jobs) == 3

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of background work, written in the same transaction as the change that needs it.

    Workers claim these rows themselves (vigil.work.actions.claim_next): the row is the queue and the truth
    about whether the work is done.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    handler = models.CharField(max_length=200)
    args = models.JSONField(default=list)  # ids only, checked by vigil.work.actions.enqueue
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    priority = models.SmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=8)
    run_after = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Unique among unfinished work only (Meta.constraints): a key reused once its work is done is new work.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=200, blank=True)  # the exception's type only, never its message
    # Where it failed: files, lines, functions and exception types, never a message or a local
    # (vigil.lib.tracebacks).
    last_traceback = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)

    retention_key = "work_job"
    # Counted from completion: pending or running work is never purged.
    retention_date_field = "finished_at"

    UNFINISHED_STATES = (State.PENDING, State.RUNNING)

    class Meta:
        indexes = [
            # The claim's order among due work: only pending rows, so done work never slows a claim.
            models.Index(fields=["-priority", "run_after"], condition=models.Q(state="pending"), name="work_job_due"),
            models.Index(fields=["state", "lease_until"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(state__in=["pending", "running"]),
                name="work_job_dedupe_key_unfinished",
            )
        ]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.handler} ({self.state})"

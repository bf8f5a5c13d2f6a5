"""Named jobs queued when an incident's documentation changes (field observations, incident-level facts,
detention records). Apps above this one register a job's name from their AppConfig.ready() (the rules
re-judge the incident); this module never imports them, and queues by name (vigil/work/registry.py)."""

from __future__ import annotations

ON_DOCUMENTED: list[str] = []


def register(handler_name: str) -> None:
    """A durable handler (`app.jobs.function`) taking the incident's id, run after each change."""
    if handler_name not in ON_DOCUMENTED:
        ON_DOCUMENTED.append(handler_name)


def queue_on_commit(incident) -> None:
    """Inside the caller's transaction: the jobs commit or roll back with the change (the outbox). One job
    per change, not deduplicated: a job already running may have read the incident before this change."""
    from vigil.work.actions import enqueue

    for name in ON_DOCUMENTED:
        enqueue(name, incident.pk)

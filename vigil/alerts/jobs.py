"""Durable background work of the alerts app (ids only as arguments).

The foundation runs a handler inside one transaction with the job's completion. Network calls do not
belong in it (SQLite would keep its write lock for the whole call, and a crash would roll back the
record of what the provider already took), so each handler does its bookkeeping in that transaction
and hands the sending to `transaction.on_commit`: it starts once the bookkeeping, and the next job in
the chain, are safely stored. Deliveries carry their own claims and leases (see fanout.py), so work
interrupted after the commit is found and finished by the next job.
"""

from __future__ import annotations

import logging

from django.db import transaction

from vigil.work.registry import durable

logger = logging.getLogger(__name__)


def _guarded(func, *args):
    def run():
        try:
            func(*args)
        except Exception as exc:  # noqa: BLE001  (after commit nothing may escape; leases recover the rest)
            logger.error("%s stopped: %s", func.__name__, type(exc).__name__)

    return run


@durable
def pump(alert_id):
    """One round of an alert's fan-out: bookkeeping now, sending after commit, the next round queued."""
    from vigil.alerts import actions, fanout

    channels = actions.pump(alert_id)
    if channels:
        transaction.on_commit(_guarded(fanout.transmit, alert_id, channels))


@durable
def send_confirmation(subscriber_id, nonce, attempt):
    """Send a subscriber's confirmation code by SMS or e-mail."""
    from vigil.alerts import fanout

    transaction.on_commit(_guarded(fanout.send_confirmation, subscriber_id, int(nonce), int(attempt)))

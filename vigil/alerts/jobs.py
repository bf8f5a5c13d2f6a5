"""Durable background work of the alerts app (ids only as arguments).

The foundation runs a handler inside one transaction with the job's completion. Network calls do not
belong in it (SQLite would keep its write lock for the whole call, and a crash would roll back the
record of what the provider already took), so the pump does its bookkeeping in that transaction and
hands the sending to messaging's fan-out on `transaction.on_commit`: it starts once the bookkeeping,
and the next round, are safely stored. Deliveries carry their own claims and leases (see
vigil/messaging/fanout.py), so work interrupted after the commit is found and finished by the next round.
"""

from __future__ import annotations

import logging

from django.db import transaction

from vigil.work.registry import durable

logger = logging.getLogger(__name__)


@durable
def pump(alert_id):
    """One round of an alert's fan-out: bookkeeping now, sending after commit, the next round queued."""
    from vigil.alerts import actions
    from vigil.messaging import fanout

    broadcast_id, channels = actions.pump(alert_id)
    if channels:
        transaction.on_commit(lambda: fanout.transmit(broadcast_id, channels))


@durable
def send_confirmation(subscriber_id, nonce, attempt):
    """Kept for jobs queued before confirmation codes went through messaging: the code is queued as a
    message now, if it is still the one awaited."""
    from vigil.alerts import actions
    from vigil.alerts.models import Subscriber

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None and actions.code_sent(subscriber_id, int(nonce)):
        actions.queue_confirmation(subscriber)

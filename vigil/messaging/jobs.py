"""Durable background work of the messaging layer (ids only as arguments).

As in alerts: the bookkeeping (the claim) happens in the job's transaction, and the network call is
handed to `transaction.on_commit`, so it starts only once the claim and the check that follows it are
stored. Work interrupted after the commit is found by that check when the claim's lease runs out.
"""

from __future__ import annotations

import logging

from django.db import transaction

from vigil.work.registry import durable

logger = logging.getLogger(__name__)


@durable
def deliver(message_id):
    """Claim a message that is due and send it after commit; a stale claim becomes uncertain first."""
    from vigil.messaging import actions, outbox

    token = actions.claim(message_id)
    if token is None:
        return

    def run():
        try:
            outbox.transmit(message_id, token)
        except Exception as exc:  # noqa: BLE001  (after commit nothing may escape; the lease recovers it)
            logger.error("message send stopped: %s", type(exc).__name__)

    transaction.on_commit(run)


@durable
def forget_closed_windows():
    """Hourly: conversation windows closed for good are deleted (only the last day's are ever kept)."""
    from vigil.messaging import template_actions

    template_actions.forget_closed_windows()

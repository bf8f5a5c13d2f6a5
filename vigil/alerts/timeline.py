"""Alerts on an incident's timeline: each alert drafted, sent (to how many, received, failed) or stopped.

Registered with vigil.incidents.timeline from AlertsConfig.ready(): incidents sits below alerts and never
imports it.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from vigil.incidents.timeline import Item


def alert_items(incident) -> list:
    from vigil.alerts.models import Alert
    from vigil.messaging.models import Delivery

    alerts = list(
        Alert.objects.filter(incident=incident).values_list(
            "id", "kind", "state", "created_at", "sent_at", "finished_at", "recipients", "created_by__username"
        )
    )
    if not alerts:
        return []
    counts = {
        row["broadcast__alert"]: row
        for row in Delivery.objects.filter(broadcast__alert__incident=incident)
        .values("broadcast__alert")
        .annotate(
            received=Count("id", filter=Q(state__in=Delivery.RECEIVED)),
            failed=Count("id", filter=Q(state__in=("failed", "expired"))),
        )
    }
    kinds = dict(Alert.Kind.choices)
    states = dict(Alert.State.choices)
    out = []
    for pk, kind, state, created_at, sent_at, finished_at, recipients, author in alerts:
        kind_name = kinds.get(kind, _("Alert"))
        item = Item(at=created_at, text=_("Alert drafted: %(kind)s") % {"kind": kind_name}, actor=author or "")
        item.order = (created_at, 4, str(pk))
        out.append(item)
        if sent_at is not None:
            row = counts.get(pk, {})
            words = {
                "kind": kind_name,
                "recipients": recipients,
                "received": row.get("received", 0),
                "failed": row.get("failed", 0),
            }
            text = _("Alert sent: %(kind)s, to %(recipients)s people; %(received)s received, %(failed)s failed") % words
            item = Item(at=sent_at, text=text)
            item.order = (sent_at, 4, str(pk))
            out.append(item)
        if state in ("halted", "cancelled"):
            at = finished_at or sent_at or created_at
            item = Item(at=at, text=_("%(kind)s alert: %(state)s") % {"kind": kind_name, "state": states[state]})
            item.order = (at, 4, str(pk))
            out.append(item)
    return out

"""What the dispatcher sees while an alert goes out: counts per channel and state, and the time left
at each channel's rate."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from vigil.alerts.conf import conf
from vigil.alerts.models import Channel
from vigil.messaging.models import Delivery

OBSERVE_SECONDS = 60


def for_alert(alert) -> dict:
    """Per channel: total, received (sent or delivered), failed, expired, withdrawn, open (queued,
    sending, uncertain); uncertain ones found, resent and not found; error codes; seconds left at the
    channel's rate (or, without a limit, at the rate observed over the last minute)."""
    counts: dict[str, dict[str, int]] = {}
    for row in alert.deliveries.values("channel", "state").annotate(n=Count("id")):
        counts.setdefault(row["channel"], {})[row["state"]] = row["n"]
    resolutions = dict(alert.deliveries.filter(was_uncertain=True).values_list("resolution").annotate(n=Count("id")))
    errors = dict(
        alert.deliveries.exclude(error_code="").values_list("error_code").annotate(n=Count("id")).order_by("-n")[:10]
    )
    now = timezone.now()
    labels = dict(Channel.choices)
    channels = []
    for channel in Channel.values:
        by_state = counts.get(channel)
        if not by_state:
            continue
        open_now = sum(by_state.get(s, 0) for s in Delivery.OPEN)
        rate = conf.rate(channel)
        basis = "limit"
        if rate <= 0:
            basis = "observed"
            recent = alert.deliveries.filter(
                channel=channel, sent_at__gte=now - timedelta(seconds=OBSERVE_SECONDS)
            ).count()
            rate = recent / OBSERVE_SECONDS
        eta = round(open_now / rate) if open_now and rate > 0 else (0 if not open_now else None)
        channels.append(
            {
                "channel": channel,
                "label": labels[channel],
                "total": sum(by_state.values()),
                "received": sum(by_state.get(s, 0) for s in Delivery.RECEIVED),
                "delivered": by_state.get("delivered", 0),
                "failed": by_state.get("failed", 0),
                "expired": by_state.get("expired", 0),
                "withdrawn": by_state.get("withdrawn", 0),
                "uncertain": by_state.get("uncertain", 0),
                "open": open_now,
                "rate": round(rate, 2),
                "rate_basis": basis,
                "eta_seconds": eta,
            }
        )
    etas = [c["eta_seconds"] for c in channels if c["eta_seconds"] is not None]
    return {
        "channels": channels,
        "total": sum(c["total"] for c in channels),
        "received": sum(c["received"] for c in channels),
        "failed": sum(c["failed"] for c in channels),
        "expired": sum(c["expired"] for c in channels),
        "withdrawn": sum(c["withdrawn"] for c in channels),
        "open": sum(c["open"] for c in channels),
        "uncertain_now": sum(c["uncertain"] for c in channels),
        "was_uncertain": sum(resolutions.values()),
        "resolutions": {k or "pending": v for k, v in resolutions.items()},
        # The last error of each delivery that had one (provider codes, never provider messages).
        "errors": errors,
        "eta_seconds": max(etas) if etas else None,
        "eta_minutes": -(-max(etas) // 60) if etas else None,
        "expires_at": alert.expires_at,
        "finished": alert.state in ("done", "halted", "cancelled") and not sum(c["open"] for c in channels),
    }

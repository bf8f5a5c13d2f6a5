"""Who an alert goes to, in which order, and the bulk creation of its deliveries.

A verified-activity alert goes to the subscribers of the incident's neighborhood (priority 0), of the
neighborhoods within ALERTS_NEARBY_METERS (priority 1, 2, ... by distance between their label points),
and of the neighborhood's own borough (priority BOROUGH_PRIORITY). A follow-up goes to the people who
received a verified-activity alert of the incident and have not unsubscribed since. A reminder goes to
the chosen boroughs (with every neighborhood in them) and neighborhoods.

Deliveries (messaging's, of the alert's broadcast) are created with one INSERT ... SELECT ... ON
CONFLICT DO NOTHING: the database selects and writes every row itself (no row travels through Python,
no address is copied: a delivery names its subscriber by id), and the unique (broadcast, recipient)
constraint makes a repeated call harmless. The same statement runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from vigil.alerts.conf import conf
from vigil.alerts.models import Alert, Subscriber, SubscriberArea
from vigil.messaging.models import Delivery

BOROUGH_PRIORITY = 1000


def _area(code: str):
    from vigil.geo.areas import get_area

    return get_area(code) if code else None


def incident_targets(area_code: str, borough: str = "") -> list[tuple[str, int]]:
    """[(area code, priority)] for an alert about an NTA (or, lacking one, a borough)."""
    from vigil.geo.areas import great_circle_m, nearby_neighborhoods

    area = _area(area_code)
    if area is None or area.kind == "cd":
        if area is not None:
            borough = area.borough
        return [(borough, 0)] if _area(borough) else []
    if area.kind == "borough":
        return [(area.code, 0)]
    targets = [(area.code, 0)]
    lat, lon = area.centroid
    near = [(_area(code), code) for code in nearby_neighborhoods(area.code, conf.NEARBY_METERS)]
    near.sort(key=lambda item: (great_circle_m(lat, lon, *item[0].centroid), item[1]))
    targets.extend((code, rank + 1) for rank, (_a, code) in enumerate(near))
    targets.append((area.borough, BOROUGH_PRIORITY))
    return targets


def reminder_targets(codes: list[str]) -> list[tuple[str, int]]:
    """A borough chosen for a reminder reaches the people who chose any neighborhood in it too."""
    from vigil.geo.areas import neighborhoods_by_borough

    chosen: dict[str, int] = {}
    by_borough = {b: [nta for nta, _name in ntas] for b, _name, ntas in neighborhoods_by_borough()}
    for code in codes:
        area = _area(code)
        if area is None:
            continue
        chosen[area.code] = 0
        if area.kind == "borough":
            for nta in by_borough.get(area.code, []):
                chosen[nta] = 0
    return sorted(chosen.items())


def targets_for(alert: Alert) -> list[tuple[str, int]]:
    if alert.kind == Alert.Kind.REMINDER:
        return reminder_targets(alert.target_areas)
    return incident_targets(alert.area, alert.borough)


def _tables():
    d = Delivery._meta
    return {
        "delivery": connection.ops.quote_name(d.db_table),
        "subscriber": connection.ops.quote_name(Subscriber._meta.db_table),
        "area": connection.ops.quote_name(SubscriberArea._meta.db_table),
        "alert": connection.ops.quote_name(Alert._meta.db_table),
    }


def _prep(model, field_name: str, value):
    return model._meta.get_field(field_name).get_db_prep_value(value, connection)


_INSERT_COLUMNS = (
    "broadcast_id, recipient_id, channel, language, priority, state, not_before, attempts, claim, "
    "provider_id, provider_status, error_code, was_uncertain, resolution, created_at"
)


def create_area_deliveries(alert: Alert, targets: list[tuple[str, int]]) -> int:
    """One delivery per active subscriber with any of the target areas, at that subscriber's best priority."""
    if not targets:
        return 0
    now = timezone.now()
    when = _prep(Delivery, "created_at", now)
    cases = " ".join("WHEN %s THEN %s" for _ in targets)
    placeholders = ", ".join("%s" for _ in targets)
    t = _tables()
    # Only quoted table names and placeholders are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {t['delivery']} ({_INSERT_COLUMNS}) "  # noqa: S608
        f"SELECT %s, s.id, s.channel, s.language, MIN(CASE a.code {cases} ELSE %s END), 'queued', %s, 0, '', "
        f"'', '', '', %s, '', %s "
        f"FROM {t['subscriber']} s JOIN {t['area']} a ON a.subscriber_id = s.id "
        f"WHERE s.state = 'active' AND a.code IN ({placeholders}) "
        f"GROUP BY s.id, s.channel, s.language "
        f"ON CONFLICT (broadcast_id, recipient_id) DO NOTHING"
    )
    params: list = [_prep(Delivery, "broadcast", alert.broadcast_id)]
    for code, priority in targets:
        params.extend([code, priority])
    params.extend([BOROUGH_PRIORITY * 10, when, False, when])
    params.extend(code for code, _priority in targets)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _follow_up_source(alert: Alert) -> tuple[str, list]:
    t = _tables()
    sql = (
        f"FROM {t['delivery']} d JOIN {t['alert']} o ON o.broadcast_id = d.broadcast_id "
        f"JOIN {t['subscriber']} s ON s.id = d.recipient_id "
        f"WHERE o.incident_id = %s AND o.kind = 'verified_activity' AND d.state IN ('sent', 'delivered') "
        f"AND s.state = 'active' AND s.confirmed_at <= d.sent_at "
    )
    return sql, [_prep(Alert, "incident", alert.incident_id)]


def create_follow_up_deliveries(alert: Alert) -> int:
    """The people who received a verified-activity alert of the incident and have not unsubscribed since
    (a subscription confirmed after the alert was received is a new one: not them)."""
    now = timezone.now()
    when = _prep(Delivery, "created_at", now)
    source, source_params = _follow_up_source(alert)
    t = _tables()
    sql = (
        f"INSERT INTO {t['delivery']} ({_INSERT_COLUMNS}) "
        f"SELECT %s, d.recipient_id, s.channel, s.language, MIN(d.priority), 'queued', %s, 0, '', '', '', '', %s, "
        f"'', %s {source}"
        f"GROUP BY d.recipient_id, s.channel, s.language "
        f"ON CONFLICT (broadcast_id, recipient_id) DO NOTHING"
    )
    params = [_prep(Delivery, "broadcast", alert.broadcast_id), when, False, when, *source_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def create_deliveries(alert: Alert) -> int:
    if alert.kind in Alert.FOLLOW_UPS:
        return create_follow_up_deliveries(alert)
    return create_area_deliveries(alert, targets_for(alert))


def estimate(alert: Alert) -> dict[tuple[str, str], int]:
    """{(channel, language): people} the alert would reach if sent now."""
    if alert.kind in Alert.FOLLOW_UPS:
        if not alert.incident_id:
            return {}
        source, params = _follow_up_source(alert)
        sql = f"SELECT s.channel, s.language, COUNT(DISTINCT d.recipient_id) {source} GROUP BY s.channel, s.language"
    else:
        targets = targets_for(alert)
        if not targets:
            return {}
        t = _tables()
        placeholders = ", ".join("%s" for _ in targets)
        # Only quoted table names and placeholders are formatted in; every value is a parameter.
        sql = (
            f"SELECT s.channel, s.language, COUNT(DISTINCT s.id) FROM {t['subscriber']} s "  # noqa: S608
            f"JOIN {t['area']} a ON a.subscriber_id = s.id WHERE s.state = 'active' AND a.code IN ({placeholders}) "
            f"GROUP BY s.channel, s.language"
        )
        params = [code for code, _priority in targets]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(channel, language): count for channel, language, count in cursor.fetchall()}


def originals_still_open(alert: Alert) -> bool:
    """Whether a verified-activity alert of the incident is still going out (more people may receive it)."""
    return Delivery.objects.filter(
        broadcast__alert__incident_id=alert.incident_id,
        broadcast__alert__kind=Alert.Kind.VERIFIED_ACTIVITY,
        state__in=Delivery.OPEN,
    ).exists()

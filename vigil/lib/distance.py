"""The one distance between two points that Vigil uses: at city scale, in metres."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_000.0


def meters_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance on a sphere: exact enough across a city (well under 1% at New York's
    scale), and cheap enough to run for every candidate of every report."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return EARTH_RADIUS_M * math.hypot(x, y)

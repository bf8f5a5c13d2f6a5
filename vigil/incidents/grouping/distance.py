"""Distance between two points at city scale."""

from __future__ import annotations

import math


def meters_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in meters (equirectangular: exact enough at city scale and cheap)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6_371_000.0 * math.hypot(x, y)

"""Where an open candidate is, as one short key the database can index (`Incident.grouping_cell`), and
the keys a report must look under to find every candidate it could join.

A candidate with a point is filed under the grid cell of its point: cells about 550 m on a side (half a
hundredth of a degree of latitude, and as many metres of longitude in each row), so every candidate
within `Rules.max_distance_m` of a report is under one of the twenty-odd cells around it. Smaller cells
read fewer candidates that are too far to join, at the cost of more keys in the query. A candidate without
a point is filed under its neighborhood ("a" and the code), else its borough ("b" and the code), else
under the empty key. Any engine indexes such a text column next to the time of the last report; no
spatial extension is needed.
"""

from __future__ import annotations

import math

CELL_DEG = 0.005
_M_PER_DEG = 111_195.0


def _row(lat: float) -> int:
    return math.floor(lat / CELL_DEG)


def _lon_step(row: int) -> float:
    # The same ground width in every row: a degree of longitude shrinks with cos(latitude).
    return CELL_DEG / max(0.05, math.cos(math.radians((row + 0.5) * CELL_DEG)))


def point_cell(lat: float, lon: float) -> str:
    """The key of the grid cell a point lies in."""
    row = _row(lat)
    return f"g{row}:{math.floor(lon / _lon_step(row))}"


def area_cell(area: str) -> str:
    return f"a{area}"


def borough_cell(borough: str) -> str:
    return f"b{borough}"


def cells_in_bounds(south: float, west: float, north: float, east: float) -> list[str]:
    """The keys of every grid cell that meets the box (degrees)."""
    out = []
    for row in range(_row(south), _row(north) + 1):
        step = _lon_step(row)
        out.extend(f"g{row}:{col}" for col in range(math.floor(west / step), math.floor(east / step) + 1))
    return out


def cells_around(lat: float, lon: float, meters: float) -> list[str]:
    """The keys of every grid cell holding some point within `meters` of this one (and a few more)."""
    dlat = meters / _M_PER_DEG
    # The widest the box gets: at the latitude of its edge nearer the pole.
    far = min(89.0, abs(lat) + dlat)
    dlon = meters / (_M_PER_DEG * max(0.05, math.cos(math.radians(far))))
    return cells_in_bounds(lat - dlat, lon - dlon, lat + dlat, lon + dlon)


def candidate_cell(lat: float | None, lon: float | None, area: str, borough: str) -> str:
    """Where a candidate is filed: its point's cell, else its neighborhood, else its borough, else ''."""
    if lat is not None and lon is not None:
        return point_cell(lat, lon)
    if area:
        return area_cell(area)
    if borough:
        return borough_cell(borough)
    return ""

"""Distance between two points at city scale: the project's one function (vigil.lib.distance)."""

from __future__ import annotations

from vigil.lib.distance import meters_between

__all__ = ["meters_between"]

"""Grouping a stream of reports in memory (`Grouper`), for batch work and the benchmark."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable

from vigil.incidents.grouping.candidates import CandidateState
from vigil.incidents.grouping.features import KIND_MULTIPLIER, KIND_NUMBER, KIND_WORD, head_of
from vigil.incidents.grouping.reports import ReportFeatures
from vigil.incidents.grouping.rules import DEFAULT_RULES, DEFAULT_THRESHOLD, Rules
from vigil.incidents.grouping.scoring import Neighbors, Probe, choose_best, choose_reading
from vigil.incidents.grouping.statistics import FeatureStats

# The keys of the 3x3 block of grid cells around a cell, as steps from its own key (see `_cell_key`).
_AROUND = tuple((d_row << 21) + d_col for d_row in (-1, 0, 1) for d_col in (-1, 0, 1))


class Grouper:
    """Groups a stream of reports in memory, the way the database layer does one report at a time.

    Only candidates that could possibly match are scored (blocking): those whose centroid lies in the
    grid cells around the report's point, those sharing the report's area or a neighboring one, and,
    for a report without a point, those sharing one of its distinctive words or numbers. Candidates
    idle for longer than twice the time window are closed and leave the indexes, so the work per
    report stays flat however long the stream. Feature statistics (`FeatureStats`) are kept along the
    way unless `use_stats` is false.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        neighbors: Neighbors | None = None,
        rules: Rules = DEFAULT_RULES,
        id_prefix: str = "c",
        use_stats: bool = True,
        place_words: frozenset[int] | None = None,
    ) -> None:
        self.threshold = threshold
        self.place_words = place_words
        self.rules = rules
        self.stats = FeatureStats() if use_stats else None
        self._neighbors_fn = neighbors
        self._neighbor_cache: dict[str, frozenset[str]] = {}
        self._near_cache: dict[str, tuple[str, ...]] = {}
        self._neighbors_arg = self._neighbors if neighbors is not None else None
        self._id_prefix = id_prefix
        self._next = 0
        self.incidents: dict[str, CandidateState] = {}
        self.assignments: dict[str, str] = {}
        self._open: dict[str, CandidateState] = {}
        self._cell_of: dict[str, int] = {}
        self._by_cell: dict[int, set[str]] = {}
        self._by_area: dict[str, set[str]] = {}
        self._by_key: dict[int, set[str]] = {}
        self._keys_of: dict[str, list[int]] = {}
        self._nowhere: dict[str | None, set[str]] = {}
        self._nowhere_ids: set[str] = set()
        self._area_count: dict[str, int] = {}
        # Candidates without a centroid, by area: what a report with a point cannot find in the grid.
        self._by_area_nopoint: dict[str, set[str]] = {}
        self._nopoint_ids: set[str] = set()
        self._expiry: list[tuple[float, str]] = []
        self._watermark = float("-inf")
        self._idle = 2 * rules.window.total_seconds()
        # Cells at least max_distance wide, so the 3x3 block around a point covers every centroid
        # that could be within max_distance. Longitude cells assume latitudes below 60 degrees.
        self._cell_lat = rules.max_distance_m / 111_000.0
        self._cell_lon = rules.max_distance_m / (111_000.0 * 0.5)

    def _neighbors(self, area: str) -> frozenset[str]:
        cached = self._neighbor_cache.get(area)
        if cached is None:
            cached = frozenset(self._neighbors_fn(area)) - {area} if self._neighbors_fn else frozenset()
            self._neighbor_cache[area] = cached
        return cached

    def _area_and_neighbors(self, area: str) -> tuple[str, ...]:
        """The area, then its neighbors (as `_neighbors`), looked up once per area."""
        found = self._near_cache.get(area)
        if found is None:
            found = self._near_cache[area] = (area, *self._neighbors(area))
        return found

    def _cell_key(self, lat: float, lon: float) -> int:
        """The grid cell of a point as one int (cheaper to hash than a (row, column) tuple; rows and
        columns never reach 2**20). Inlined where it runs per report."""
        return (math.floor(lat / self._cell_lat) << 21) + math.floor(lon / self._cell_lon)

    def _index(self, c: CandidateState, keys: list[int]) -> None:
        """Put the candidate in the grid (by centroid), area and word indexes; `keys` are the words and
        street numbers it has just gained."""
        cid = c.incident_id
        if c.lat is not None and c.lon is not None:
            cell = (math.floor(c.lat / self._cell_lat) << 21) + math.floor(c.lon / self._cell_lon)  # _cell_key
            old = self._cell_of.get(cid)
            if old != cell:
                if old is not None:
                    self._by_cell[old].discard(cid)
                self._by_cell.setdefault(cell, set()).add(cid)
                self._cell_of[cid] = cell
        if len(c.areas) != self._area_count.get(cid, 0):
            self._area_count[cid] = len(c.areas)
            for area in c.areas:
                self._by_area.setdefault(area, set()).add(cid)
                if not c.has_point:
                    self._by_area_nopoint.setdefault(area, set()).add(cid)
        if c.has_point and cid in self._nopoint_ids:
            # It has a centroid now: reports with a point will find it through the grid.
            self._nopoint_ids.discard(cid)
            for area in c.areas:
                ids = self._by_area_nopoint.get(area)
                if ids:
                    ids.discard(cid)
        elif not c.has_point:
            self._nopoint_ids.add(cid)
        if not c.areas and not c.has_point:
            self._nowhere.setdefault(next(iter(c.boroughs), None), set()).add(cid)
            self._nowhere_ids.add(cid)
        elif cid in self._nowhere_ids:
            self._nowhere_ids.discard(cid)
            for ids in self._nowhere.values():
                ids.discard(cid)
        if self.rules.other_area is not None and keys:
            by_key = self._by_key
            for f in keys:
                ids = by_key.get(f)
                if ids is None:
                    by_key[f] = {cid}
                else:
                    ids.add(cid)
            self._keys_of.setdefault(cid, []).extend(keys)

    def _unindex(self, c: CandidateState) -> None:
        cid = c.incident_id
        cell = self._cell_of.pop(cid, None)
        if cell is not None:
            self._by_cell[cell].discard(cid)
        self._area_count.pop(cid, None)
        for area in c.areas:
            self._by_area[area].discard(cid)
        if cid in self._nopoint_ids:
            self._nopoint_ids.discard(cid)
            for area in c.areas:
                ids = self._by_area_nopoint.get(area)
                if ids:
                    ids.discard(cid)
        if cid in self._nowhere_ids:
            self._nowhere_ids.discard(cid)
            for ids in self._nowhere.values():
                ids.discard(cid)
        by_key = self._by_key
        for f in self._keys_of.pop(cid, ()):
            ids = by_key.get(f)
            if ids is not None:
                ids.discard(cid)
                if not ids:
                    del by_key[f]

    def _expire(self, now: float) -> None:
        """Close candidates idle for more than twice the window (twice: reports may arrive a little out
        of order, and a candidate must still be there for a late one). Times are POSIX seconds."""
        if now > self._watermark:
            self._watermark = now
        horizon = self._watermark - self._idle
        expiry = self._expiry
        while expiry and expiry[0][0] < horizon:
            _, cid = heapq.heappop(expiry)
            c = self._open.get(cid)
            if c is None:
                continue
            if c._last_ts >= horizon:
                heapq.heappush(expiry, (c._last_ts, cid))
                continue
            del self._open[cid]
            self._unindex(c)
            # Closed for good: its text summary is no longer needed, and a long stream would
            # otherwise keep every incident's features in memory.
            c.signature = set()
            c.numbers = {}
            c.streets = {}

    def candidates_for(self, report: ReportFeatures, weights: dict[int, float] | None = None) -> list[CandidateState]:
        """The open candidates worth scoring for this report (blocking).

        Steps:
        1. With a point: candidates whose centroid is in the 3x3 grid cells around it.
        2. With an area: candidates in that area or a neighboring one (for a report with a point, only
           those without a centroid, which the grid cannot find).
        3. Without a point: candidates sharing one of its distinctive words or street numbers
           (weight at least half of a never-seen one, when `weights` are given), wherever they are.
        4. Without point or area: candidates that have neither, in the same borough.
        """
        ids: set[str] = set()
        has_point = report.lat is not None and report.lon is not None
        if has_point:
            # Cells are max_distance wide: a centroid within max_distance of the report lies in the
            # 3x3 block of cells around the report's.
            center = (math.floor(report.lat / self._cell_lat) << 21) + math.floor(
                report.lon / self._cell_lon
            )  # _cell_key
            ids.update(*filter(None, map(self._by_cell.get, [center + step for step in _AROUND])))
        if report.area:
            # A report with a point finds every candidate that has a centroid through the grid (the
            # others are beyond max_distance); by area it only needs those without one.
            by_area = self._by_area_nopoint if has_point else self._by_area
            if by_area:
                ids.update(*filter(None, map(by_area.get, self._area_and_neighbors(report.area))))
        if not has_point:
            if self.rules.other_area is not None:
                by_key = self._by_key
                for f, _parts in report.units:
                    kind = f & 3
                    if kind == KIND_NUMBER or kind == KIND_WORD:
                        if weights is not None and weights.get(f, 0.0) < 0.5 * KIND_MULTIPLIER[kind]:
                            continue
                        found = by_key.get(f)
                        if found:
                            ids.update(found)
            if not report.area:
                ids.update(self._nowhere.get(report.borough, ()))
        # Sorted so the outcome never depends on set iteration order.
        return list(map(self._open.__getitem__, sorted(ids)))

    def add(self, report: ReportFeatures) -> str:
        """Group one report; return the id of the incident it joined or started.

        Steps:
        1. Close candidates that have gone quiet.
        2. Score the blocked candidates and take the best above the threshold (`choose_candidate`); for a
           report with other readings of its place, the candidates near each, and the best over all
           readings (`choose_reading`).
        3. Absorb the report into it, or start a new candidate.
        4. Update the feature statistics and the indexes (centroid, areas and words may have changed).
        """
        stats = self.stats
        probe = Probe(report, self._neighbors_arg, self.rules, stats, self.place_words)
        self._expire(probe.ts)
        if report.readings:
            probes = [
                probe,
                *(Probe(r, self._neighbors_arg, self.rules, stats, self.place_words) for r in report.readings),
            ]
            found: dict[str, CandidateState] = {}
            for p in probes:
                found.update((c.incident_id, c) for c in self.candidates_for(p.report, probe.weights))
            chosen, reading = choose_reading(probes, [found[k] for k in sorted(found)], self.threshold)
            if chosen is not None:
                # Joined at that reading: the candidate takes the report's place from it.
                report = probes[reading].report
        else:
            chosen = choose_best(probe, self.candidates_for(report, probe.weights), self.threshold)
        units = report.units
        if chosen is None:
            self._next += 1
            cid = f"{self._id_prefix}{self._next:07d}"
            chosen = CandidateState.start(cid, report, stats, probe.weights, self.place_words)
            self.incidents[cid] = chosen
            self._open[cid] = chosen
            heapq.heappush(self._expiry, (chosen._last_ts, cid))
            new_heads = list(dict.fromkeys(map(head_of, units)))
            if stats is not None:
                stats.observe_incident(new_heads, report.at)
        else:
            added = chosen.absorb(report, stats, probe.weights, self.place_words)
            new_heads = list(dict.fromkeys([h for h in map(head_of, units) if h in added])) if added else []
            if stats is not None and new_heads:
                stats.observe_features(new_heads, report.at)
        self._index(chosen, [h for h in new_heads if h & 3 == KIND_NUMBER or h & 3 == KIND_WORD])
        self.assignments[report.report_id] = chosen.incident_id
        return chosen.incident_id

    def add_all(self, reports: Iterable[ReportFeatures]) -> list[str]:
        """Group reports in the order given; return the incident id of each."""
        return [self.add(r) for r in reports]

"""The summary of an open candidate incident (`CandidateState`): what grouping compares new reports with,
how a report is absorbed into it, and its stored forms (packed bytes, or JSON written before packing)."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from vigil.incidents.grouping.distance import meters_between
from vigil.incidents.grouping.features import CODE_FEATURES, KIND_NUMBER, KIND_WORD
from vigil.incidents.grouping.reports import ReportFeatures, report_weights
from vigil.incidents.grouping.statistics import FeatureStats

# A candidate's signature is the union of its reports'; past this size new features are not added, so
# one long-running incident cannot come to contain every word and swallow unrelated reports.
MAX_CANDIDATE_SIGNATURE = 800
# Beyond this from an established centroid, a report's point is treated as an outlier (see absorb).
OUTLIER_M = 250.0
# The named places a candidate keeps for the named-place rule: the first few are enough to tell a
# scene a few blocks away, and keep the summary small.
MAX_NAMED_PLACES = 8


# The binary summary: a format byte, then the scalars and the lengths of what follows.
SUMMARY_FORMAT = 2
_SUMMARY_HEAD = struct.Struct("<BqqddIIdHHHIIIH")
# Format 1, written before named places were kept: the same head without their count.
_SUMMARY_HEAD_1 = struct.Struct("<BqqddIIdHHHIII")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


def _from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


@dataclass(slots=True)
class CandidateState:
    """The summary of an open candidate incident that grouping compares new reports with.

    The database layer stores it with the incident (see `as_dict`/`from_dict`) and hands it back.
    `signature` is the union of the reports' signatures (a plain set, grown in place).
    `lat`/`lon` is the mean of the points of the reports that had one (outliers aside); `point_count`
    is how many went into it, so the mean can be updated without the reports.
    """

    incident_id: str
    first_at: datetime
    last_at: datetime
    lat: float | None = None
    lon: float | None = None
    areas: set[str] = field(default_factory=set)
    signature: set[int] = field(default_factory=set)
    report_count: int = 0
    point_count: int = 0
    boroughs: set[str] = field(default_factory=set)
    text_weight: float = 0.0
    numbers: dict[int, float] = field(default_factory=dict)
    streets: dict[int, float] = field(default_factory=dict)
    places: list[tuple[float, float]] = field(default_factory=list)
    # Scoring compares times as POSIX seconds; kept in step with first_at/last_at by absorb.
    _first_ts: float = field(default=0.0, init=False, repr=False, compare=False)
    _last_ts: float = field(default=0.0, init=False, repr=False, compare=False)
    # Totals of `numbers` (street numbers only) and `streets`, kept by absorb for the conflict rules.
    _number_total: float = field(default=0.0, init=False, repr=False, compare=False)
    _street_total: float = field(default=0.0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._first_ts = self.first_at.timestamp()
        self._last_ts = self.last_at.timestamp()
        self._number_total = sum(v for f, v in self.numbers.items() if f & 3 == KIND_NUMBER)
        self._street_total = sum(self.streets.values())

    @classmethod
    def start(
        cls,
        incident_id: str,
        report: ReportFeatures,
        stats: FeatureStats | None = None,
        weights: dict[int, float] | None = None,
        place_words: frozenset[int] | None = None,
    ) -> CandidateState:
        """A new candidate holding just this report."""
        state = cls(incident_id=incident_id, first_at=report.at, last_at=report.at)
        state.absorb(report, stats, weights, place_words)
        return state

    def absorb(
        self,
        r: ReportFeatures,
        stats: FeatureStats | None = None,
        weights: dict[int, float] | None = None,
        place_words: frozenset[int] | None = None,
    ) -> frozenset[int]:
        """Add a report to the summary; return the text features the candidate did not have yet.

        `text_weight` grows by the weight the new features have when they arrive (from `weights`, the
        report's weights if the caller has them, else from `stats`, else `Rules.uniform_weight`): how
        much the candidate itself says, which is what lets a report naming another place count against
        it. `numbers` and `streets` keep the weight of each number and street name (a word of
        `place_words`) the same way, for the conflict rules.

        Steps:
        1. Widen the time span.
        2. Move the centroid: running mean over the reports that have a point, outliers left out.
        3. Add the report's area (unless its point is an outlier) and borough.
        4. Add its text features, up to `MAX_CANDIDATE_SIGNATURE`, and their weight.
        5. Count it.
        """
        ts = r.at.timestamp()
        if self.report_count == 0 or ts < self._first_ts:
            self.first_at, self._first_ts = r.at, ts
        if self.report_count == 0 or ts > self._last_ts:
            self.last_at, self._last_ts = r.at, ts
        outlier = False
        if r.lat is not None and r.lon is not None:
            n = self.point_count
            if n == 0 or self.lat is None or self.lon is None:
                self.lat, self.lon = r.lat, r.lon
                self.point_count = 1
            elif n >= 2 and meters_between(r.lat, r.lon, self.lat, self.lon) > OUTLIER_M:
                # A point far from a centroid that two or more points agree on is a poor fix or a
                # reporter down the street: it joins, but neither moves the centroid nor adds its area.
                outlier = True
            else:
                self.lat += (r.lat - self.lat) / (n + 1)
                self.lon += (r.lon - self.lon) / (n + 1)
                self.point_count = n + 1
        if r.area and not outlier:
            self.areas.add(r.area)
        if r.borough:
            self.boroughs.add(r.borough)
        for place in r.places:
            if len(self.places) < MAX_NAMED_PLACES and place not in self.places:
                self.places.append(place)
        added: frozenset[int] = frozenset()
        if len(self.signature) < MAX_CANDIDATE_SIGNATURE:
            added = r.sig - self.signature
            if added:
                self.signature |= added
                if weights is None:
                    weights = report_weights(r, stats)
                self.text_weight += sum(map(weights.__getitem__, added))
                for head, _parts in r._units or r.units:
                    if head in added:
                        kind = head & 3
                        if kind & 1:  # KIND_NUMBER or KIND_DIGIT
                            if head not in self.numbers:  # a report may repeat a number
                                self.numbers[head] = weights[head]
                                if kind == KIND_NUMBER:
                                    self._number_total += weights[head]
                        elif (
                            kind == KIND_WORD
                            and place_words
                            and (head in place_words or head in CODE_FEATURES)
                            and head not in r.area_words
                            and weights[head] > 0.0
                        ):
                            if head not in self.streets:
                                self.streets[head] = weights[head]
                                self._street_total += weights[head]
        self.report_count += 1
        return added

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def as_dict(self) -> dict:
        """A JSON-friendly form for storage next to the incident."""
        return {
            "incident_id": self.incident_id,
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "lat": self.lat,
            "lon": self.lon,
            "areas": sorted(self.areas),
            "signature": sorted(self.signature),
            "report_count": self.report_count,
            "point_count": self.point_count,
            "boroughs": sorted(self.boroughs),
            "text_weight": self.text_weight,
            "numbers": sorted([f, w] for f, w in self.numbers.items()),
            "streets": sorted([f, w] for f, w in self.streets.items()),
            "places": [list(p) for p in self.places],
        }

    def copy(self) -> CandidateState:
        """An independent copy (the sets and maps are copied, not shared)."""
        return CandidateState(
            incident_id=self.incident_id,
            first_at=self.first_at,
            last_at=self.last_at,
            lat=self.lat,
            lon=self.lon,
            areas=set(self.areas),
            signature=set(self.signature),
            report_count=self.report_count,
            point_count=self.point_count,
            boroughs=set(self.boroughs),
            text_weight=self.text_weight,
            numbers=dict(self.numbers),
            streets=dict(self.streets),
            places=list(self.places),
        )

    def to_bytes(self) -> bytes:
        """A compact binary form of `as_dict` for storage: packing takes a tenth of the time JSON does,
        and grouping writes one per report while holding the lock (see `from_bytes`)."""
        ident = self.incident_id.encode()
        areas = "\x1f".join(sorted(self.areas)).encode()
        boroughs = "\x1f".join(sorted(self.boroughs)).encode()
        n_sig, n_num, n_str = len(self.signature), len(self.numbers), len(self.streets)
        head = _SUMMARY_HEAD.pack(
            SUMMARY_FORMAT,
            _micros(self.first_at),
            _micros(self.last_at),
            math.nan if self.lat is None else self.lat,
            math.nan if self.lon is None else self.lon,
            self.report_count,
            self.point_count,
            self.text_weight,
            len(ident),
            len(areas),
            len(boroughs),
            n_sig,
            n_num,
            n_str,
            len(self.places),
        )
        return b"".join(
            (
                head,
                ident,
                areas,
                boroughs,
                struct.pack(f"<{n_sig}I", *self.signature),
                struct.pack(f"<{n_num}I{n_num}d", *self.numbers.keys(), *self.numbers.values()),
                struct.pack(f"<{n_str}I{n_str}d", *self.streets.keys(), *self.streets.values()),
                struct.pack(f"<{2 * len(self.places)}d", *(x for place in self.places for x in place)),
            )
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> CandidateState:
        """The state `to_bytes` wrote; ValueError if the bytes are not one."""
        if not blob or blob[0] not in (1, SUMMARY_FORMAT):
            raise ValueError("not a grouping summary")
        head = _SUMMARY_HEAD if blob[0] == SUMMARY_FORMAT else _SUMMARY_HEAD_1
        (_v, first, last, lat, lon, count, points, weight, n_id, n_areas, n_boroughs, n_sig, n_num, n_str, *rest) = (
            head.unpack_from(blob)
        )
        n_places = rest[0] if rest else 0
        at = head.size
        ident = blob[at : at + n_id].decode()
        at += n_id
        areas = blob[at : at + n_areas].decode()
        at += n_areas
        boroughs = blob[at : at + n_boroughs].decode()
        at += n_boroughs
        signature = struct.unpack_from(f"<{n_sig}I", blob, at)
        at += 4 * n_sig
        numbers = struct.unpack_from(f"<{n_num}I{n_num}d", blob, at)
        at += 12 * n_num
        streets = struct.unpack_from(f"<{n_str}I{n_str}d", blob, at)
        at += 12 * n_str
        places = struct.unpack_from(f"<{2 * n_places}d", blob, at)
        return cls(
            incident_id=ident,
            first_at=_from_micros(first),
            last_at=_from_micros(last),
            lat=None if math.isnan(lat) else lat,
            lon=None if math.isnan(lon) else lon,
            areas=set(areas.split("\x1f")) if areas else set(),
            signature=set(signature),
            report_count=count,
            point_count=points,
            boroughs=set(boroughs.split("\x1f")) if boroughs else set(),
            text_weight=weight,
            numbers=dict(zip(numbers[:n_num], numbers[n_num:], strict=True)),
            streets=dict(zip(streets[:n_str], streets[n_str:], strict=True)),
            places=list(zip(places[::2], places[1::2], strict=True)),
        )

    @classmethod
    def from_dict(cls, data: dict) -> CandidateState:
        return cls(
            incident_id=str(data["incident_id"]),
            first_at=datetime.fromisoformat(data["first_at"]),
            last_at=datetime.fromisoformat(data["last_at"]),
            lat=data.get("lat"),
            lon=data.get("lon"),
            areas=set(data.get("areas", ())),
            signature=set(data.get("signature", ())),
            report_count=int(data.get("report_count", 0)),
            point_count=int(data.get("point_count", 0)),
            boroughs=set(data.get("boroughs", ())),
            text_weight=float(data.get("text_weight", 0.0)),
            numbers={int(f): float(w) for f, w in data.get("numbers", ())},
            streets={int(f): float(w) for f, w in data.get("streets", ())},
            places=[(float(lat), float(lon)) for lat, lon in data.get("places", ())],
        )

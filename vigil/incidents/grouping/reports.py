"""What grouping knows about one report (`ReportFeatures`) and the weight of each of its features."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from vigil.incidents.grouping.features import KIND_MULTIPLIER, Signature, Unit, analyze_text
from vigil.incidents.grouping.rules import DEFAULT_RULES
from vigil.incidents.grouping.statistics import FeatureStats


@dataclass(slots=True)
class ReportFeatures:
    """What grouping needs to know about one report.

    `area` is the neighborhood code (an NTA in NYC) resolved from the point, or from the place the
    text names when there is no point. `signature` may be left out: it is computed from `text` the first
    time it is needed. `places`: the points of the named places the text resolves to, if any.
    """

    report_id: str
    at: datetime
    lat: float | None
    lon: float | None
    area: str | None
    borough: str | None
    text: str
    signature: Signature | None = field(default=None, repr=False, compare=False)
    # Points of the places the text names, as the caller's gazetteer resolved them (corners, stations,
    # landmarks; not streets or neighborhoods, which have no point): for the named-place rule.
    places: tuple[tuple[float, float], ...] = ()
    # Word features of the report's own neighborhood's names ("Mott Haven", "Canarsie"): in a report
    # placed there they name the neighborhood, not the street of the same name, so they are no street
    # for the street-name conflict rule.
    area_words: frozenset[int] = frozenset()
    # The same report at the other places its text may name, when its point came from that text and the
    # words name several places nothing in it tells apart ("5th Ave & 49th St": Midtown and Sunset Park);
    # made with `placed_at`. Grouping tries each and keeps the one whose best candidate scores highest.
    readings: tuple[ReportFeatures, ...] = ()
    _units: list[Unit] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("ReportFeatures.at must be timezone-aware")

    @property
    def units(self) -> list[Unit]:
        if self._units is None:
            units, signature = analyze_text(self.text)
            self._units = units
            if self.signature is None:
                self.signature = signature
        return self._units

    @property
    def sig(self) -> Signature:
        if self.signature is None:
            units, signature = analyze_text(self.text)
            if self._units is None:
                self._units = units
            self.signature = signature
        return self.signature

    def placed_at(
        self, lat: float, lon: float, area: str | None, borough: str | None, area_words: frozenset[int] = frozenset()
    ) -> ReportFeatures:
        """This report at another place (one of its `readings`): the same id, time and text, its words
        analysed once for both, and the place as its only named place."""
        other = ReportFeatures(
            self.report_id,
            self.at,
            lat,
            lon,
            area,
            borough,
            self.text,
            signature=self.signature,
            places=((lat, lon),),
            area_words=area_words,
        )
        other._units = self._units
        return other

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


def report_weights(
    report: ReportFeatures, stats: FeatureStats | None = None, uniform: float | None = None
) -> dict[int, float]:
    """Weight of each of the report's features: its unit head's rarity (from `stats`, or `uniform`
    without) times the head's kind multiplier for the head, times one for its parts.

    Steps:
    1. Rarity of every head at the report's time.
    2. Parts first, then heads, so that a head that is also some other unit's part keeps its own weight.
    """
    units = report.units
    heads = [head for head, _parts in units]
    if stats is None:
        base = dict.fromkeys(heads, DEFAULT_RULES.uniform_weight if uniform is None else uniform)
    else:
        base = stats.weights(heads, report.at)
    mult = KIND_MULTIPLIER
    out: dict[int, float] = {}
    for head, parts in units:
        if parts:
            out.update(dict.fromkeys(parts, base[head]))
    for head in heads:
        out[head] = base[head] * mult[head & 3]
    return out

"""A labeled set of enforcement reports for measuring grouping, generated with a fixed seed.

Events (enforcement scenes) are placed at real NYC street intersections; each draws several reports
written in the languages New Yorkers report in, with the noise real reports have: the place written
many ways (abbreviations, ordinals, street names in Cyrillic letters, digits in Bengali or Arabic
script, typos), vague reports that only carry a phone's point, GPS error and the occasional reporter
who is blocks away, timing spread over hours, and reports that give the place as text only.

Events are made to collide: a share of them get a "sibling" event in the same neighborhood within two
hours (a multi-site operation), and neighborhoods are weighted so that some are hot spots.

Data read at run time: the street corners and street list of the committed gazetteer
(`jurisdictions/nyc/places/`), else the OpenStreetMap intersections file, and the NTA 2020 polygons
(`jurisdictions/nyc/areas/nta.geojson`, else `nta2020.geojson`), looked up in `VIGIL_NYC_DATA`, then
`jurisdictions/nyc/` (the repository's own copy); nothing is copied. Areas of points come from
`vigil.geo.areas.resolve_point` when that module is importable, else from the polygons directly. A
text-only report's area is what `vigil.geo.places.resolve_place_text` makes of its text when that
module is importable (the figures say how often it resolved, and how often to the true NTA), else the
neighborhood the text names (as if the reporter had picked it in the form).

How hard the set is (`Noise`) is printed with the figures: by default about 100 scenes a day citywide,
15% of them with a second scene in the same neighborhood within two hours, hot-spot neighborhoods,
27% of reports with the place as text only, 40% of reports with a point but no place in the text, GPS
error of 25 m for most, 100 m for one in ten, a reporter 300-700 m away for three in a hundred, one
report in ten sent one to three hours late, and typos.

Usage: `generate(n_reports, seed)` returns `(items, stats)`, items being `(ReportFeatures, label)`.
"""

from __future__ import annotations

import bisect
import functools
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_places import Area, AreaIndex, Place, load_places  # noqa: E402
from bench.gen_writing import (  # noqa: E402
    COLORS,
    CORNER,
    DETAILS,
    IN_AREA,
    LANGUAGES,
    NO_PLACE,
    SITES,
    WITH_PLACE,
    digits,
    render_street,
)
from vigil.incidents.grouping import ReportFeatures, place_word_features  # noqa: E402

SEED = 20260501


# How many reports an event draws (weights): most scenes get a few, a big workplace raid dozens.
_REPORT_COUNTS = {1: 16, 2: 15, 3: 14, 4: 12, 5: 10, 6: 8, 7: 6, 8: 5, 10: 4, 12: 3, 15: 3, 20: 2, 30: 1}

# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------


@dataclass
class Event:
    label: int
    place: Place
    start: datetime
    vehicles: int
    color: int
    reports: int
    sibling_of: int | None = None


@dataclass
class Stats:
    reports: int = 0
    events: int = 0
    share_events_sharing_neighborhood: float = 0.0
    share_text_only_place: float = 0.0
    text_only_reports: int = 0
    text_only_resolved_by_gazetteer: int = 0
    gazetteer_used: bool = False
    gazetteer_area_matches_truth: float = 0.0
    areas_source: str = ""
    places_source: str = ""


@dataclass(frozen=True)
class Noise:
    """How hard the set is. Every knob is printed with the benchmark's figures.

    events_per_day: citywide rate of enforcement scenes (a surge; ordinary days see far fewer).
    hot_spot_alpha: Pareto shape of neighborhood weights (smaller: activity more concentrated).
    sibling_share: share of events that get a second event in the same neighborhood, at a corner at
        least sibling_min_m away, starting within sibling_max_minutes of the first.
    text_only_share: share of reports without a point, giving the place in the text.
    vague_share: share of reports with a point whose text names no place at all ("ICE here now").
    gps_sigma_m: usual GPS error (per axis); gps_wide_share of reports get gps_wide_sigma_m instead;
        gps_far_share are from a reporter 300-700 m away (down the avenue, or a stale fix).
    late_share: share of reports sent 1-3 hours after the start (telling what they saw earlier).
    typo_share: share of street names with one typo.
    """

    events_per_day: float = 100.0
    hot_spot_alpha: float = 2.5
    sibling_share: float = 0.15
    sibling_min_m: float = 350.0
    sibling_max_minutes: float = 110.0
    text_only_share: float = 0.27
    vague_share: float = 0.4
    gps_sigma_m: float = 25.0
    gps_wide_share: float = 0.1
    gps_wide_sigma_m: float = 100.0
    gps_far_share: float = 0.03
    late_share: float = 0.1
    typo_share: float = 0.08


def _pick_weighted(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _meters(a: Place, b: Place) -> float:
    from vigil.lib.distance import meters_between

    return meters_between(a.lat, a.lon, b.lat, b.lon)


def _gazetteer():
    try:
        from vigil.geo.places import resolve_place_text

        return resolve_place_text
    except Exception:  # noqa: BLE001 - not written yet, or its data is missing
        return None


def _event_time(rng: random.Random, day0: datetime, days: float) -> datetime:
    """A start time: any day of the span, with most operations in the early morning."""
    day = rng.randrange(max(1, int(days)))
    hour = rng.gauss(8.0, 2.5) if rng.random() < 0.7 else rng.uniform(0, 24)
    hour = min(max(hour, 0.0), 23.99)
    return day0 + timedelta(days=day, hours=hour)


def _place_text(
    rng: random.Random, lang: str, event: Event, areas: dict[str, Area], mode: str, typo_share: float
) -> str:
    a, b = event.place.street1, event.place.street2
    if rng.random() < 0.5:
        a, b = b, a
    if mode == "corner":
        return rng.choice(CORNER[lang]).format(
            a=render_street(rng, lang, a, typo_share), b=render_street(rng, lang, b, typo_share)
        )
    if mode == "street+area":
        return IN_AREA[lang].format(
            s=render_street(rng, lang, a, typo_share), n=areas[event.place.area].name.split("-")[0]
        )
    return render_street(rng, lang, a, typo_share)


def _compose(rng: random.Random, lang: str, event: Event, place_text: str | None) -> str:
    detail = rng.choice(DETAILS[lang])
    if "{color}" in detail:
        # Most reporters agree on the vehicles' color; some do not.
        color = event.color if rng.random() < 0.8 else rng.randrange(len(COLORS[lang]))
        detail = detail.replace("{color}", COLORS[lang][color])
    if "{site}" in detail:
        detail = detail.replace("{site}", rng.choice(SITES.get(lang, SITES["en"])))
    n = max(1, event.vehicles + (rng.choice([-1, 1]) if rng.random() < 0.3 else 0))
    template = rng.choice(WITH_PLACE[lang] if place_text else NO_PLACE[lang])
    text = template.format(place=place_text or "", n=digits(rng, lang, n), detail=detail).strip()
    if lang in ("en", "es") and rng.random() < 0.3:
        text = text.lower()
    return text


def generate(
    n_reports: int = 5000,
    seed: int = SEED,
    *,
    noise: Noise = Noise(),
    use_gazetteer: bool = True,
    index: AreaIndex | None = None,
) -> tuple[list[tuple[ReportFeatures, int]], Stats]:
    """Generate about `n_reports` labeled reports, sorted by time; deterministic for a seed.

    Steps:
    1. Load the corners and give each NTA a hot-spot weight (a few neighborhoods draw most activity).
    2. Draw events until the reports they draw reach `n_reports`; some events get a sibling in the same
       neighborhood, at least 350 m away, starting within two hours of it.
    3. For each event draw its reports: language, time after the start, point with GPS noise (or no point
       and the place in the text), the text from the templates.
    4. Resolve areas: the noisy point's NTA, or for text-only reports the gazetteer's answer; and for
       every report the point of the named place its text gives (a corner, a station, a landmark).
    5. Sort by time, number the reports, measure the two shares the benchmark relies on.
    """
    rng = random.Random(seed)
    index = index or AreaIndex()
    places, places_source = load_places(index)
    by_area: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        by_area[p.area].append(p)
    area_codes = sorted(a for a, ps in by_area.items() if len(ps) >= 8)
    hot = {a: rng.paretovariate(noise.hot_spot_alpha) for a in area_codes}

    mean_reports = sum(k * w for k, w in _REPORT_COUNTS.items()) / sum(_REPORT_COUNTS.values())
    n_events_target = max(1, round(n_reports / mean_reports))
    days = max(1.0, n_events_target / noise.events_per_day)
    day0 = datetime(2026, 3, 2, tzinfo=UTC)

    events: list[Event] = []
    planned = 0
    while planned < n_reports:
        area = _pick_weighted(rng, hot)
        place = rng.choice(by_area[area])
        count = _pick_weighted(rng, _REPORT_COUNTS)
        ev = Event(len(events), place, _event_time(rng, day0, days), rng.randint(2, 6), rng.randrange(5), count)
        events.append(ev)
        planned += count
        if rng.random() < noise.sibling_share:
            # A second team in the same neighborhood: a different corner, within two hours.
            far_enough = [p for p in by_area[area] if _meters(p, place) >= noise.sibling_min_m]
            if far_enough:
                other = rng.choice(far_enough)
                offset = rng.uniform(-noise.sibling_max_minutes, noise.sibling_max_minutes)
                start = ev.start + timedelta(minutes=offset)
                count = _pick_weighted(rng, _REPORT_COUNTS)
                events.append(Event(len(events), other, start, rng.randint(2, 6), rng.randrange(5), count, ev.label))
                planned += count

    gazetteer = _gazetteer() if use_gazetteer else None
    drafts = []  # (at, lat, lon, text, lang, label, true_area, text_only)
    for ev in events:
        for k in range(ev.reports):
            lang = _pick_weighted(rng, LANGUAGES)
            if k == 0:
                delay = rng.expovariate(1 / 6)
            elif rng.random() < noise.late_share:
                delay = rng.uniform(60, 170)  # someone reporting what they saw a while ago
            else:
                delay = min(rng.expovariate(1 / 30), 150)
            at = ev.start + timedelta(minutes=delay)
            text_only = rng.random() < noise.text_only_share
            if text_only:
                mode = "corner" if rng.random() < 0.75 else "street+area"
                text = _compose(rng, lang, ev, _place_text(rng, lang, ev, index.areas, mode, noise.typo_share))
                drafts.append((at, None, None, text, lang, ev.label, ev.place.area, True))
                continue
            # GPS: mostly tens of meters, sometimes a block or two, rarely a reporter far down the street.
            u = rng.random()
            if u < noise.gps_far_share:
                sigma = None
            elif u < noise.gps_far_share + noise.gps_wide_share:
                sigma = noise.gps_wide_sigma_m
            else:
                sigma = noise.gps_sigma_m
            if sigma is None:
                dist, bearing = rng.uniform(300, 700), rng.uniform(0, 2 * math.pi)
                dy, dx = dist * math.cos(bearing), dist * math.sin(bearing)
            else:
                dy, dx = rng.gauss(0, sigma), rng.gauss(0, sigma)
            lat = ev.place.lat + dy / 111_195.0
            lon = ev.place.lon + dx / (111_195.0 * math.cos(math.radians(ev.place.lat)))
            r = rng.random()
            named = 1.0 - noise.vague_share
            mode = "corner" if r < named * 0.73 else "street" if r < named else None
            place_text = _place_text(rng, lang, ev, index.areas, mode, noise.typo_share) if mode else None
            drafts.append((at, lat, lon, _compose(rng, lang, ev, place_text), lang, ev.label, ev.place.area, False))

    point_idx = [i for i, d in enumerate(drafts) if d[1] is not None]
    located = index.locate_many([drafts[i][1] for i in point_idx], [drafts[i][2] for i in point_idx])
    area_of: dict[int, str | None] = dict(zip(point_idx, located, strict=True))
    resolved = 0
    agree = 0
    places_of: dict[int, tuple[tuple[float, float], ...]] = {}
    point_of: dict[int, tuple[float, float]] = {}
    others_of: dict[int, tuple[tuple[float, float, str], ...]] = {}
    for i, d in enumerate(drafts):
        match = None
        if gazetteer is not None:
            try:
                match = gazetteer(d[3], d[4])
            except Exception:  # noqa: BLE001 - a gazetteer bug must not stop the benchmark
                match = None
        # The named place the text resolves to, when it has a point (a corner, a station, a landmark), as
        # the database layer gives it to grouping for the named-place rule.
        if match is not None and match.lat is not None and match.kind != "neighborhood":
            places_of[i] = ((match.lat, match.lon),)
            if d[1] is not None and getattr(match, "others", ()):
                # As production does (`vigil.incidents.actions._named_places`): of the places the words
                # name, the one nearest the phone's point.
                places_of[i] = (match.nearest_to(d[1], d[2]),)
        if d[1] is None:
            area = None
            if gazetteer is not None:
                area = getattr(match, "area", None) if match else None
                if area:
                    resolved += 1
                    agree += area == d[6]
                    if match.lat is not None:
                        # As production's intake places it (`place_report`): the named place's point,
                        # and grouping's other readings of it.
                        point_of[i] = (match.lat, match.lon)
                        others_of[i] = getattr(match, "others", ())
            area_of[i] = area or d[6]

    drafts_sorted = sorted(range(len(drafts)), key=lambda i: (drafts[i][0], i))
    items: list[tuple[ReportFeatures, int]] = []
    for n, i in enumerate(drafts_sorted):
        at, lat, lon, text, _lang, label, _true, _text_only = drafts[i]
        if i in point_of:
            lat, lon = point_of[i]
        area = area_of[i]
        borough = index.areas[area].borough if area in index.areas else None
        report = ReportFeatures(
            f"r{n:07d}", at, lat, lon, area, borough, text, places=places_of.get(i, ()), area_words=_area_words(area)
        )
        if others_of.get(i):
            report.readings = tuple(
                report.placed_at(
                    o_lat, o_lon, nta, index.areas[nta].borough if nta in index.areas else None, _area_words(nta)
                )
                for o_lat, o_lon, nta in others_of[i]
            )
        items.append((report, label))

    stats = Stats(reports=len(items), events=len(events), areas_source=index.source, places_source=places_source)
    stats.share_events_sharing_neighborhood = share_sharing_neighborhood(events)
    text_only = sum(1 for d in drafts if d[7])
    stats.text_only_reports = text_only
    stats.share_text_only_place = text_only / len(drafts) if drafts else 0.0
    stats.gazetteer_used = gazetteer is not None
    stats.text_only_resolved_by_gazetteer = resolved
    stats.gazetteer_area_matches_truth = agree / resolved if resolved else 0.0
    return items, stats


@functools.lru_cache(maxsize=1024)
def _area_words(area: str | None) -> frozenset[int]:
    """As production gives grouping (`vigil.incidents.actions._area_words`): the word features of what
    people call the report's neighborhood, so that "Soundview" there is the neighborhood, not a street."""
    if not area:
        return frozenset()
    try:
        from vigil.geo.areas import neighborhood_names
    except ImportError:  # the geo stack missing: the generator's own areas have no aliases either
        return frozenset()
    return place_word_features(neighborhood_names(area))


def share_sharing_neighborhood(events: list[Event], within: timedelta = timedelta(hours=2)) -> float:
    """Share of events with another event in the same NTA starting within `within` of theirs."""
    starts: dict[str, list[datetime]] = defaultdict(list)
    for ev in events:
        starts[ev.place.area].append(ev.start)
    for values in starts.values():
        values.sort()
    sharing = 0
    for ev in events:
        values = starts[ev.place.area]
        lo = bisect.bisect_left(values, ev.start - within)
        hi = bisect.bisect_right(values, ev.start + within)
        sharing += (hi - lo) > 1  # itself is always there
    return sharing / len(events) if events else 0.0


if __name__ == "__main__":
    items, stats = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    for report, label in items[:25]:
        where = f"{report.lat:.5f},{report.lon:.5f}" if report.lat is not None else "text only"
        print(f"{label:5d} {report.at:%m-%d %H:%M} {report.area} {where:22s} {report.text}")
    print(stats)

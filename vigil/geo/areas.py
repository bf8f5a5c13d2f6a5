"""Jurisdiction areas: which neighbourhood a point lies in, what each area is called, how to draw it.

The committed copy under ``<JURISDICTION_DIR>/areas/`` (written by ``manage.py import_areas``) is the
only thing read here; it is loaded once per process, on first use, behind a lock.

Areas come in three kinds: ``nta`` (Neighborhood Tabulation Area, e.g. ``BK0101``), ``cd`` (community
district, the BoroCD number as a string, e.g. ``"308"``) and ``borough`` (``MN``, ``BX``, ``BK``,
``QN``, ``SI``). Points are resolved to NTAs; an NTA's district and borough come from the table.
"""

# shapely (GEOS) is the geometry library: an STRtree finds candidate polygons, prepared polygons answer
# point-in-polygon, and plain copies answer distance questions.

from __future__ import annotations

import csv
import html
import json
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, box, shape

from vigil.lib.once import BuiltOnce

LOOKUP_FILE = "nta.geojson"
DRAWING_FILE = "nta_drawing.geojson"
TABLE_FILE = "areas.csv"
REPORT_FILE = "conversion.json"
TABLE_COLUMNS = (
    "kind",
    "code",
    "name",
    "borough",
    "boro_code",
    "cd",
    "nta_type",
    "cdta",
    "lat",
    "lon",
    "cd_overlap",
)

# Mean Earth radius (IUGG); the local projection and the great-circle check must use the same one.
EARTH_RADIUS_M = 6_371_008.8
# A point in the water or on a pier within this distance of an NTA still gets that NTA, flagged.
NEAREST_LIMIT_M = 1000.0
# A tiny NTA drawn edge to edge says nothing about where it is; show at least this much ground.
MIN_SVG_SPAN_M = 900.0


@dataclass(frozen=True)
class AreaMatch:
    nta: str
    nta_name: str
    cd: str
    borough: str
    borough_name: str
    approximate: bool


@dataclass(frozen=True)
class Area:
    """One area of any kind. ``cd`` is the district of an NTA, the district's own code for a district,
    and None for a borough. ``centroid`` is (lat, lon) of a label point that lies inside the area."""

    code: str
    kind: str
    name: str
    borough: str
    cd: str | None
    centroid: tuple[float, float]


@dataclass(frozen=True)
class LocalFrame:
    """Equirectangular projection around (lat0, lon0), in metres.

    Over a city (tens of kilometres) east-west distances are off by well under 1 % away from lat0,
    which is why exact distances are re-checked on the sphere where they decide an answer.
    """

    lat0: float
    lon0: float

    @property
    def _kx(self) -> float:
        return math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))

    @property
    def _ky(self) -> float:
        return math.radians(1.0) * EARTH_RADIUS_M

    def forward(self, lon, lat):
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky

    def inverse(self, x, y):
        return x / self._kx + self.lon0, y / self._ky + self.lat0

    def project(self, geometry):
        kx, ky = self._kx, self._ky
        origin = np.array([self.lon0, self.lat0])
        scale = np.array([kx, ky])
        return shapely.transform(geometry, lambda c: (c - origin) * scale)

    def unproject(self, geometry):
        origin = np.array([self.lon0, self.lat0])
        scale = np.array([self._kx, self._ky])
        return shapely.transform(geometry, lambda c: c / scale + origin)

    @classmethod
    def around(cls, bounds: tuple[float, float, float, float]) -> LocalFrame:
        """Frame centred on lon/lat bounds (minx, miny, maxx, maxy)."""
        minx, miny, maxx, maxy = bounds
        return cls(lat0=(miny + maxy) / 2.0, lon0=(minx + maxx) / 2.0)


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def read_feature_collection(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{path}: not a GeoJSON FeatureCollection")
    return data["features"]


class _Areas:
    """Everything loaded from one areas folder; immutable once built."""

    def __init__(self, areas_dir: Path):
        """Load the committed folder.

        1. Read the table: every area's name, kind, borough, district and label point.
        2. Read the lookup polygons, project them into a local metric frame, index them in an STRtree.
        3. Keep prepared copies for point-in-polygon and warm each one up before any thread sees it
           (GEOS builds a prepared polygon's point index lazily, and that first build is not thread-safe).
        4. Read the drawing polygons into the same frame, with their own STRtree.
        """
        self.areas: dict[str, Area] = {}
        with open(areas_dir / TABLE_FILE, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                cd = row["cd"] or None
                self.areas[row["code"]] = Area(
                    code=row["code"],
                    kind=row["kind"],
                    name=row["name"],
                    borough=row["borough"],
                    cd=cd,
                    centroid=(float(row["lat"]), float(row["lon"])),
                )

        features = sorted(read_feature_collection(areas_dir / LOOKUP_FILE), key=lambda f: f["properties"]["NTA2020"])
        self.codes: tuple[str, ...] = tuple(f["properties"]["NTA2020"] for f in features)
        missing = [c for c in self.codes if c not in self.areas]
        if missing:
            raise ValueError(f"{areas_dir}: NTAs missing from {TABLE_FILE}: {missing[:5]}")
        self.index = {code: i for i, code in enumerate(self.codes)}
        degrees = np.array([shape(f["geometry"]) for f in features], dtype=object)
        self.frame = LocalFrame.around(tuple(shapely.total_bounds(degrees)))
        self.shapes = self.frame.project(degrees)
        self.tree = STRtree(self.shapes)
        self.pip = self.frame.project(degrees)
        shapely.prepare(self.pip)
        for geom in self.pip:
            shapely.intersects_xy(geom, 0.0, 0.0)
        # East-west distances in the frame grow by cos(lat0)/cos(lat) towards the pole; search a little
        # wider than asked and let the great-circle check decide.
        lat_far = max(abs(b) for b in shapely.total_bounds(degrees)[1::2]) + 0.05
        self.search_slack = max(1.0, math.cos(math.radians(self.frame.lat0)) / math.cos(math.radians(lat_far)))

        drawing = read_feature_collection(areas_dir / DRAWING_FILE)
        self.drawing: dict[str, object] = {
            f["properties"]["NTA2020"]: self.frame.project(shape(f["geometry"])) for f in drawing
        }
        self.drawing_codes = tuple(sorted(self.drawing))
        self.drawing_tree = STRtree([self.drawing[c] for c in self.drawing_codes])
        self._outline_lock = threading.Lock()
        self._outlines: dict[str, object] = {}

    def match(self, index: int, approximate: bool) -> AreaMatch:
        nta = self.areas[self.codes[index]]
        borough = self.areas[nta.borough]
        return AreaMatch(
            nta=nta.code,
            nta_name=nta.name,
            cd=nta.cd or "",
            borough=nta.borough,
            borough_name=borough.name,
            approximate=approximate,
        )

    def outline(self, code: str):
        """Drawing outline of any area, in the metric frame: NTAs as drawn, districts and boroughs as the
        union of their NTAs (a district's NTAs approximate it; NTAs never straddle boroughs)."""
        with self._outline_lock:
            if code in self._outlines:
                return self._outlines[code]
        area = self.areas[code]
        if area.kind == "nta":
            members = [code]
        elif area.kind == "cd":
            members = [c for c in self.codes if self.areas[c].cd == code]
        else:
            members = [c for c in self.codes if self.areas[c].borough == code]
        parts = [shapely.make_valid(self.drawing[c]) for c in members if c in self.drawing]
        geom = shapely.union_all(parts) if parts else None
        with self._outline_lock:
            self._outlines[code] = geom
        return geom


_loaded: BuiltOnce[_Areas] = BuiltOnce(lambda: _Areas(areas_dir()))
# The geometry work of this module one thread at a time: GEOS through shapely corrupted the heap now and
# then when several threads looked points up at once in polygons just built (the many-threads test of
# test_areas.py crashed about one run in four; none in 34 runs with the lock). A point lookup takes tens of
# microseconds, and the rest is cached, so waiting costs little.
_GEOS_LOCK = threading.RLock()


def areas_dir() -> Path:
    """The committed areas folder: ``settings.JURISDICTION_DIR/areas`` when Django is configured,
    else the NYC pack beside this checkout (so the pure tests and the benchmark run without settings)."""
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        settings = None
    if settings is not None:
        try:
            configured = getattr(settings, "JURISDICTION_DIR", None)
        except ImproperlyConfigured:
            configured = None
        if configured:
            return Path(configured) / "areas"
    return Path(__file__).resolve().parents[2] / "jurisdictions" / "nyc" / "areas"


def _data() -> _Areas:
    return _loaded.get()


def reset_cache() -> None:
    """Forget the loaded copy (after ``import_areas`` rewrote it, or in tests)."""
    _loaded.reset()
    _nearby.cache_clear()
    neighborhood_names.cache_clear()
    _aliases_by_nta.cache_clear()
    area_bounds.cache_clear()


def _check_coordinates(lat: float, lon: float) -> tuple[float, float]:
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise ValueError(f"not a latitude/longitude: {lat!r}, {lon!r}")
    return lat, lon


def resolve_point(lat: float, lon: float) -> AreaMatch | None:
    """The NTA containing (lat, lon).

    1. Project the point into the local metric frame and ask the STRtree for polygons whose box holds it.
    2. Test those candidates exactly (prepared polygons, boundary counts as inside); the lowest code wins
       on a shared boundary so the answer is stable.
    3. Otherwise (water, piers, shoreline) gather NTAs within the limit in the frame, measure each one's
       nearest point on the sphere, and return the closest within 1 km flagged ``approximate``.
    4. Farther than that: None.

    Raises ValueError for non-finite or out-of-range coordinates.
    """
    lat, lon = _check_coordinates(lat, lon)
    data = _data()
    with _GEOS_LOCK:
        return _resolve(data, lat, lon)


def _resolve(data: _Areas, lat: float, lon: float) -> AreaMatch | None:
    x, y = data.frame.forward(lon, lat)
    point = Point(x, y)
    for i in sorted(data.tree.query(point)):
        if shapely.intersects_xy(data.pip[i], x, y):
            return data.match(int(i), approximate=False)

    candidates = data.tree.query(point, predicate="dwithin", distance=NEAREST_LIMIT_M * data.search_slack)
    best: tuple[float, int] | None = None
    for i in sorted(candidates):
        near = shapely.get_coordinates(shapely.shortest_line(data.shapes[i], point))[0]
        near_lon, near_lat = data.frame.inverse(near[0], near[1])
        metres = great_circle_m(lat, lon, near_lat, near_lon)
        if metres <= NEAREST_LIMIT_M and (best is None or metres < best[0]):
            best = (metres, int(i))
    if best is None:
        return None
    return data.match(best[1], approximate=True)


def _normalize_code(code) -> str:
    return str(code).strip().upper()


def get_area(code) -> Area | None:
    """Any NTA, community district or borough by code (case-insensitive; districts may be ints)."""
    return _data().areas.get(_normalize_code(code))


@lru_cache(maxsize=4096)
def area_bounds(code) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) in degrees of an NTA's lookup polygon; None for an unknown code."""
    data = _data()
    index = data.index.get(_normalize_code(code))
    if index is None:
        return None
    with _GEOS_LOCK:
        west, south, east, north = data.frame.unproject(data.shapes[index]).bounds
    return south, west, north, east


def all_area_codes() -> set[str]:
    return set(_data().areas)


@lru_cache(maxsize=512)
def neighborhood_names(code) -> tuple[str, ...]:
    """What people call an NTA: its official name and the aliases of the jurisdiction's
    ``aliases/neighborhoods.tsv`` in every language (empty for an unknown code)."""
    area = get_area(code)
    if area is None:
        return ()
    return (area.name, *_aliases_by_nta().get(_normalize_code(code), ()))


@lru_cache(maxsize=1)
def _aliases_by_nta() -> dict[str, tuple[str, ...]]:
    """Every alias of ``aliases/neighborhoods.tsv`` by NTA code, the file read once."""
    path = areas_dir().parent / "aliases" / "neighborhoods.tsv"
    found: dict[str, list[str]] = {}
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                columns = line.rstrip("\n").split("\t")
                if len(columns) >= 3 and not line.startswith("#"):
                    found.setdefault(columns[0], []).append(columns[2])
    return {code: tuple(names) for code, names in found.items()}


def neighborhoods_by_borough() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """For a neighbourhood picker: [(borough code, borough name, [(NTA code, NTA name), ...]), ...],
    boroughs and NTAs each sorted by name. Parks, airports and cemeteries are included."""
    data = _data()
    boroughs = sorted((a for a in data.areas.values() if a.kind == "borough"), key=lambda a: a.name.casefold())
    result = []
    for borough in boroughs:
        ntas = sorted(
            ((a.code, a.name) for a in data.areas.values() if a.kind == "nta" and a.borough == borough.code),
            key=lambda item: (item[1].casefold(), item[0]),
        )
        result.append((borough.code, borough.name, ntas))
    return result


@lru_cache(maxsize=4096)
def _nearby(code: str, meters: float) -> tuple[str, ...]:
    data = _data()
    i = data.index[code]
    found = []
    # The tree query is only a filter; the pairwise distance is measured in a fixed order so that
    # "A is near B" and "B is near A" are the very same computation.
    with _GEOS_LOCK:
        for j in data.tree.query(data.shapes[i], predicate="dwithin", distance=meters + 1e-6):
            j = int(j)
            if j == i:
                continue
            a, b = (i, j) if i < j else (j, i)
            if shapely.distance(data.shapes[a], data.shapes[b]) <= meters:
                found.append(data.codes[j])
    return tuple(sorted(found))


def nearby_neighborhoods(nta_code: str, meters: float = 300) -> list[str]:
    """NTAs whose boundary lies within ``meters`` of the given NTA, itself excluded, sorted by code.
    Unknown codes give an empty list."""
    code = _normalize_code(nta_code)
    if meters < 0:
        raise ValueError("meters must not be negative")
    if code not in _data().index:
        return []
    return list(_nearby(code, float(meters)))


def _svg_path(geometry, to_px) -> str:
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = []
            for x, y in ring.coords[:-1]:
                p = to_px(x, y)
                if not points or points[-1] != p:
                    points.append(p)
            if len(points) >= 3:
                parts.append("M" + " ".join(points) + "Z")
    return "".join(parts)


def _polygons(geometry):
    """Polygons only, since clipping can leave stray lines and points behind."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [p for g in geometry.geoms for p in _polygons(g)]
    return []


def area_svg(code, width: int = 320, height: int = 320) -> str:
    """A self-contained ``<svg>`` map of the area with the surrounding NTAs drawn faintly.

    1. Take the area's outline from the drawing layer (districts and boroughs: union of their NTAs).
    2. Frame it with a margin, never less than MIN_SVG_SPAN_M across, keeping metres square.
    3. Clip every drawing polygon in view to the frame, drop sub-pixel detail, and write the others as
       faint paths with the area on top.

    Styling uses presentation attributes (not ``style=``) so a strict Content-Security-Policy allows it;
    there are no external references. Returns "" for an unknown code.
    """
    data = _data()
    key = _normalize_code(code)
    if key not in data.areas:
        return ""
    with _GEOS_LOCK:
        return _svg(data, key, int(width), int(height))


def _svg(data: _Areas, key: str, width: int, height: int) -> str:
    target = data.outline(key)
    if target is None or target.is_empty:
        return ""
    minx, miny, maxx, maxy = target.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    span_x = max((maxx - minx) * 1.25, MIN_SVG_SPAN_M)
    span_y = max((maxy - miny) * 1.25, MIN_SVG_SPAN_M)
    scale = min(width / span_x, height / span_y)
    view_w, view_h = width / scale, height / scale
    left, top = cx - view_w / 2, cy + view_h / 2

    def to_px(x: float, y: float) -> str:
        return f"{(x - left) * scale:.1f},{(top - y) * scale:.1f}"

    view = (left, top - view_h, left + view_w, top)
    # Detail finer than half a pixel only bloats the markup (a whole borough would otherwise be ~50 kB).
    pixel_m = 0.5 / scale

    def fit(geometry):
        return _polygons(shapely.simplify(shapely.clip_by_rect(geometry, *view), pixel_m))

    context = []
    for j in sorted(data.drawing_tree.query(box(*view))):
        other = data.drawing_codes[int(j)]
        if other != key:
            context.extend(fit(shapely.make_valid(data.drawing[other])))
    # One path per polygon: an island NTA sitting in another NTA's hole would cancel out under either
    # fill rule if both shared a path.
    context_paths = "".join(f'<path d="{d}"/>' for d in (_svg_path(p, to_px) for p in context) if d)
    target_paths = "".join(f'<path d="{d}"/>' for d in (_svg_path(p, to_px) for p in fit(target)) if d)
    title = html.escape(data.areas[key].name)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{title}" class="vigil-area-map">'
        f"<title>{title}</title>"
        f'<rect width="{width}" height="{height}" fill="#dfe9f1" class="vigil-area-water"/>'
        f'<g fill="#f4f4f2" stroke="#b9b9b4" stroke-width="0.75" fill-rule="evenodd" '
        f'class="vigil-area-context">{context_paths}</g>'
        f'<g fill="#c8102e" fill-opacity="0.3" stroke="#c8102e" stroke-width="2" stroke-linejoin="round" '
        f'fill-rule="evenodd" class="vigil-area-target">{target_paths}</g>'
        "</svg>"
    )

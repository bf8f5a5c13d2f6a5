"""Convert the city's place files into the gazetteer's committed, compact copy.

Run through ``manage.py import_places SOURCE_DIR``. Everything here is a pure function of its inputs
(plus the ``locate`` callable that names the NTA of a point), so the output is byte-for-byte the same
for the same sources: rows are sorted, coordinates rounded, nothing depends on dict or set order.

Output, under ``<out>/places/``:

==========================  ===========================================================================
``streets.tsv``             id, direction, core, kind ("E", "149", "ST"); ids follow the sorted keys
``intersections.tsv``       street id, street id, lat, lon, NTA, near-station flag (city centreline)
``intersections_osm.tsv``   the same, for corners only OpenStreetMap has (ODbL: kept apart on purpose)
``stations.tsv``            subway and SIR stations: id, names ("|"-separated), lat, lon, NTA, routes
``schools.tsv``             DOE schools: code, name, lat, lon, NTA
``landmarks.tsv``           named places: name, facility type, lat, lon, NTA
``manifest.json``           row counts and source file digests
``PROVENANCE-places.md``    where each file comes from, its licence, the attribution to keep
==========================  ===========================================================================

The NTA is computed here, from the unrounded source coordinate (a corner on Roosevelt Avenue sits on the
boundary between two NTAs), so run time needs no geometry for a gazetteer hit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from vigil.geo.streets import Street, parse_street
from vigil.lib.distance import meters_between

Locate = Callable[[float, float], "str | None"]


class SourceError(ValueError):
    """The source folder is missing a file or a file is not what was expected."""


SOURCE_FILES = {
    "cscl": "intersections_cscl.csv",
    "osm": "intersections_osm.csv",
    "stations": "subway_stations.csv",
    "entrances": "subway_entrances.csv",
    "schools": "school_locations.csv",
    "poi": "points_of_interest.csv",
}

# 5 decimals is about a metre: enough to stand on the corner, small enough to keep the files modest.
COORD_DECIMALS = 5
# Two points for the same pair of streets this close together are one corner (a divided avenue, a
# service road, the two sources disagreeing by a few metres).
SAME_CORNER_M = 120.0
# A corner this close to a station is where people say they are ("149th and 3rd"); it wins ties.
NEAR_STATION_M = 200.0
# An old entrance-file station name is attached to the current station this close to it.
ENTRANCE_NAME_M = 120.0

# Parts of a street name that mark a ramp, a path or another piece of road nobody stands on.
_NOT_A_STREET = re.compile(
    r"\b(ramp|exit|et|en|entrance|pedestrian|ped|bike|opas|nb|sb|eb|wb|approach|connector|unnamed|"
    r"greenway|path|driveway|parking|cycleway|trail|footway|arrivals|departures|to|over|lowerdeck|"
    r"upperdeck|ferry|rte|route|jughandle|alley|alleyway|boardwalk|bdwk|service|lot)\b",
    re.IGNORECASE,
)

# Facility types of the Points Of Interest file that are not places anyone reports from: water features
# (12). Residential (1) is kept: public-housing developments are common meeting points.
_POI_SKIP_TYPES = frozenset({"12"})
_POI_NOISE = re.compile(r"\b(buoy|light|beacon|channel|lighted|gong|daybeacon|substation|yard)\b", re.I)
_POI_BUILDING_SUFFIX = re.compile(r"\s+(building|bldg|bld)\s*#?\s*[\w-]+$", re.I)
_POI_GENERIC = frozenset({"comfort station", "playground", "ballfield", "garden", "park", "school", "church"})


@dataclass(frozen=True)
class Corner:
    """Two streets meeting at a point. ``streets`` holds canonical keys, sorted."""

    streets: tuple[str, str]
    lat: float
    lon: float


@dataclass(frozen=True)
class Station:
    ident: str
    names: tuple[str, ...]
    lat: float
    lon: float
    routes: str


@dataclass(frozen=True)
class School:
    code: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Landmark:
    name: str
    facility: str
    lat: float
    lon: float


# ---------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------


def rounded(value: float) -> str:
    text = f"{value:.{COORD_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def read_csv(path: Path) -> list[dict[str, str]]:
    # utf-8-sig: the schools file starts with a byte-order mark.
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _float(text: str | None) -> float | None:
    try:
        value = float((text or "").replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def usable_street_name(name: str) -> bool:
    """False for ramps, paths and the other pieces of road a report never names."""
    return bool(name.strip()) and not _NOT_A_STREET.search(name) and "/" not in name and "\\" not in name


def street_key(name: str, registry: dict[str, Street] | None = None) -> str | None:
    """The canonical key of a street name from a data file; ``registry`` collects key -> Street."""
    street: Street | None = parse_street(name, edges=False)
    if street is None:
        return None
    if registry is not None:
        registry.setdefault(street.key, street)
    return street.key


class _Grid:
    """Points bucketed by ~0.005 degree cells, for "anything within r metres" questions."""

    CELL = 0.005

    def __init__(self, points: Iterable[tuple[float, float, object]]):
        self.cells: dict[tuple[int, int], list[tuple[float, float, object]]] = defaultdict(list)
        for lat, lon, item in points:
            self.cells[(int(lat / self.CELL), int(lon / self.CELL))].append((lat, lon, item))

    def near(self, lat: float, lon: float, radius_m: float) -> list[tuple[float, object]]:
        reach = int(radius_m / (self.CELL * 84_000)) + 1
        ci, cj = int(lat / self.CELL), int(lon / self.CELL)
        found = []
        for di in range(-reach, reach + 1):
            for dj in range(-reach, reach + 1):
                for plat, plon, item in self.cells.get((ci + di, cj + dj), ()):
                    d = meters_between(lat, lon, plat, plon)
                    if d <= radius_m:
                        found.append((d, item))
        found.sort(key=lambda pair: pair[0])
        return found


# ---------------------------------------------------------------------------------------------------
# Corners
# ---------------------------------------------------------------------------------------------------


def _pairs(names: list[str], registry: dict[str, Street] | None) -> list[tuple[str, str]]:
    keys = sorted({k for k in (street_key(n, registry) for n in names if usable_street_name(n)) if k})
    return [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]


def corners_from_cscl(rows: Iterable[dict[str, str]], registry: dict[str, Street] | None = None) -> list[Corner]:
    """CSCL rows (lat, lon, "A & B[ & C]") into corners, one per pair of usable street names."""
    out = []
    for row in rows:
        lat, lon = _float(row.get("lat")), _float(row.get("lon"))
        if lat is None or lon is None:
            continue
        for pair in _pairs(row.get("name", "").split(" & "), registry):
            out.append(Corner(pair, lat, lon))
    return out


def corners_from_osm(rows: Iterable[dict[str, str]], registry: dict[str, Street] | None = None) -> list[Corner]:
    """OpenStreetMap rows (Street1, Street2, Borough, Lat, Lon, Nodes) into corners."""
    out = []
    for row in rows:
        lat, lon = _float(row.get("Lat")), _float(row.get("Lon"))
        if lat is None or lon is None:
            continue
        for pair in _pairs([row.get("Street1", ""), row.get("Street2", "")], registry):
            out.append(Corner(pair, lat, lon))
    return out


def cluster_corners(corners: Iterable[Corner], radius_m: float = SAME_CORNER_M) -> list[Corner]:
    """Merge points of the same street pair that lie within ``radius_m`` of each other.

    1. Group by street pair; sort each group's points so the result does not depend on input order.
    2. Greedily put each point into the first cluster whose seed is within the radius.
    3. Each cluster becomes one corner at the mean of its points.
    """
    groups: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for c in corners:
        groups[c.streets].append((c.lat, c.lon))
    out = []
    for pair in sorted(groups):
        clusters: list[list[tuple[float, float]]] = []
        for lat, lon in sorted(groups[pair]):
            for cluster in clusters:
                if meters_between(lat, lon, *cluster[0]) <= radius_m:
                    cluster.append((lat, lon))
                    break
            else:
                clusters.append([(lat, lon)])
        for cluster in clusters:
            lat = sum(p[0] for p in cluster) / len(cluster)
            lon = sum(p[1] for p in cluster) / len(cluster)
            out.append(Corner(pair, lat, lon))
    return out


def only_new_corners(existing: list[Corner], extra: list[Corner], radius_m: float = SAME_CORNER_M) -> list[Corner]:
    """The corners of ``extra`` that ``existing`` does not already have (same pair, within the radius)."""
    by_pair: dict[tuple[str, str], list[Corner]] = defaultdict(list)
    for c in existing:
        by_pair[c.streets].append(c)
    return [
        c
        for c in extra
        if not any(meters_between(c.lat, c.lon, o.lat, o.lon) <= radius_m for o in by_pair.get(c.streets, ()))
    ]


# ---------------------------------------------------------------------------------------------------
# Stations, schools, landmarks
# ---------------------------------------------------------------------------------------------------


def stations_from_rows(stations: Iterable[dict[str, str]], entrances: Iterable[dict[str, str]] = ()) -> list[Station]:
    """One station per (complex, name), with older names from the entrance file as alternatives.

    1. Group platform rows by complex id and stop name ("Times Sq-42 St" has four platforms in one
       complex); the station's point is the mean, its routes the union.
    2. For each distinct (entrance-file name, station point) find the nearest station within
       ENTRANCE_NAME_M and add the old name ("Broadway-74th St") if it differs.
    """
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in stations:
        name = (row.get("Stop Name") or "").strip()
        lat, lon = _float(row.get("GTFS Latitude")), _float(row.get("GTFS Longitude"))
        if not name or lat is None or lon is None:
            continue
        groups[(row.get("Complex ID") or row.get("Station ID") or name, name)].append(row)
    built: list[tuple[str, list[str], float, float, str]] = []
    for (_complex, name), rows in sorted(groups.items()):
        lat = sum(float(r["GTFS Latitude"]) for r in rows) / len(rows)
        lon = sum(float(r["GTFS Longitude"]) for r in rows) / len(rows)
        routes = sorted({r for row in rows for r in (row.get("Daytime Routes") or "").split()})
        ident = min(r.get("GTFS Stop ID", "") for r in rows)
        built.append((ident, [name], lat, lon, " ".join(routes)))
    grid = _Grid((b[2], b[3], i) for i, b in enumerate(built))
    seen = set()
    for row in entrances:
        name = (row.get("Station Name") or "").strip()
        lat, lon = _float(row.get("Station Latitude")), _float(row.get("Station Longitude"))
        if not name or lat is None or lon is None or (name, lat, lon) in seen:
            continue
        seen.add((name, lat, lon))
        near = grid.near(lat, lon, ENTRANCE_NAME_M)
        if near:
            names = built[near[0][1]][1]
            if name not in names:
                names.append(name)
    return sorted(
        (Station(ident, (names[0], *sorted(names[1:])), lat, lon, routes) for ident, names, lat, lon, routes in built),
        key=lambda s: s.ident,
    )


def schools_from_rows(rows: Iterable[dict[str, str]]) -> list[School]:
    """Open DOE schools with a location; one row per location code."""
    out: dict[str, School] = {}
    for row in rows:
        code = (row.get("location_code") or "").strip()
        name = " ".join((row.get("location_name") or "").split())
        lat, lon = _float(row.get("LATITUDE")), _float(row.get("LONGITUDE"))
        status = (row.get("Status_descriptions") or "Open").strip().lower()
        if not code or not name or lat is None or lon is None or status != "open" or abs(lat) < 1:
            continue
        out.setdefault(code, School(code, name, lat, lon))
    return [out[k] for k in sorted(out)]


def _poi_name(raw: str) -> str:
    name = " ".join(raw.split())
    return _POI_BUILDING_SUFFIX.sub("", name)


def landmarks_from_rows(rows: Iterable[dict[str, str]]) -> list[Landmark]:
    """Named points of interest, one per (name, facility type, ~300 m), without marine noise.

    1. Skip water features and navigation aids, and names too generic to find ("PLAYGROUND").
    2. Drop "BUILDING 12" from a development's buildings so each development is one name.
    3. Points with the same name and type within 300 m become one landmark at their mean.
    """
    groups: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    point = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)")
    for row in rows:
        facility = (row.get("FACILITY_T") or "").strip()
        name = _poi_name(row.get("NAME") or "")
        m = point.search(row.get("the_geom") or "")
        if not m or not name or facility in _POI_SKIP_TYPES or _POI_NOISE.search(name):
            continue
        if name.lower() in _POI_GENERIC or len(name) < 4:
            continue
        groups[(name, facility)].append((float(m.group(2)), float(m.group(1))))
    out = []
    for (name, facility), points in sorted(groups.items()):
        clusters: list[list[tuple[float, float]]] = []
        for lat, lon in sorted(points):
            for cluster in clusters:
                if meters_between(lat, lon, *cluster[0]) <= 300:
                    cluster.append((lat, lon))
                    break
            else:
                clusters.append([(lat, lon)])
        for cluster in clusters:
            out.append(
                Landmark(
                    name, facility, sum(p[0] for p in cluster) / len(cluster), sum(p[1] for p in cluster) / len(cluster)
                )
            )
    return out


# ---------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------


def tsv(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    """Tab-separated text with "\\n" line ends; tabs and newlines inside values become spaces."""
    buf = io.StringIO()
    buf.write("\t".join(header) + "\n")
    for row in rows:
        buf.write("\t".join(re.sub(r"[\t\r\n]+", " ", str(v)) for v in row) + "\n")
    return buf.getvalue()


def corner_rows(corners: list[Corner], street_ids: dict[str, int], stations: list[Station], locate: Locate):
    """Rows of an intersections file, sorted by street ids then position; corners outside every NTA
    are dropped (the OpenStreetMap extract reaches a little into Westchester and New Jersey)."""
    grid = _Grid((s.lat, s.lon, s.ident) for s in stations)
    rows = []
    for c in corners:
        nta = locate(c.lat, c.lon)
        if not nta:
            continue
        a, b = sorted((street_ids[c.streets[0]], street_ids[c.streets[1]]))
        flag = "1" if grid.near(c.lat, c.lon, NEAR_STATION_M) else ""
        rows.append((a, b, rounded(c.lat), rounded(c.lon), nta, flag))
    rows.sort(key=lambda r: (r[0], r[1], float(r[2]), float(r[3])))
    return [(str(a), str(b), lat, lon, nta, flag) for a, b, lat, lon, nta, flag in rows]


def build(source: Path, locate: Locate) -> dict[str, str]:
    """Read the source folder and return {file name: text} for the ``places`` folder.

    1. Corners from the city centreline, clustered; OpenStreetMap corners the centreline lacks, kept
       in a separate file because of their share-alike licence.
    2. Number the streets of both files in sorted order.
    3. Stations (with their older names), schools, landmarks; an NTA for every point.
    """
    missing = [name for name in SOURCE_FILES.values() if not (source / name).is_file()]
    if missing:
        raise SourceError(f"{source}: missing {', '.join(sorted(missing))}")
    registry: dict[str, Street] = {}
    cscl = cluster_corners(corners_from_cscl(read_csv(source / SOURCE_FILES["cscl"]), registry))
    osm = only_new_corners(cscl, cluster_corners(corners_from_osm(read_csv(source / SOURCE_FILES["osm"]), registry)))
    stations = stations_from_rows(
        read_csv(source / SOURCE_FILES["stations"]), read_csv(source / SOURCE_FILES["entrances"])
    )
    schools = schools_from_rows(read_csv(source / SOURCE_FILES["schools"]))
    landmarks = landmarks_from_rows(read_csv(source / SOURCE_FILES["poi"]))

    keys = sorted({k for c in (*cscl, *osm) for k in c.streets})
    street_ids = {k: i for i, k in enumerate(keys)}
    files: dict[str, str] = {}
    files["streets.tsv"] = tsv(
        ["id", "direction", "core", "kind"],
        ((str(i), registry[k].direction or "", registry[k].core, registry[k].kind or "") for i, k in enumerate(keys)),
    )
    header = ["a", "b", "lat", "lon", "nta", "station"]
    files["intersections.tsv"] = tsv(header, corner_rows(cscl, street_ids, stations, locate))
    files["intersections_osm.tsv"] = tsv(header, corner_rows(osm, street_ids, stations, locate))
    files["stations.tsv"] = tsv(
        ["id", "names", "lat", "lon", "nta", "routes"],
        (
            (s.ident, "|".join(s.names), rounded(s.lat), rounded(s.lon), nta, s.routes)
            for s in stations
            if (nta := locate(s.lat, s.lon))
        ),
    )
    files["schools.tsv"] = tsv(
        ["code", "name", "lat", "lon", "nta"],
        ((s.code, s.name, rounded(s.lat), rounded(s.lon), nta) for s in schools if (nta := locate(s.lat, s.lon))),
    )
    files["landmarks.tsv"] = tsv(
        ["name", "type", "lat", "lon", "nta"],
        (
            (lm.name, lm.facility, rounded(lm.lat), rounded(lm.lon), nta)
            for lm in landmarks
            if (nta := locate(lm.lat, lm.lon))
        ),
    )
    manifest = {
        "sources": {
            name: hashlib.sha256((source / fname).read_bytes()).hexdigest()
            for name, fname in sorted(SOURCE_FILES.items())
        },
        "rows": {name: text.count("\n") - 1 for name, text in sorted(files.items())},
    }
    files["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    files["PROVENANCE-places.md"] = provenance(manifest["rows"])
    return files


def provenance(rows: dict[str, int]) -> str:
    """The attribution file that travels with the converted data (licences require it)."""
    count = {name: f"{n:,}" for name, n in rows.items()}
    return f"""# Places: provenance and licences

Written by `manage.py import_places` from public data files; regenerate rather than edit. Street names
are normalised (`vigil/geo/streets.py`), coordinates rounded to {COORD_DECIMALS} decimals, and each point
carries the NTA 2020 code of the area that holds it, computed from the unrounded coordinate.

| file | rows | derived from | licence and attribution |
|---|---|---|---|
| streets.tsv | {count.get("streets.tsv", "0")} | street names of both intersection files | NYC Open Data terms of use for the centreline names; the names taken from OpenStreetMap are © OpenStreetMap contributors, ODbL 1.0, so this file is also available under the ODbL |
| intersections.tsv | {count.get("intersections.tsv", "0")} | NYC Street Centerline (CSCL) corners, NYC Open Data; ramps and paths left out, points of one corner within {SAME_CORNER_M:.0f} m merged | NYC Open Data terms of use |
| intersections_osm.tsv | {count.get("intersections_osm.tsv", "0")} | OpenStreetMap intersections (extract published by the oldnyc project) for corners the centreline file lacks | © OpenStreetMap contributors. Open Database License (ODbL) 1.0: this file is a derived database and is available under the ODbL; keep it separate and keep this notice. https://www.openstreetmap.org/copyright |
| stations.tsv | {count.get("stations.tsv", "0")} | MTA Subway Stations (Open NY) with older names from NYC Transit Subway Entrance and Exit Data (Open NY) | MTA / State of New York open data terms |
| schools.tsv | {count.get("schools.tsv", "0")} | NYC DOE 2019-2020 School Locations, open schools only, NYC Open Data | NYC Open Data terms of use |
| landmarks.tsv | {count.get("landmarks.tsv", "0")} | NYC Points Of Interest, NYC Open Data; water features and navigation aids left out, buildings of one development merged | NYC Open Data terms of use |

The hand-written aliases in `../aliases/` are Vigil's own work; the coordinates in
`../aliases/landmarks.json` were read from the Points Of Interest and centreline files above.
"""


def write(files: dict[str, str], out_dir: Path) -> None:
    """Write each file whole through a temporary name, so a reader never sees half a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(out_dir / name)


def default_locate(lat: float, lon: float) -> str | None:
    """The NTA code of a point through the committed areas (``vigil.geo.areas``)."""
    from vigil.geo.areas import resolve_point

    match = resolve_point(lat, lon)
    return match.nta if match else None

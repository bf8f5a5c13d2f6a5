"""The places the report generator draws from: NTA areas and their polygons, and real NYC street corners
(the committed gazetteer, else the OpenStreetMap intersections file), with the street list. Read-only;
see bench/gen_reports.py for where each file is looked up.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.gen_writing import ordinal, street_key  # noqa: E402

# --------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------


def _data_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("VIGIL_NYC_DATA"):
        dirs.append(Path(os.environ["VIGIL_NYC_DATA"]))
    dirs.append(ROOT / "jurisdictions" / "nyc")
    return dirs


def _find(*relative: str) -> Path:
    for base in _data_dirs():
        for rel in relative:
            path = base / rel
            if path.exists():
                return path
    raise FileNotFoundError(f"none of {relative} found under {[str(d) for d in _data_dirs()]}; set VIGIL_NYC_DATA")


@dataclass
class Area:
    code: str
    name: str
    borough: str
    residential: bool


@dataclass
class Place:
    street1: str
    street2: str
    lat: float
    lon: float
    area: str


class AreaIndex:
    """NTA lookup for points, through vigil.geo.areas if present, else shapely over the polygons."""

    def __init__(self) -> None:
        import shapely
        from shapely.geometry import shape

        path = _find("areas/nta.geojson", "nta2020.geojson")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.areas: dict[str, Area] = {}
        geoms = []
        codes = []
        for feat in data["features"]:
            p = feat["properties"]
            code = p["NTA2020"]
            self.areas[code] = Area(code, p["NTAName"], p["BoroName"], str(p.get("NTAType", "0")) == "0")
            geoms.append(shape(feat["geometry"]))
            codes.append(code)
        self._shapely = shapely
        self._geoms = geoms
        self._codes = codes
        self._tree = shapely.STRtree(geoms)
        self.source = "shapely over nta2020.geojson"
        self._resolve_point = None
        try:
            from vigil.geo import areas as geo_areas

            self._resolve_point = geo_areas.resolve_point
            self.source = "vigil.geo.areas.resolve_point"
        except Exception:  # noqa: BLE001 - the module may not exist yet, or fail on missing data
            self._resolve_point = None
        self._neighbor_cache: dict[str, set[str]] = {}

    def locate_many(self, lats: list[float], lons: list[float]) -> list[str | None]:
        """NTA codes for many points (None outside every NTA)."""
        if self._resolve_point is not None:
            out: list[str | None] = []
            for lat, lon in zip(lats, lons, strict=True):
                match = self._resolve_point(lat, lon)
                out.append(getattr(match, "nta", None) if match else None)
            return out
        pts = self._shapely.points(lons, lats)
        idx_in, idx_tree = self._tree.query(pts, predicate="within")
        result: list[str | None] = [None] * len(lats)
        for i, t in zip(idx_in.tolist(), idx_tree.tolist(), strict=True):
            if result[i] is None:
                result[i] = self._codes[t]
        return result

    def neighbors_function(self, meters: float = 250.0):
        """(callable, source) giving the neighborhoods within `meters` of an NTA."""
        try:
            from vigil.geo.areas import nearby_neighborhoods

            def via_geo(code: str) -> set[str]:
                return set(nearby_neighborhoods(code, meters)) - {code}

            via_geo("MN0501")  # fail here, not in the middle of the benchmark
            return via_geo, "vigil.geo.areas.nearby_neighborhoods"
        except Exception:  # noqa: BLE001
            pass
        degrees = meters / 111_000.0
        index_of = {c: i for i, c in enumerate(self._codes)}

        def via_shapely(code: str) -> set[str]:
            cached = self._neighbor_cache.get(code)
            if cached is None:
                i = index_of.get(code)
                if i is None:
                    return set()
                grown = self._geoms[i].buffer(degrees)
                cached = {self._codes[j] for j in self._tree.query(grown, predicate="intersects").tolist()} - {code}
                self._neighbor_cache[code] = cached
            return cached

        return via_shapely, "shapely over nta2020.geojson"


_SKIP_STREET = re.compile(
    r"expressway|ramp|exit|entrance|connector|bridge|tunnel|highway|freeway|service road|path|walk|"
    r"driveway|footbridge|greenway|cycleway|boardwalk|promenade|esplanade|transverse|approach|alley|"
    r"parking|[;/]",
    re.I,
)


_CSCL_DIRECTIONS = {"E": "East", "W": "West", "N": "North", "S": "South"}
_CSCL_KINDS = {
    "ST": "Street",
    "AVE": "Avenue",
    "RD": "Road",
    "PL": "Place",
    "BLVD": "Boulevard",
    "DR": "Drive",
    "LN": "Lane",
    "CT": "Court",
    "PKWY": "Parkway",
    "TER": "Terrace",
    "LOOP": "Loop",
    "WAY": "Way",
    "CIR": "Circle",
    "PLZ": "Plaza",
    "SQ": "Square",
    "CRES": "Crescent",
    "TPKE": "Turnpike",
    "CONC": "Concourse",
}


def _committed_street_name(direction: str, core: str, kind: str) -> str | None:
    """A committed street ("E", "149", "ST") written out as people see it ("East 149th Street")."""
    if kind and kind not in _CSCL_KINDS:
        return None  # walks, alleys, slips, expressways: nobody reports a raid there by name
    if kind == "AVE" and len(core) == 1:
        return f"Avenue {core}"
    name = " ".join(ordinal(int(w)) if w.isdigit() else w.title() for w in core.split())
    if kind:
        name = f"{name} {_CSCL_KINDS[kind]}"
    if direction:
        name = f"{_CSCL_DIRECTIONS.get(direction, direction)} {name}"
    return name


def _committed_places(index: AreaIndex) -> list[Place] | None:
    """Corners from the committed gazetteer (jurisdictions/nyc/places), with their NTA; None if absent."""
    base = ROOT / "jurisdictions" / "nyc" / "places"
    if not (base / "streets.tsv").exists() or not (base / "intersections.tsv").exists():
        return None
    with (base / "streets.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh, delimiter="\t") if row and not row[0].startswith("#")]
    header = rows[0]
    at = {name: header.index(name) for name in ("id", "direction", "core", "kind")}
    names = {
        row[at["id"]]: _committed_street_name(row[at["direction"]], row[at["core"]], row[at["kind"]])
        for row in rows[1:]
    }
    places = []
    for file in ("intersections.tsv", "intersections_osm.tsv"):
        if not (base / file).exists():
            continue
        with (base / file).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                a, b, code = names.get(row["a"]), names.get(row["b"]), row["nta"]
                if not a or not b or code not in index.areas or not index.areas[code].residential:
                    continue
                if _SKIP_STREET.search(a) or _SKIP_STREET.search(b) or street_key(a) == street_key(b):
                    continue
                places.append(Place(a, b, float(row["lat"]), float(row["lon"]), code))
    return places


def load_places(index: AreaIndex) -> tuple[list[Place], str]:
    """Street corners that a reporter could plausibly name, each with the residential NTA it lies in,
    and where they came from: the committed gazetteer when present, else the OpenStreetMap file."""
    committed = _committed_places(index)
    if committed:
        return committed, "jurisdictions/nyc/places/intersections*.tsv"
    path = _find("places/intersections_osm.csv")
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b = row["Street1"].strip(), row["Street2"].strip()
            if _SKIP_STREET.search(a) or _SKIP_STREET.search(b):
                continue
            # "East 130th Street" meets "West 130th Street": the same street, not a corner.
            if street_key(a) == street_key(b):
                continue
            rows.append((a, b, float(row["Lat"]), float(row["Lon"])))
    codes = index.locate_many([r[2] for r in rows], [r[3] for r in rows])
    places = []
    for (a, b, lat, lon), code in zip(rows, codes, strict=True):
        if code and index.areas[code].residential:
            places.append(Place(a, b, lat, lon, code))
    return places, str(path)


def street_names() -> tuple[list[str], str]:
    """The jurisdiction's street names (for the grouper's street-name rule) and where they came from.

    The committed street list (`jurisdictions/nyc/places/streets.tsv`, column `core`) is what the
    application uses; without it, the street names of the OpenStreetMap intersections file.
    """
    committed = ROOT / "jurisdictions" / "nyc" / "places" / "streets.tsv"
    if committed.exists():
        with committed.open(encoding="utf-8", newline="") as fh:
            rows = [row for row in csv.reader(fh, delimiter="\t") if row and not row[0].startswith("#")]
        if rows and "core" in rows[0]:
            col = rows[0].index("core")
            return [row[col] for row in rows[1:] if len(row) > col], "jurisdictions/nyc/places/streets.tsv"
    names: set[str] = set()
    with _find("places/intersections_osm.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names.add(row["Street1"])
            names.add(row["Street2"])
    return sorted(names), "intersections_osm.csv street names"

"""Convert NYC City Planning boundary layers into the area files a jurisdiction commits.

Run time and tests read only the committed copy (``jurisdictions/<name>/areas/``); the source folder
is needed only to regenerate it. Everything here is pure: files in, bytes and a report out. The same
input always gives byte-identical output (sorted features, fixed number formatting, seeded checks).

Source layout (see jurisdictions/nyc/PROVENANCE.md): ``nta2020.geojson``, ``community_districts.geojson``,
``boroughs.geojson`` and ``nta2020_simplified.geojson``, with City Planning's property names.
"""

# shapely (GEOS) is the geometry library. GEOS's coverage simplifier simplifies each edge shared by two
# NTAs once, so the simplified neighbourhoods still meet without gaps or overlaps.

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import shape

from vigil.geo.areas import (
    DRAWING_FILE,
    LOOKUP_FILE,
    REPORT_FILE,
    TABLE_COLUMNS,
    TABLE_FILE,
    LocalFrame,
    read_feature_collection,
)

SOURCE_NTA = "nta2020.geojson"
SOURCE_CD = "community_districts.geojson"
SOURCE_BOROUGHS = "boroughs.geojson"
SOURCE_DRAWING = "nta2020_simplified.geojson"
SOURCE_LICENCE = "LICENSE-EHDP-data.txt"
AREAS_SUBDIR = "areas"

# City Planning's borough numbering (BoroCode, first digit of BoroCD). The Health Department's
# simplified layer numbers boroughs differently, so only its NTACode is used.
BOROUGH_ABBREVIATIONS = {1: "MN", 2: "BX", 3: "BK", 4: "QN", 5: "SI"}
# Brooklyn has the most community districts (18); higher numbers are joint interest areas
# (large parks, airports) that belong to no district.
MAX_COMMUNITY_DISTRICT = 18

# About a metre: below the accuracy of a phone's location fix, and it cuts the layer by a third. GEOS
# simplifies coverages by Visvalingam-Whyatt, so this is a size of removed triangles, not a distance
# bound; the distance actually moved is measured (Hausdorff) and reported instead.
LOOKUP_TOLERANCE_M = 1.0
# 1e-6 degree is about 0.11 m north-south here; coarser rounding would eat the tolerance budget.
LOOKUP_DECIMALS = 6
# The drawing layer is already generalised to tens of metres; a metre of rounding is invisible.
DRAWING_DECIMALS = 5
LABEL_DECIMALS = 6

CHECK_SEED = 20_240_729
CHECK_UNIFORM_POINTS = 20_000
CHECK_BAND_POINTS = 5_000
# Points this close to a boundary are where simplification can change the answer; checked separately.
CHECK_BAND_M = 5.0


class ConversionError(ValueError):
    """The source layers cannot be converted as they are."""


@dataclass(frozen=True)
class Conversion:
    """Output files (paths relative to the jurisdiction folder) and the figures measured on them."""

    files: dict[str, bytes]
    report: dict


def _require(features: list[dict], keys: tuple[str, ...], source: str) -> None:
    for feature in features:
        props = feature.get("properties") or {}
        missing = [k for k in keys if props.get(k) in (None, "")]
        if missing or not feature.get("geometry"):
            raise ConversionError(f"{source}: feature {props!r} lacks {missing or ['geometry']}")


def _polygonal(geometry):
    """Keep only the polygon parts (repairs and clipping can leave lines or points behind)."""
    parts = shapely.get_parts(geometry)
    polygons = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    if not polygons:
        return shapely.from_wkt("POLYGON EMPTY")
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "", "-") else text


def _ring_text(coords: np.ndarray, decimals: int) -> list[str] | None:
    """Rounded positions of one ring, consecutive repeats dropped; None if rounding collapsed it."""
    positions: list[str] = []
    for x, y in coords:
        text = f"[{_number(x, decimals)},{_number(y, decimals)}]"
        if not positions or positions[-1] != text:
            positions.append(text)
    if positions[0] != positions[-1]:
        positions.append(positions[0])
    return positions if len(positions) >= 4 else None


def geometry_text(geometry, decimals: int) -> str:
    """GeoJSON geometry with fixed rounding and RFC 7946 winding (exteriors counter-clockwise)."""
    geometry = shapely.orient_polygons(geometry)
    polygons = []
    for polygon in shapely.get_parts(geometry):
        exterior = _ring_text(shapely.get_coordinates(polygon.exterior), decimals)
        if exterior is None:
            continue
        rings = [exterior]
        for interior in polygon.interiors:
            ring = _ring_text(shapely.get_coordinates(interior), decimals)
            if ring is not None:
                rings.append(ring)
        polygons.append("[" + ",".join("[" + ",".join(r) + "]" for r in rings) + "]")
    if not polygons:
        raise ConversionError("a polygon vanished when its coordinates were rounded")
    if len(polygons) == 1:
        return '{"type":"Polygon","coordinates":' + polygons[0] + "}"
    return '{"type":"MultiPolygon","coordinates":[' + ",".join(polygons) + "]}"


def feature_collection_text(features: list[tuple[dict, str]]) -> bytes:
    """One feature per line so that a re-import shows up as a readable diff."""
    lines = [
        '{"type":"Feature","properties":'
        + json.dumps(props, ensure_ascii=False, separators=(",", ":"))
        + ',"geometry":'
        + geometry
        + "}"
        for props, geometry in features
    ]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def table_text(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TABLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in TABLE_COLUMNS})
    return buffer.getvalue().encode("utf-8")


def label_point(geometry):
    """The centroid when it falls inside (it usually does), else a point guaranteed to be inside."""
    centroid = shapely.centroid(geometry)
    if shapely.contains(geometry, centroid):
        return centroid
    return shapely.point_on_surface(geometry)


def _label(frame: LocalFrame, metric_geometry) -> tuple[str, str]:
    x, y = shapely.get_coordinates(label_point(metric_geometry))[0]
    lon, lat = frame.inverse(x, y)
    return _number(lat, LABEL_DECIMALS), _number(lon, LABEL_DECIMALS)


def largest_overlap(subjects, containers) -> list[tuple[int, float]]:
    """For each subject polygon, the container it overlaps most and the share of its area inside it
    ((-1, 0.0) when it overlaps none). Both arrays must be in a metric frame."""
    tree = STRtree(containers)
    result = []
    for subject in subjects:
        best = (-1, 0.0)
        area = shapely.area(subject)
        for j in sorted(tree.query(subject, predicate="intersects")):
            share = shapely.area(shapely.intersection(subject, containers[j])) / area if area else 0.0
            if share > best[1]:
                best = (int(j), share)
        result.append(best)
    return result


def _locate(tree: STRtree, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Index of the polygon holding each point (lowest on a shared boundary), -1 for none."""
    found = np.full(len(xs), np.iinfo(np.int64).max, dtype=np.int64)
    point_idx, geom_idx = tree.query(shapely.points(xs, ys), predicate="intersects")
    np.minimum.at(found, point_idx, geom_idx)
    found[found == np.iinfo(np.int64).max] = -1
    return found


def agreement(full, committed, rng: random.Random) -> dict:
    """Compare the committed lookup layer with the full source on random points (metric frame).

    1. Uniform points over the layer's bounding box: share of points on land (in either layer) that
       resolve to the same NTA, and the worst distance from a disagreeing point to the source boundary.
    2. Points within CHECK_BAND_M of a source boundary (picked along boundaries by length, then moved a
       random distance in a random direction): the hardest case for simplification.
    3. The share of total land area that changed NTA (exact, from polygon overlay).
    """
    full_tree, committed_tree = STRtree(full), STRtree(committed)
    minx, miny, maxx, maxy = shapely.total_bounds(full)
    xs = np.array([rng.uniform(minx, maxx) for _ in range(CHECK_UNIFORM_POINTS)])
    ys = np.array([rng.uniform(miny, maxy) for _ in range(CHECK_UNIFORM_POINTS)])
    a, b = _locate(full_tree, xs, ys), _locate(committed_tree, xs, ys)
    land = (a >= 0) | (b >= 0)
    differ = land & (a != b)
    boundaries = shapely.boundary(full)
    all_boundaries = shapely.union_all(boundaries)
    worst = 0.0
    for k in np.flatnonzero(differ):
        worst = max(worst, float(shapely.distance(all_boundaries, shapely.Point(xs[k], ys[k]))))

    lengths = [float(shapely.length(line)) for line in boundaries]
    picks = rng.choices(range(len(full)), weights=lengths, k=CHECK_BAND_POINTS)
    bx, by = [], []
    for i in picks:
        along = rng.uniform(0.0, lengths[i])
        px, py = shapely.get_coordinates(shapely.line_interpolate_point(boundaries[i], along))[0]
        angle, dist = rng.uniform(0.0, 2 * math.pi), rng.uniform(0.0, CHECK_BAND_M)
        bx.append(px + dist * math.cos(angle))
        by.append(py + dist * math.sin(angle))
    bx_arr, by_arr = np.array(bx), np.array(by)
    band_same = int(np.sum(_locate(full_tree, bx_arr, by_arr) == _locate(committed_tree, bx_arr, by_arr)))

    changed = float(np.sum(shapely.area(shapely.symmetric_difference(full, committed)))) / 2.0
    total = float(np.sum(shapely.area(full)))
    land_points = int(np.sum(land))
    return {
        "uniform_points": CHECK_UNIFORM_POINTS,
        "uniform_points_on_land": land_points,
        "uniform_agreeing": land_points - int(np.sum(differ)),
        "uniform_agreement": round((land_points - int(np.sum(differ))) / land_points, 6) if land_points else 1.0,
        "uniform_worst_disagreement_from_boundary_m": round(worst, 2),
        "boundary_band_m": CHECK_BAND_M,
        "boundary_band_points": CHECK_BAND_POINTS,
        "boundary_band_agreeing": band_same,
        "boundary_band_agreement": round(band_same / CHECK_BAND_POINTS, 6),
        "land_area_share_changed": float(f"{changed / total:.3g}") if total else 0.0,
    }


def _cdta_description(cdta_name: str) -> str:
    """'BK08 Crown Heights (North)-Prospect Heights (CD 8 Approximation)' -> the words in between."""
    text = re.sub(r"^[A-Z]{2}\d{2}\s+", "", cdta_name.strip())
    return re.sub(r"\s*\((?:CD|JIA)\s+\d+\s+\w+\)$", "", text)


def _cd_from_cdta(cdta: str, abbreviation_to_code: dict[str, int]) -> str | None:
    match = re.fullmatch(r"([A-Z]{2})(\d{2})", cdta)
    if not match or match.group(1) not in abbreviation_to_code:
        return None
    return f"{abbreviation_to_code[match.group(1)]}{match.group(2)}"


def _cd_name(code: str, borough_name: str, description: str | None) -> str:
    number = int(code[1:])
    if number <= MAX_COMMUNITY_DISTRICT:
        name = f"{borough_name} Community District {number}"
    else:
        name = f"{borough_name} joint interest area {number}"
    # A colon, because the CDTA descriptions carry their own parentheses ("Crown Heights (North)").
    return f"{name}: {description}" if description else name


@dataclass(frozen=True)
class _Sources:
    ntas: list[dict]
    districts: list[dict]
    boroughs: list[dict]
    drawing: list[dict]


def read_sources(src_dir: Path) -> _Sources:
    """Read the four layers, check the properties relied on, and sort each by its code."""
    for name in (SOURCE_NTA, SOURCE_CD, SOURCE_BOROUGHS, SOURCE_DRAWING):
        if not (src_dir / name).is_file():
            raise ConversionError(f"{src_dir}: missing {name}")
    ntas = read_feature_collection(src_dir / SOURCE_NTA)
    districts = read_feature_collection(src_dir / SOURCE_CD)
    boroughs = read_feature_collection(src_dir / SOURCE_BOROUGHS)
    drawing = read_feature_collection(src_dir / SOURCE_DRAWING)
    _require(ntas, ("BoroCode", "BoroName", "NTA2020", "NTAName", "NTAType", "CDTA2020"), SOURCE_NTA)
    _require(districts, ("BoroCD",), SOURCE_CD)
    _require(boroughs, ("BoroCode", "BoroName"), SOURCE_BOROUGHS)
    _require(drawing, ("NTACode",), SOURCE_DRAWING)
    codes = [f["properties"]["NTA2020"] for f in ntas]
    if len(set(codes)) != len(codes):
        raise ConversionError(f"{SOURCE_NTA}: duplicate NTA codes")
    for f in ntas + boroughs:
        if int(f["properties"]["BoroCode"]) not in BOROUGH_ABBREVIATIONS:
            raise ConversionError(f"unknown BoroCode in {f['properties']!r}")
    for f in districts:
        cd = str(int(f["properties"]["BoroCD"]))
        if len(cd) != 3 or int(cd[0]) not in BOROUGH_ABBREVIATIONS:
            raise ConversionError(f"{SOURCE_CD}: unexpected BoroCD {cd}")
    return _Sources(
        ntas=sorted(ntas, key=lambda f: f["properties"]["NTA2020"]),
        districts=sorted(districts, key=lambda f: int(f["properties"]["BoroCD"])),
        boroughs=sorted(boroughs, key=lambda f: int(f["properties"]["BoroCode"])),
        drawing=drawing,
    )


def _metric_polygons(frame: LocalFrame, features: list[dict]) -> np.ndarray:
    """Source polygons in the metric frame, repaired where needed (only used for overlaps and labels)."""
    return frame.project(
        np.array([_polygonal(shapely.make_valid(shape(f["geometry"]))) for f in features], dtype=object)
    )


def _drawing_layer(features: list[dict], codes: list[str]) -> tuple[bytes, dict]:
    """Round the drawing layer and repair the polygons that are invalid in the source."""
    by_code, repaired = {}, []
    for f in features:
        code = f["properties"]["NTACode"]
        geom = shape(f["geometry"])
        if not geom.is_valid:
            geom = _polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))
            repaired.append(code)
        by_code[code] = geom
    unknown = sorted(set(by_code) - set(codes))
    missing = sorted(set(codes) - set(by_code))
    if unknown or missing:
        raise ConversionError(f"{SOURCE_DRAWING}: codes not in {SOURCE_NTA}: {unknown}; NTAs not drawn: {missing}")
    text = feature_collection_text(
        [({"NTA2020": code}, geometry_text(by_code[code], DRAWING_DECIMALS)) for code in codes]
    )
    report = {
        "decimals": DRAWING_DECIMALS,
        "vertices": int(sum(shapely.get_num_coordinates(g) for g in by_code.values())),
        "repaired": sorted(repaired),
    }
    return text, report


def convert(src_dir: Path) -> Conversion:
    """Convert the source folder into committed files.

    1. Read the four layers and check the properties relied on.
    2. Project NTAs into a local metric frame, check they form a clean coverage, simplify them as a
       coverage by LOOKUP_TOLERANCE_M, round to LOOKUP_DECIMALS and re-read what will be written.
    3. Assign each NTA the community district it overlaps most (full-resolution layers); keep its
       borough from its own BoroCode (Rikers Island, QN0151, is BoroCode 2, the Bronx, though it lies
       in Queens Community District 1).
    4. Label points for NTAs, districts and boroughs; district names from the CDTA names.
    5. Repair and round the drawing layer.
    6. Measure: Hausdorff distance per NTA, agreement on random points, district overlap shares.
    """
    src_dir = Path(src_dir)
    sources = read_sources(src_dir)
    codes = [f["properties"]["NTA2020"] for f in sources.ntas]

    # Step 2.
    nta_degrees = np.array([shape(f["geometry"]) for f in sources.ntas], dtype=object)
    invalid = [c for c, g in zip(codes, nta_degrees, strict=True) if not g.is_valid]
    if invalid:
        raise ConversionError(f"{SOURCE_NTA}: invalid polygons {invalid[:10]}")
    frame = LocalFrame.around(tuple(shapely.total_bounds(nta_degrees)))
    full = frame.project(nta_degrees)
    if not shapely.coverage_is_valid(full):
        edges = shapely.coverage_invalid_edges(full)
        bad = [c for c, e in zip(codes, edges, strict=True) if not e.is_empty]
        raise ConversionError(f"{SOURCE_NTA}: NTAs overlap or their shared edges differ in vertices: {bad[:10]}")
    simplified = frame.unproject(shapely.coverage_simplify(full, LOOKUP_TOLERANCE_M))

    # Step 3.
    cd_codes = [str(int(f["properties"]["BoroCD"])) for f in sources.districts]
    cd_metric = _metric_polygons(frame, sources.districts)
    cd_of = largest_overlap(full, cd_metric)
    borough_codes = [int(f["properties"]["BoroCode"]) for f in sources.boroughs]
    borough_metric = _metric_polygons(frame, sources.boroughs)
    located_in = largest_overlap(full, borough_metric)

    # Step 4.
    abbreviation_to_code = {v: k for k, v in BOROUGH_ABBREVIATIONS.items()}
    borough_names = {int(f["properties"]["BoroCode"]): f["properties"]["BoroName"] for f in sources.boroughs}
    missing_boroughs = {int(f["properties"]["BoroCode"]) for f in sources.ntas} - set(borough_names)
    if missing_boroughs:
        raise ConversionError(f"{SOURCE_BOROUGHS}: missing BoroCode {sorted(missing_boroughs)}")
    cdta_descriptions = {}
    for f in sources.ntas:
        cd = _cd_from_cdta(f["properties"]["CDTA2020"], abbreviation_to_code)
        if cd and f["properties"].get("CDTAName"):
            cdta_descriptions[cd] = _cdta_description(f["properties"]["CDTAName"])

    rows, lookup_features, checks = [], [], []
    for boro_code, geom in zip(borough_codes, borough_metric, strict=True):
        lat, lon = _label(frame, geom)
        abbreviation = BOROUGH_ABBREVIATIONS[boro_code]
        rows.append(
            {
                "kind": "borough",
                "code": abbreviation,
                "name": borough_names[boro_code],
                "borough": abbreviation,
                "boro_code": boro_code,
                "lat": lat,
                "lon": lon,
            }
        )
    for cd, geom in zip(cd_codes, cd_metric, strict=True):
        boro_code = int(cd[0])
        lat, lon = _label(frame, geom)
        rows.append(
            {
                "kind": "cd",
                "code": cd,
                "name": _cd_name(cd, borough_names[boro_code], cdta_descriptions.get(cd)),
                "borough": BOROUGH_ABBREVIATIONS[boro_code],
                "boro_code": boro_code,
                "cd": cd,
                "cdta": BOROUGH_ABBREVIATIONS[boro_code] + cd[1:] if cd in cdta_descriptions else "",
                "lat": lat,
                "lon": lon,
            }
        )
    for i, f in enumerate(sources.ntas):
        p = f["properties"]
        cd_index, cd_share = cd_of[i]
        if cd_index < 0:
            raise ConversionError(f"{p['NTA2020']} overlaps no community district")
        cd = cd_codes[cd_index]
        boro_code = int(p["BoroCode"])
        lat, lon = _label(frame, full[i])
        rows.append(
            {
                "kind": "nta",
                "code": p["NTA2020"],
                "name": p["NTAName"],
                "borough": BOROUGH_ABBREVIATIONS[boro_code],
                "boro_code": boro_code,
                "cd": cd,
                "nta_type": str(p["NTAType"]),
                "cdta": p["CDTA2020"],
                "lat": lat,
                "lon": lon,
                "cd_overlap": f"{cd_share:.3f}",
            }
        )
        properties = {
            "NTA2020": p["NTA2020"],
            "NTAName": p["NTAName"],
            "NTAType": str(p["NTAType"]),
            "BoroCode": boro_code,
            "BoroName": p["BoroName"],
            "CDTA2020": p["CDTA2020"],
            "BoroCD": int(cd),
        }
        lookup_features.append((properties, geometry_text(simplified[i], LOOKUP_DECIMALS)))
        checks.append((p["NTA2020"], cd, cd_share, p["CDTA2020"], boro_code, located_in[i][0]))

    # Step 2 again: everything below is measured on the bytes that will be committed.
    lookup_bytes = feature_collection_text(lookup_features)
    committed = frame.project(
        np.array([shape(f["geometry"]) for f in json.loads(lookup_bytes)["features"]], dtype=object)
    )
    invalid = [c for c, g in zip(codes, committed, strict=True) if not g.is_valid]
    if invalid:
        raise ConversionError(f"simplified NTAs became invalid: {invalid}")

    # Step 5.
    drawing_bytes, drawing_report = _drawing_layer(sources.drawing, codes)

    files = {
        f"{AREAS_SUBDIR}/{LOOKUP_FILE}": lookup_bytes,
        f"{AREAS_SUBDIR}/{DRAWING_FILE}": drawing_bytes,
        f"{AREAS_SUBDIR}/{TABLE_FILE}": table_text(rows),
    }

    # Step 6.
    hausdorff = shapely.hausdorff_distance(full, committed)
    worst = int(np.argmax(hausdorff))
    report = {
        "sources": {
            name: (src_dir / name).stat().st_size for name in (SOURCE_NTA, SOURCE_CD, SOURCE_BOROUGHS, SOURCE_DRAWING)
        },
        "ntas": len(codes),
        "community_districts": len(cd_codes),
        "boroughs": len(borough_codes),
        "lookup": {
            "tolerance_m": LOOKUP_TOLERANCE_M,
            "decimals": LOOKUP_DECIMALS,
            "source_vertices": int(np.sum(shapely.get_num_coordinates(full))),
            "committed_vertices": int(np.sum(shapely.get_num_coordinates(committed))),
            "coverage_valid": bool(shapely.coverage_is_valid(committed)),
            "max_hausdorff_m": round(float(hausdorff[worst]), 2),
            "max_hausdorff_nta": codes[worst],
            "agreement": agreement(full, committed, random.Random(CHECK_SEED)),
        },
        "drawing": drawing_report,
        "districts": {
            "min_overlap": round(min(c[2] for c in checks), 3),
            "ntas_under_90_percent": [f"{code}: {cd} {share:.3f}" for code, cd, share, *_ in checks if share < 0.9],
            "differs_from_cdta": [
                f"{code}: {cd} (CDTA {cdta})"
                for code, cd, _, cdta, _, _ in checks
                if _cd_from_cdta(cdta, abbreviation_to_code) != cd
            ],
            "without_ntas": sorted(set(cd_codes) - {c[1] for c in checks}, key=int),
            "borough_code_differs_from_location": [
                f"{code}: BoroCode {boro} lies in {borough_codes[j] if j >= 0 else 'none'}"
                for code, _, _, _, boro, j in checks
                if j < 0 or borough_codes[j] != boro
            ],
        },
        "files": {name: len(data) for name, data in sorted(files.items())},
    }
    files[f"{AREAS_SUBDIR}/{REPORT_FILE}"] = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    licence = src_dir / SOURCE_LICENCE
    if licence.is_file():
        files[SOURCE_LICENCE] = licence.read_bytes()
    return Conversion(files=files, report=report)


def write_conversion(conversion: Conversion, out_dir: Path) -> list[Path]:
    """Write each file beside a temporary name and rename it into place, so a failed run never leaves
    a half-written layer behind."""
    written = []
    for relative, data in sorted(conversion.files.items()):
        target = Path(out_dir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        written.append(target)
    return written


def import_areas(src_dir: Path, out_dir: Path) -> Conversion:
    """Convert ``src_dir`` and write the result under ``out_dir`` (the jurisdiction folder)."""
    conversion = convert(src_dir)
    write_conversion(conversion, out_dir)
    return conversion

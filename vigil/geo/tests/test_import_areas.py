"""``manage.py import_areas`` on a tiny synthetic jurisdiction written into tmp_path."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from vigil.geo import areas, importer

LON0, LAT0 = -74.0, 40.0
STEP = 0.01  # about 850 m east-west, 1.1 km north-south


def corner(i: float, j: float) -> list[float]:
    return [round(LON0 + i * STEP, 7), round(LAT0 + j * STEP, 7)]


# The edge shared by the two southern NTAs zig-zags by ~0.1 m: simplification should straighten it,
# and identically on both sides.
WIGGLE = [corner(1 + (0.000002 if k % 2 else 0), k / 10) for k in range(11)]


def polygon(ring: list[list[float]]) -> dict:
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def square(i0, j0, i1, j1) -> dict:
    return polygon([corner(i0, j0), corner(i1, j0), corner(i1, j1), corner(i0, j1)])


def collection(features: list[tuple[dict, dict]]) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
        }
    )


def nta(code: str, name: str, boro: int, boro_name: str, cdta: str, geometry: dict) -> tuple[dict, dict]:
    props = {
        "BoroCode": boro,
        "BoroName": boro_name,
        "NTA2020": code,
        "NTAName": name,
        "NTAType": "0",
        "CDTA2020": cdta,
        "CDTAName": f"{cdta} Somewhere (CD 1 Equivalent)",
    }
    return props, geometry


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Three NTAs on a 2 x 2 grid: two in Manhattan (borough 1) sharing a wiggly edge, one across the
    top in the Bronx (borough 2). District 101 covers the west 80 % of the south row, so MN0102 lies
    60 % in 101 and 40 % in 102."""
    folder = tmp_path / "source"
    folder.mkdir()
    west = polygon([corner(0, 0), *WIGGLE, corner(0, 1)])
    east = polygon([corner(2, 0), corner(2, 1), *reversed(WIGGLE)])
    layers = {
        importer.SOURCE_NTA: [
            nta("MN0101", "West Side", 1, "Manhattan", "MN01", west),
            nta("MN0102", "East Side", 1, "Manhattan", "MN01", east),
            nta(
                "BX0101",
                "Uptown",
                2,
                "Bronx",
                "BX01",
                polygon([corner(0, 1), corner(1, 1), corner(2, 1), corner(2, 2), corner(0, 2)]),
            ),
        ],
        importer.SOURCE_CD: [
            ({"BoroCD": 101}, square(0, 0, 1.6, 1)),
            ({"BoroCD": 102}, square(1.6, 0, 2, 1)),
            ({"BoroCD": 201}, square(0, 1, 2, 2)),
        ],
        importer.SOURCE_BOROUGHS: [
            ({"BoroCode": 2, "BoroName": "Bronx"}, square(0, 1, 2, 2)),
            ({"BoroCode": 1, "BoroName": "Manhattan"}, square(0, 0, 2, 1)),
        ],
        importer.SOURCE_DRAWING: [
            ({"NTACode": "MN0101", "GEOCODE": 1}, square(0, 0, 1, 1)),
            ({"NTACode": "MN0102", "GEOCODE": 2}, square(1, 0, 2, 1)),
            ({"NTACode": "BX0101", "GEOCODE": 3}, square(0, 1, 2, 2)),
        ],
    }
    for name, features in layers.items():
        (folder / name).write_text(collection(features), encoding="utf-8")
    (folder / importer.SOURCE_LICENCE).write_text("Apache License 2.0 (test copy)\n", encoding="utf-8")
    return folder


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_it_writes_byte_identical_files_for_the_same_input(source, tmp_path):
    call_command("import_areas", str(source), out=str(tmp_path / "first"), stdout=io.StringIO())
    call_command("import_areas", str(source), out=str(tmp_path / "second"), stdout=io.StringIO())
    first, second = files_under(tmp_path / "first"), files_under(tmp_path / "second")
    assert sorted(first) == [
        "LICENSE-EHDP-data.txt",
        "areas/areas.csv",
        "areas/conversion.json",
        "areas/nta.geojson",
        "areas/nta_drawing.geojson",
    ]
    assert first == second
    assert not any(name.endswith(".tmp") for name in first)


def test_it_assigns_districts_by_largest_overlap_and_keeps_each_ntas_own_borough(source, tmp_path):
    importer.import_areas(source, tmp_path / "out")
    with open(tmp_path / "out" / "areas" / "areas.csv", encoding="utf-8", newline="") as fh:
        rows = {row["code"]: row for row in csv.DictReader(fh)}
    assert [c for c, r in rows.items() if r["kind"] == "borough"] == ["MN", "BX"]
    assert [c for c, r in rows.items() if r["kind"] == "cd"] == ["101", "102", "201"]
    assert rows["MN0101"]["cd"] == "101"
    assert (rows["MN0102"]["cd"], rows["MN0102"]["cd_overlap"]) == ("101", "0.600")
    assert (rows["BX0101"]["borough"], rows["BX0101"]["cd"], rows["BX0101"]["name"]) == ("BX", "201", "Uptown")
    assert rows["101"]["name"] == "Manhattan Community District 1: Somewhere"
    assert rows["102"]["name"] == "Manhattan Community District 2"


def test_it_simplifies_the_shared_edge_the_same_way_on_both_sides(source, tmp_path):
    conversion = importer.convert(source)
    layer = json.loads(conversion.files["areas/nta.geojson"])
    geoms = np.array([shape(f["geometry"]) for f in layer["features"]], dtype=object)
    assert [f["properties"]["NTA2020"] for f in layer["features"]] == ["BX0101", "MN0101", "MN0102"]
    assert shapely.coverage_is_valid(geoms)
    assert conversion.report["lookup"]["committed_vertices"] < conversion.report["lookup"]["source_vertices"]
    assert conversion.report["lookup"]["max_hausdorff_m"] <= 1.0
    assert conversion.report["lookup"]["agreement"]["uniform_agreement"] == 1.0
    west, east = geoms[1], geoms[2]
    assert west.intersection(east).geom_type in ("LineString", "MultiLineString")
    assert west.intersection(east).length > 0


def test_it_refuses_a_folder_without_the_source_layers(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="missing nta2020.geojson"):
        call_command("import_areas", str(tmp_path / "empty"), out=str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_it_serves_lookups_from_the_written_copy(source, tmp_path, settings):
    call_command("import_areas", str(source), out=str(tmp_path / "jurisdiction"), stdout=io.StringIO())
    settings.JURISDICTION_DIR = tmp_path / "jurisdiction"
    areas.reset_cache()
    try:
        west = areas.resolve_point(LAT0 + 0.5 * STEP, LON0 + 0.5 * STEP)
        assert (west.nta, west.nta_name, west.cd, west.borough, west.approximate) == (
            "MN0101",
            "West Side",
            "101",
            "MN",
            False,
        )
        offshore = areas.resolve_point(LAT0 - 0.005, LON0 + 0.5 * STEP)
        assert offshore.nta == "MN0101" and offshore.approximate
        assert areas.resolve_point(LAT0 - 0.05, LON0) is None
        assert areas.all_area_codes() == {"MN", "BX", "101", "102", "201", "MN0101", "MN0102", "BX0101"}
        assert areas.nearby_neighborhoods("MN0101", meters=0) == ["BX0101", "MN0102"]
    finally:
        # The settings fixture restores JURISDICTION_DIR afterwards; the next lookup reloads from there.
        areas.reset_cache()

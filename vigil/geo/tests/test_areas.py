"""Area lookups against the committed NYC copy (jurisdictions/nyc/areas/)."""

from __future__ import annotations

import json
import math
import threading

import pytest
import shapely
from shapely.geometry import LineString, shape

from vigil.geo import areas
from vigil.geo.areas import AreaMatch, great_circle_m

METRES_PER_DEGREE_LAT = math.radians(1.0) * areas.EARTH_RADIUS_M


def test_it_resolves_times_square_to_midtown():
    match = areas.resolve_point(40.7580, -73.9855)
    assert match == AreaMatch(
        nta="MN0502",
        nta_name="Midtown-Times Square",
        cd="105",
        borough="MN",
        borough_name="Manhattan",
        approximate=False,
    )


def test_it_resolves_26_federal_plaza_to_tribeca_civic_center():
    match = areas.resolve_point(40.71540, -74.00425)
    assert match.nta_name == "Tribeca-Civic Center"
    assert (match.borough, match.cd, match.approximate) == ("MN", "101", False)


def test_it_gives_the_nearest_nta_for_a_point_in_the_east_river():
    # Mid-channel off the United Nations, about 160 m from the Manhattan shore.
    match = areas.resolve_point(40.7450, -73.9650)
    assert match is not None
    assert match.approximate is True
    assert match.nta == "MN0661"


def test_it_finds_nothing_five_km_out_in_the_atlantic():
    assert areas.resolve_point(40.5200, -73.8500) is None


def test_it_keeps_rikers_island_in_the_bronx():
    match = areas.resolve_point(40.7932, -73.8860)
    assert match.nta == "QN0151"
    assert match.nta_name == "Rikers Island"
    assert match.borough == "BX"
    assert match.borough_name == "Bronx"
    # Rikers sits in Queens Community District 1 although it belongs to the Bronx.
    assert match.cd == "401"


def _rockaway_shore_latitude(lon: float) -> float:
    """Southernmost land on a meridian, read straight from the committed GeoJSON."""
    with open(areas.areas_dir() / areas.LOOKUP_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    land = shapely.union_all([shape(f["geometry"]) for f in features])
    crossing = land.intersection(LineString([(lon, 40.3), (lon, 40.7)]))
    return crossing.bounds[1]


def test_it_stops_matching_at_one_kilometre_from_shore():
    lon = -73.85
    shore = _rockaway_shore_latitude(lon)
    near = areas.resolve_point(shore - 900 / METRES_PER_DEGREE_LAT, lon)
    far = areas.resolve_point(shore - 1100 / METRES_PER_DEGREE_LAT, lon)
    assert near is not None and near.approximate and near.borough == "QN"
    assert far is None


def test_it_resolves_every_nta_label_point_to_that_nta():
    for code in sorted(c for c in areas.all_area_codes() if areas.get_area(c).kind == "nta"):
        area = areas.get_area(code)
        match = areas.resolve_point(*area.centroid)
        assert (match.nta, match.approximate) == (code, False), code


def test_it_rejects_coordinates_that_are_not_on_earth():
    for lat, lon in [(float("nan"), -73.9), (40.7, float("inf")), (91.0, -73.9), (40.7, -181.0)]:
        with pytest.raises(ValueError):
            areas.resolve_point(lat, lon)


def test_it_finds_areas_of_every_kind_by_code():
    nta = areas.get_area("mn0502")
    assert (nta.kind, nta.name, nta.borough, nta.cd) == ("nta", "Midtown-Times Square", "MN", "105")
    district = areas.get_area(308)
    assert (district.kind, district.borough, district.code) == ("cd", "BK", "308")
    assert "Community District 8" in district.name
    borough = areas.get_area("BX")
    assert (borough.kind, borough.name, borough.cd) == ("borough", "Bronx", None)
    assert areas.get_area("XX9999") is None
    lat, lon = nta.centroid
    assert great_circle_m(lat, lon, 40.7580, -73.9855) < 1500


def test_it_lists_all_262_ntas_71_districts_and_5_boroughs():
    codes = areas.all_area_codes()
    kinds = [areas.get_area(c).kind for c in codes]
    assert (kinds.count("nta"), kinds.count("cd"), kinds.count("borough")) == (262, 71, 5)


def test_it_groups_neighborhoods_by_borough_sorted_by_name():
    groups = areas.neighborhoods_by_borough()
    assert [name for _, name, _ in groups] == ["Bronx", "Brooklyn", "Manhattan", "Queens", "Staten Island"]
    assert sum(len(ntas) for _, _, ntas in groups) == 262
    for code, _, ntas in groups:
        names = [name.casefold() for _, name in ntas]
        assert names == sorted(names)
        assert all(areas.get_area(nta).borough == code for nta, _ in ntas)
    bronx = dict(groups[0][2])
    assert bronx["QN0151"] == "Rikers Island"


def test_it_finds_nearby_neighborhoods_symmetrically():
    ntas = sorted(c for c in areas.all_area_codes() if areas.get_area(c).kind == "nta")
    near = {code: set(areas.nearby_neighborhoods(code)) for code in ntas}
    for code, others in near.items():
        assert code not in others
        for other in others:
            assert code in near[other], (code, other)
    assert {"MN0402", "MN0501", "MN0604", "MN6491"} <= near["MN0502"]
    assert "SI0101" not in near["MN0502"]


def test_it_widens_nearby_neighborhoods_with_distance():
    touching = set(areas.nearby_neighborhoods("BK0101", meters=0))
    wider = set(areas.nearby_neighborhoods("BK0101", meters=1500))
    assert touching and touching < wider
    assert areas.nearby_neighborhoods("nonsense") == []


def test_it_draws_a_self_contained_svg_map():
    svg = areas.area_svg("MN0502", width=200, height=160)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 160"')
    assert svg.endswith("</svg>")
    assert "<title>Midtown-Times Square</title>" in svg
    assert 'class="vigil-area-target"><path d="M' in svg
    assert 'class="vigil-area-context"><path d="M' in svg
    for external in ("href", "url(", "<image", "<script", "style=", "@import"):
        assert external not in svg
    assert svg.count("http://") == 1


def test_it_escapes_names_and_draws_districts_and_boroughs():
    assert "Hell&#x27;s Kitchen" in areas.area_svg("MN0402")
    assert areas.area_svg("308").count("<path") > 1
    assert "<title>Staten Island</title>" in areas.area_svg("si")
    assert areas.area_svg("XX9999") == ""


def test_it_loads_once_when_many_threads_ask_at_the_same_time():
    areas.reset_cache()
    barrier = threading.Barrier(8)
    results, loaded = [], []

    def lookup():
        barrier.wait()
        results.append(areas.resolve_point(40.7580, -73.9855))
        loaded.append(areas._data())

    threads = [threading.Thread(target=lookup) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and {r.nta for r in results} == {"MN0502"}
    assert len({id(d) for d in loaded}) == 1


def test_it_ships_a_layer_within_two_metres_of_the_source():
    folder = areas.areas_dir()
    report = json.loads((folder / areas.REPORT_FILE).read_text(encoding="utf-8"))
    assert report["lookup"]["max_hausdorff_m"] <= 2.0
    assert report["lookup"]["coverage_valid"] is True
    assert report["lookup"]["agreement"]["uniform_agreement"] >= 0.999
    committed = sum(p.stat().st_size for p in folder.iterdir())
    assert committed < 2_500_000


def test_it_names_a_neighborhood_as_people_call_it_in_every_language():
    names = areas.neighborhood_names("bk1802")
    assert names[0] == "Marine Park-Mill Basin-Bergen Beach"
    assert {"bergen beach", "marine park", "mill basin", "Марин-Парк"} <= set(names)
    assert "mott haven" not in names
    assert areas.neighborhood_names("XX9999") == ()

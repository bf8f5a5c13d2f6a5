"""The gazetteer: places written in free text, in the city's languages, resolved to an area and a point."""

from __future__ import annotations

import csv
import json
import statistics
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vigil.geo import gazetteer
from vigil.geo.places import PlaceMatch, resolve_place_text
from vigil.geo.places_importer import SourceError, build
from vigil.lib.distance import meters_between

PACK = Path(__file__).resolve().parents[3] / "jurisdictions" / "nyc"


def near(match: PlaceMatch | None, lat: float, lon: float, metres: float = 40.0) -> bool:
    return match is not None and match.lat is not None and meters_between(match.lat, match.lon, lat, lon) <= metres


# --------------------------------------------------------------------------------------------------
# Corners
# --------------------------------------------------------------------------------------------------


def test_it_resolves_roosevelt_y_la_74_to_the_corner_in_jackson_heights():
    match = resolve_place_text("Roosevelt y la 74")
    assert match.kind == "intersection"
    assert near(match, 40.74685, -73.89143)
    assert match.area == "QN0301"  # Jackson Heights
    assert "Roosevelt" in match.name and "74" in match.name


def test_it_finds_the_place_inside_a_whole_report():
    match = resolve_place_text("ICE agents at Roosevelt y la 74 now, 3 vans", language="es")
    assert match.kind == "intersection"
    assert match.area == "QN0301"
    assert near(match, 40.74685, -73.89143)


def test_it_resolves_149th_and_3rd_to_the_hub_in_the_bronx():
    match = resolve_place_text("149th and 3rd")
    assert match.kind == "intersection"
    assert near(match, 40.81607, -73.9176, metres=60)
    assert match.area.startswith("BX")


def test_it_lets_a_named_borough_choose_between_same_named_corners():
    assert resolve_place_text("149th & 3rd, Queens").area.startswith("QN")
    assert resolve_place_text("149th St and 3rd Ave in the Bronx").area.startswith("BX")
    # "Queens" inside "Queens Blvd" is the street, not a borough hint.
    assert resolve_place_text("Queens Blvd & 63rd Dr").area == "QN0601"


def test_it_keeps_the_other_boroughs_corner_of_the_same_name_as_another_reading():
    match = resolve_place_text("migra en avenida 5 con la 49 ahora mismo")
    readings = [(match.lat, match.lon, match.area), *match.others]
    boroughs = {area[:2] for _lat, _lon, area in readings}
    assert {"BK", "MN"} <= boroughs
    sunset_park = next(r for r in readings if r[2].startswith("BK"))
    assert match.nearest_to(40.6460, -74.0100) == (sunset_park[0], sunset_park[1])


def test_it_reads_a_station_after_an_avenue_as_no_street_called_station():
    # "Av station" once read as Station Ave, a street in Staten Island.
    for text in ("Grand Av station", "agentes en la Grand Av station"):
        match = resolve_place_text(text)
        assert match is None or not (match.area or "").startswith("SI")
        assert match is None or match.name != "Station Ave"
    assert resolve_place_text("ICE on Station Ave").name == "Station Ave"


def test_it_reads_a_route_beside_a_train_word_as_no_station_street():
    # "tren 6" is the 6 train (in the Bronx here), not the 6 Av station in Manhattan.
    match = resolve_place_text("3 kamyonèt nan garaj machin nan anba tren 6 la sou Westchester")
    assert match is None or match.name != "6 Av"
    assert resolve_place_text("the 6 train at 6 Av station").name == "6 Av"


@pytest.mark.parametrize(
    ("text", "station", "area"),
    [
        ("205 st D train agents at the stairs", "Norwood-205 St", "BX0703"),
        ("church av F train, they check ids", "Church Av", "BK1203"),
        ("church av 2 train, they check ids", "Church Av", "BK1701"),
    ],
)
def test_it_reads_a_street_before_a_line_and_a_train_word_as_that_lines_station(text, station, area):
    # No word for "station": "205 st D train" is how New Yorkers name the station; the line tells the
    # Church Av of the F from the Church Av of the 2.
    match = resolve_place_text(text)
    assert (match.kind, match.name, match.area) == ("station", station, area)


def test_it_keeps_no_other_reading_when_the_text_tells_the_places_apart():
    assert resolve_place_text("Avenue 5 and 49th St in Brooklyn").others == ()
    assert resolve_place_text("Roosevelt y la 74").others == ()


@pytest.mark.parametrize("text", ["缅街和罗斯福大道", "緬街與羅斯福大道", "在缅街和罗斯福大道交界有移民局的人"])
def test_it_resolves_main_street_and_roosevelt_written_in_chinese(text):
    match = resolve_place_text(text, language="zh")
    assert match.kind == "intersection"
    assert "Main St" in match.name and "Roosevelt Ave" in match.name
    assert match.area == "QN0707"  # Flushing
    assert near(match, 40.75958, -73.83014)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("seventy-fourth street and roosevelt avenue", "en"),
        ("Avenida Roosevelt con la 74", "es"),
        ("la migra está en la 74 esquina Roosevelt", "es"),
        ("74-я улица и Рузвельт-авеню", "ru"),
        ("৭৪ স্ট্রিট এবং রুজভেল্ট অ্যাভিনিউ", "bn"),
        ("74yèm ri ak Roosevelt", "ht"),
        ("루스벨트 애비뉴와 74번가", "ko"),
        ("شارع 74 وروزفلت", "ar"),
        ("74ویں اسٹریٹ اور روزویلٹ ایونیو", "ur"),
        ("74e rue et avenue Roosevelt", "fr"),
        ("74. ulica i Roosevelta", "pl"),
        ("七十四街和羅斯福大道", "zh"),
    ],
)
def test_it_resolves_the_same_corner_in_each_language(text, language):
    match = resolve_place_text(text, language=language)
    assert match.kind == "intersection"
    assert near(match, 40.74685, -73.89143)


@pytest.mark.parametrize(
    ("text", "corner"),
    [
        ("কর্টেলিউ রোড আর কোনি আইল্যান্ড এভিনিউ", "Cortelyou Rd & Coney Island Ave"),
        ("ফ্ল্যাটবুশ এভিনিউ আর নস্ট্রান্ড এভিনিউ", "Flatbush Ave & Nostrand Ave"),
        ("Эммонс авеню и Ностранд авеню", "Emmons Ave & Nostrand Ave"),
        ("на Ностранд и Фостер стоят две машины", "Nostrand Ave & Foster Ave"),
        ("Castle Hill aur Starling", "Castle Hill Ave & Starling Ave"),
        ("কিংস হাইওয়ে আর ওশান পার্কওয়ে", "Kings Hwy & Ocean Pkwy"),
        ("আর্ভিং আর স্টার স্ট্রিট", "Irving Ave & Starr St"),
    ],
)
def test_it_reads_street_names_written_in_another_script_by_their_sound(text, corner):
    # No alias lists these streets in Bengali or Russian: the names are read by how they sound.
    match = resolve_place_text(text)
    assert match is not None and match.kind == "intersection"
    assert match.name == corner


def test_it_reads_a_word_for_station_as_that_word_not_as_a_street_it_sounds_like():
    # "станции" has the consonants of Standish Rd; it is the word before the station's name.
    match = resolve_place_text("ICE на станции Кингс хайвей, поезд F")
    assert (match.kind, match.name, match.area) == ("station", "Kings Hwy", "BK1501")


@pytest.mark.parametrize("text", ["দোকানে আইস আছে, সাবধান", "রুটির দোকানে রেইড", "в магазине ещё стоят"])
def test_it_does_not_read_an_ordinary_word_that_sounds_like_some_street_as_that_street(text):
    # "দোকানে" (in the shop) has the consonants of Digney Ave, "রুটির" (the bread's) those of Arthur
    # Ave: with no street-type word or "and" beside them they stay words.
    match = resolve_place_text(text)
    assert match is None or match.kind != "street"


def test_it_does_not_read_a_street_named_after_a_neighborhood_as_that_neighborhood():
    # Flatbush Avenue meets Atlantic Avenue far from the Flatbush neighborhood.
    match = resolve_place_text("Flatbush Ave and Atlantic Ave")
    assert match.kind == "intersection"
    assert match.area != "BK1401"


def test_it_uses_a_named_neighborhood_to_pick_the_corner():
    match = resolve_place_text("82 y Roosevelt en Jackson Heights")
    assert match.kind == "intersection"
    assert match.area == "QN0301"


# --------------------------------------------------------------------------------------------------
# Stations, landmarks, schools
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["74 St-Broadway station", "la estación de la 74", "metro 74", "74街站"])
def test_it_resolves_the_74_st_broadway_station(text):
    match = resolve_place_text(text)
    assert match.kind == "station"
    assert match.name == "74 St-Broadway"
    assert near(match, 40.746848, -73.891394, metres=20)
    # The platform sits on the Jackson Heights / Elmhurst line.
    assert match.area in ("QN0301", "QN0401")


@pytest.mark.parametrize(
    "text",
    [
        "26 Federal Plaza",
        "ICE check-in at 26 Federal Plaza tomorrow",
        "lo detuvieron en la corte de inmigración",
        "联邦广场26号",
        "ইমিগ্রেশন কোর্ট",
    ],
)
def test_it_resolves_26_federal_plaza(text):
    match = resolve_place_text(text)
    assert match.kind == "landmark"
    assert "26 Federal Plaza" in match.name
    assert near(match, 40.7154, -74.00425)
    assert match.area == "MN0102"


@pytest.mark.parametrize("text", ["Rikers", "雷克岛", "Port Authority", "Penn Station", "Times Square"])
def test_it_resolves_well_known_landmarks(text):
    match = resolve_place_text(text)
    assert match.kind == "landmark"
    assert match.lat is not None and match.area


def test_it_resolves_a_school_when_the_neighborhood_decides_which_one():
    match = resolve_place_text("ICE agents outside PS 19 in Corona this morning")
    assert match.kind == "school"
    assert match.area.startswith("QN")
    assert "019" in match.name or "19" in match.name


def test_it_declines_a_school_number_that_every_borough_has():
    assert resolve_place_text("PS 19") is None


@pytest.mark.parametrize("text", ["ICE at PS 86", "ICE en la escuela PS 86"])
def test_it_declines_a_school_number_that_a_few_boroughs_share(text):
    # Two schools called P.S. 86 (Brooklyn, the Bronx) and a point of interest "PS 86" in Queens: naming
    # the number alone is a guess between three boroughs, whichever table names it.
    assert resolve_place_text(text) is None


def test_it_resolves_a_shared_school_number_in_the_named_borough():
    match = resolve_place_text("ICE at PS 86 in the Bronx")
    assert match is not None and match.area == "BX0702"


@pytest.mark.parametrize(
    "text", ["agents at 86 St station", "la estación de la 86 en Manhattan", "86 St station Brooklyn"]
)
def test_it_declines_a_station_name_that_several_stations_share(text):
    # Six stations are called 86 St (four in Manhattan, two in Brooklyn, each in its own neighborhood):
    # neither the name alone nor the borough says which. At most the street is read, with no point
    # and no neighborhood.
    match = resolve_place_text(text)
    assert match is None or (match.kind == "street" and match.area is None and match.lat is None)


def test_it_resolves_a_shared_station_name_in_the_named_neighborhood():
    match = resolve_place_text("agents at 86 St station in Bay Ridge")
    assert match is not None and match.kind == "station" and match.area == "BK1001"


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("ice at 36 st station 4th ave exit stopping people", "BK0702"),  # not the 36 St station in Queens
        ("36街地铁站4大道出口有ICE拦人", "BK0702"),
        ("ice van parked at PS 149 on 34 ave since 6am", "QN0301"),
        ("2 black suvs at PS 212 82nd st", "QN0301"),
    ],
)
def test_it_lets_another_named_street_choose_between_same_named_places(text, area):
    match = resolve_place_text(text)
    assert match is not None and match.kind in ("station", "school") and match.area == area


@pytest.mark.parametrize(
    "text",
    [
        "en la estacion de la 86 del tren R piden papeles",
        "agents at the 86 st R station checking people",
        "عملاء عند محطة 86 ستريت خط R، يوقفون الناس",
    ],
)
def test_it_lets_a_named_train_choose_between_same_named_stations(text):
    match = resolve_place_text(text)
    assert match is not None and match.kind == "station" and match.area == "BK1001"


def test_it_does_not_read_the_number_of_an_avenue_as_a_train():
    from vigil.geo.gazetteer import gazetteer
    from vigil.geo.place_words import routes_named

    assert routes_named(gazetteer().tokens("agents at the 86 st station on 4th ave")) == frozenset()


def test_it_breaks_words_at_arabic_and_bengali_punctuation():
    match = resolve_place_text("الهجرة عند الجادة الخامسة وشارع 86، أوقفوا عمال المطعم")
    assert match is not None and match.kind == "intersection" and match.area == "BK1001"


def test_it_keeps_the_neighborhood_when_same_named_stations_share_it():
    # Two stations called 181 St, 600 m apart, both in Washington Heights: the point is unknown, the
    # neighborhood is not.
    match = resolve_place_text("agents at the 181 st subway station checking IDs")
    assert match is not None and match.kind == "neighborhood" and match.area == "MN1202"
    assert match.lat is None


def test_it_does_not_read_english_is_as_a_school():
    assert resolve_place_text("ICE is 5 blocks away") is None


# --------------------------------------------------------------------------------------------------
# Neighborhoods
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "nta"),
    [
        ("están en el Alto Manhattan", "es", "MN12"),
        ("Washington Heights", "en", "MN12"),
        ("法拉盛", "zh", "QN0707"),
        ("唐人街", "zh", "MN0301"),
        ("華埠", "zh", "MN0301"),
        ("Брайтон-Бич", "ru", "BK1303"),
        ("облава на Брайтоне", "ru", "BK1303"),
        ("Ti Ayiti", "ht", "BK1401"),
        ("잭슨하이츠", "ko", "QN0301"),
        ("জ্যাকসন হাইটসে", "bn", "QN0301"),
        ("JH", "en", "QN0301"),
    ],
)
def test_it_resolves_neighborhood_names_and_aliases_in_several_languages(text, language, nta):
    match = resolve_place_text(text, language=language)
    assert match.kind == "neighborhood"
    assert match.area.startswith(nta)
    assert match.lat is None


def test_it_picks_the_same_named_neighborhood_in_the_named_borough():
    assert resolve_place_text("Murray Hill").area == "MN0603"
    assert resolve_place_text("Murray Hill, Queens").area == "QN0704"


@pytest.mark.parametrize(
    ("text", "nta"),
    [
        ("ICE en Harlem (North) ahora", "MN1002"),
        ("Harlem (South) میں ۱۳۷ اسٹریٹ پر ICE", "MN1001"),
        ("agents at Nelson Ave in University Heights (South)", "BX0501"),
        ("ICE en la Highlawn en Gravesend (West)", "BK1103"),
    ],
)
def test_it_picks_the_neighborhood_its_city_qualifier_names(text, nta):
    # "Harlem" names two NTAs, listed South first; the city's own qualifier, written after the name as
    # in "Harlem (North)", says which. Read as the first listed, a report of a scene in Harlem (North)
    # was placed in the neighborhood next door, and grouping compared it with the scene's other reports
    # as with a neighboring area's.
    assert resolve_place_text(text).area == nta


def test_it_falls_back_to_a_street_alone():
    match = resolve_place_text("they are walking down Roosevelt Ave")
    assert match.kind == "street"
    assert match.name == "Roosevelt Ave"
    assert match.lat is None


@pytest.mark.parametrize("text", ["asdkjh qwe zzz", "", "   ", "3 vans", "agents everywhere!!!", "el Bronx"])
def test_it_returns_none_when_no_place_is_named(text):
    assert resolve_place_text(text) is None


def test_it_keeps_a_lookup_well_under_5_ms():
    texts = [
        "ICE agents at Roosevelt y la 74 now, 3 vans",
        "149th and 3rd",
        "缅街和罗斯福大道",
        "la estación de la 74",
        "26 Federal Plaza",
        "Брайтон-Бич",
        "asdkjh qwe zzz",
    ]
    resolve_place_text("warm up")  # the first call loads the pack
    timings = []
    for _ in range(20):
        for text in texts:
            start = time.perf_counter()
            resolve_place_text(text)
            timings.append(time.perf_counter() - start)
    # Typically about 0.25 ms; the bound leaves room for a busy CI machine without hiding a regression
    # to a linear scan (tens of milliseconds).
    assert statistics.median(timings) < 0.005


# --------------------------------------------------------------------------------------------------
# The committed pack
# --------------------------------------------------------------------------------------------------


def test_the_hand_written_landmark_areas_match_the_area_lookup():
    from vigil.geo.areas import resolve_point

    for item in json.loads((PACK / "aliases" / "landmarks.json").read_text(encoding="utf-8"))["landmarks"]:
        assert resolve_point(item["lat"], item["lon"]).nta == item["nta"], item["id"]


def test_every_alias_names_a_real_area():
    from vigil.geo.areas import all_area_codes

    codes = all_area_codes()
    with open(PACK / "aliases" / "neighborhoods.tsv", encoding="utf-8") as fh:
        rows = [line.split("\t") for line in fh if line.strip() and not line.startswith("#")][1:]
    assert rows
    assert {r[0] for r in rows} <= codes
    assert {r[0] for r in rows if r[1] == "name"} == {c for c in codes if len(c) == 6 and c[:2].isalpha()}


def test_the_committed_places_stay_modest_in_size():
    total = sum(p.stat().st_size for p in (PACK / "places").iterdir()) + sum(
        p.stat().st_size for p in (PACK / "aliases").iterdir()
    )
    assert total < 4_000_000
    provenance = (PACK / "places" / "PROVENANCE-places.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in provenance


# --------------------------------------------------------------------------------------------------
# The importer, on a tiny synthetic source
# --------------------------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _synthetic_source(folder: Path, reverse: bool = False) -> Path:
    """Six small files in the shape of the real ones; ``reverse`` writes every file's rows backwards."""
    folder.mkdir(parents=True, exist_ok=True)

    def order(rows):
        return list(reversed(rows)) if reverse else rows

    _write_csv(
        folder / "intersections_cscl.csv",
        ["lat", "lon", "name"],
        order(
            [
                ["40.74685", "-73.89143", "74 ST & ROOSEVELT AVE"],
                ["40.74690", "-73.89150", "74 ST & ROOSEVELT AVE"],  # same corner, a few metres off
                ["40.81607", "-73.91765", "3 AVE & E  149 ST"],  # the centreline's double space
                ["40.74700", "-73.89000", "BQE EB EXIT 40 RAMP & ROOSEVELT AVE"],  # a ramp
            ]
        ),
    )
    _write_csv(
        folder / "intersections_osm.csv",
        ["Street1", "Street2", "Borough", "Lat", "Lon", "Nodes"],
        order(
            [
                ["74th Street", "Roosevelt Avenue", "Queens", "40.746855", "-73.891435", "1"],  # known
                ["Main Street", "Roosevelt Avenue", "Queens", "40.75958", "-73.83014", "2"],  # new
            ]
        ),
    )
    _write_csv(
        folder / "subway_stations.csv",
        [
            "GTFS Stop ID",
            "Station ID",
            "Complex ID",
            "Stop Name",
            "Borough",
            "Daytime Routes",
            "GTFS Latitude",
            "GTFS Longitude",
        ],
        order([["710", "454", "616", "74 St-Broadway", "Q", "7", "40.746848", "-73.891394"]]),
    )
    _write_csv(
        folder / "subway_entrances.csv",
        ["Station Name", "Station Latitude", "Station Longitude"],
        order([["Broadway-74th St", "40.746848", "-73.891394"], ["Broadway-74th St", "40.746848", "-73.891394"]]),
    )
    _write_csv(
        folder / "school_locations.csv",
        ["location_code", "location_name", "LATITUDE", "LONGITUDE", "Status_descriptions"],
        order(
            [
                ["Q019", "P.S. 019 Marino Jeantet", "40.7486", "-73.86656", "Open"],
                ["Q999", "Closed School", "40.7486", "-73.86656", "Closed"],
            ]
        ),
        bom=True,
    )
    _write_csv(
        folder / "points_of_interest.csv",
        ["the_geom", "FACILITY_T", "NAME"],
        order(
            [
                ["POINT (-74.00424979812789 40.71539557235816)", "8", "JACOB K JAVITS FEDERAL OFFICE BUILDING"],
                ["POINT (-73.88 40.78)", "6", "RIKERS ISLAND CHANNEL LIGHTED BUOY 3"],
                ["POINT (-73.95 40.70)", "1", "MARCY HOUSES BUILDING 22"],
                ["POINT (-73.9501 40.7001)", "1", "MARCY HOUSES BUILDING 23"],
            ]
        ),
    )
    return folder


def _fake_locate(lat: float, lon: float) -> str | None:
    """A stand-in for the area lookup: east of -73.9 is Queens, the rest Manhattan."""
    return "QN0301" if lon > -73.9 else "MN0102"


def test_the_importer_is_deterministic_on_a_tiny_synthetic_source(tmp_path):
    first = build(_synthetic_source(tmp_path / "a"), _fake_locate)
    second = build(_synthetic_source(tmp_path / "b", reverse=True), _fake_locate)
    for name in first:
        if name != "manifest.json":  # holds the source digests, which differ with row order
            assert first[name] == second[name], name
    assert first == build(_synthetic_source(tmp_path / "c"), _fake_locate)


def test_the_importer_normalises_merges_and_keeps_sources_apart(tmp_path):
    files = build(_synthetic_source(tmp_path / "src"), _fake_locate)
    streets = [line.split("\t") for line in files["streets.tsv"].splitlines()[1:]]
    keys = {" ".join(p for p in (d, core, kind) if p) for _id, d, core, kind in streets}
    assert {"74 ST", "ROOSEVELT AVE", "E 149 ST", "3 AVE", "MAIN ST"} <= keys
    assert not any("RAMP" in k or "EXIT" in k for k in keys)
    cscl = files["intersections.tsv"].splitlines()[1:]
    assert len(cscl) == 2  # the two readings of 74 St & Roosevelt are one corner
    osm = files["intersections_osm.tsv"].splitlines()[1:]
    assert len(osm) == 1  # only Main St & Roosevelt Ave is new
    assert files["stations.tsv"].splitlines()[1].split("\t")[1] == "74 St-Broadway|Broadway-74th St"
    assert "Closed School" not in files["schools.tsv"]
    assert "BUOY" not in files["landmarks.tsv"]
    assert files["landmarks.tsv"].count("MARCY HOUSES") == 1
    assert "© OpenStreetMap contributors" in files["PROVENANCE-places.md"]


def test_the_importer_names_missing_source_files(tmp_path):
    with pytest.raises(SourceError, match="intersections_cscl.csv"):
        build(tmp_path, _fake_locate)
    with pytest.raises(CommandError):
        call_command("import_places", str(tmp_path), out=str(tmp_path / "out"))


def test_the_command_writes_a_pack_that_the_gazetteer_reads(tmp_path, settings):
    source = _synthetic_source(tmp_path / "src")
    out = tmp_path / "pack"
    call_command("import_places", str(source), out=str(out))
    assert (out / "places" / "intersections.tsv").exists()
    settings.JURISDICTION_DIR = out
    gazetteer.reset_cache()
    try:
        match = resolve_place_text("Main St and Roosevelt Ave")
        assert match.kind == "intersection"
        assert match.area == "QN0707"  # named by the real area lookup during the import
        assert resolve_place_text("Roosevelt y la 74").area == "QN0301"
    finally:
        gazetteer.reset_cache()
